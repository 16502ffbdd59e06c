import { Random } from './random';

/**
 * The chaos plan: from one seed, N orders, their payment attempts, and every delivery that tells our
 * functions about them (redirects, PC callbacks, webhooks), placed on one shuffled timeline.
 */

export const orderKinds = [
  'paid',
  'tampered',
  'vbank',
  'failed_then_paid',
  'never_paid',
  'second_charge',
] as const;
export type OrderKind = (typeof orderKinds)[number];

/** What each kind must end as once the queue has drained. */
export const expectedStatus = {
  paid: 'paid',
  tampered: 'forgery',
  vbank: 'paid',
  failed_then_paid: 'paid',
  never_paid: 'expired',
  second_charge: 'paid',
} as const satisfies Record<OrderKind, string>;
export type FinalStatus = (typeof expectedStatus)[OrderKind];

export type Encoding = 'json' | 'form';
export type Api = 'v1' | 'v2';
export type Channel = 'pc' | 'mobile';

export interface ScenarioOptions {
  n: number;
  seed: number;
  /** Relative shares of the kinds; each kind present gets at least one order when n ≥ 5. */
  shares?: Partial<Record<OrderKind, number>>;
  /** Chance that the browser's redirect (mobile) or callback (PC) never arrives. @default 0.5 */
  dropBrowser?: number;
  /** Chance that a webhook notice is lost; otherwise it arrives 1..maxWebhookCopies times. @default 0.5 */
  dropWebhook?: number;
  /** @default 3 */
  maxWebhookCopies?: number;
  /** Share of mobile buyers (redirect) against PC buyers (callback). @default 0.5 */
  mobileShare?: number;
  /** Share of orders on PortOne V2 (the others on V1). @default 0.5 */
  v2Share?: number;
  /**
   * Orders paid twice, besides the n: the first payment is delivered as any, the second is made after
   * every order is final and its every notice is lost (only the ledger check can find it). V1 only:
   * V2 refuses a second payment for a paid paymentId. @default 0
   */
  secondCharges?: number;
}

export const defaultShares: Record<OrderKind, number> = {
  paid: 0.5,
  tampered: 0.1,
  vbank: 0.15,
  failed_then_paid: 0.15,
  never_paid: 0.1,
  second_charge: 0,
};

export interface PlannedAttempt {
  index: number;
  /** What the buyer's window ends with, as the sandbox records it. */
  status: 'paid' | 'ready' | 'failed';
  payMethod: 'card' | 'vbank';
  /** What the buyer is charged: differs from the order's amount when tampered. */
  amount: number;
  /** Whether the redirect / callback of this attempt is delivered. */
  browserDelivered: boolean;
  /** Copies of the attempt's notice (paid, or vbank issued) and their encodings; [] = lost. */
  webhooks: Encoding[];
  /** vbank only: copies of the deposit's notice; [] = lost. */
  depositWebhooks?: Encoding[];
  /** How many cancels Iamport must end up recording for this attempt. */
  expectedCancels: number;
  /** Paid only after every order is final, with no notice at all (a second charge). */
  afterFinal?: boolean;
}

export interface PlannedOrder {
  index: number;
  merchantUid: string;
  kind: OrderKind;
  api: Api;
  /** What the merchant stored. */
  amount: number;
  /** `prepare`: POST /orders (stored + Iamport prepare); `direct`: written to the table only. */
  registration: 'prepare' | 'direct';
  channel: Channel;
  attempts: PlannedAttempt[];
  expected: FinalStatus;
  /** The attempt whose imp_uid the final status must carry; undefined when no attempt decides it. */
  decisive?: number;
}

export type StepKind = 'register' | 'pay' | 'deposit' | 'redirect' | 'callback' | 'webhook';

export interface Step {
  id: number;
  kind: StepKind;
  order: number;
  attempt?: number;
  /** Body encoding of a callback, or format of a webhook re-send. */
  encoding?: Encoding;
  /** Steps that must have finished first (the order before its payment, a payment before its notices). */
  after: number[];
  /** Position on the timeline, 0..~1.3; steps run in this order. */
  at: number;
}

export interface Scenario {
  seed: number;
  n: number;
  orders: PlannedOrder[];
  /** Sorted by `at`; every step's dependencies come before it. */
  steps: Step[];
  /** Seed for the sandbox's fault draws, derived from the plan's seed. */
  faultSeed: number;
  dropped: { browser: number; webhookNotices: number };
}

function kindCounts(n: number, shares: Record<OrderKind, number>): Record<OrderKind, number> {
  const total = orderKinds.reduce((sum, kind) => sum + Math.max(0, shares[kind]), 0);
  if (total <= 0) throw new RangeError('shares must have a positive sum');
  const counts = Object.fromEntries(orderKinds.map((kind) => [kind, 0])) as Record<OrderKind, number>;
  for (const kind of orderKinds) {
    const share = Math.max(0, shares[kind]) / total;
    counts[kind] = Math.floor(share * n);
    if (share > 0 && counts[kind] === 0 && n >= orderKinds.length) counts[kind] = 1;
  }
  const assigned = orderKinds.reduce((sum, kind) => sum + counts[kind], 0);
  // The remainder (or excess, for tiny n) goes to or comes from the largest kind.
  const largest = [...orderKinds].sort((a, b) => shares[b] - shares[a])[0] ?? 'paid';
  counts[largest] += n - assigned;
  return counts;
}

/** A whole-won KRW amount in steps of 100. */
function amountOf(random: Random): number {
  return random.int(10, 2000) * 100;
}

export function generateScenario(options: ScenarioOptions): Scenario {
  const { n, seed } = options;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be a positive integer, got ${n}`);
  const dropBrowser = options.dropBrowser ?? 0.5;
  const dropWebhook = options.dropWebhook ?? 0.5;
  const maxCopies = options.maxWebhookCopies ?? 3;
  const mobileShare = options.mobileShare ?? 0.5;
  const v2Share = options.v2Share ?? 0.5;
  const secondCharges = options.secondCharges ?? 0;
  const root = new Random(seed);
  // Separate streams: the kinds, the orders' details and the timeline do not shift one another.
  const kindRandom = root.fork();
  const detailRandom = root.fork();
  const timeRandom = root.fork();
  const faultSeed = root.int(1, 2 ** 31 - 1);

  const counts = kindCounts(n, { ...defaultShares, ...options.shares });
  const kinds = kindRandom.shuffle(orderKinds.flatMap((kind) => Array<OrderKind>(counts[kind]).fill(kind)));
  // Placed among the others: a second charge's first payment is an ordinary one on the timeline.
  for (let i = 0; i < secondCharges; i++) kinds.splice(kindRandom.int(0, kinds.length), 0, 'second_charge');
  const dropped = { browser: 0, webhookNotices: 0 };

  const notices = (): Encoding[] => {
    if (detailRandom.chance(dropWebhook)) {
      dropped.webhookNotices += 1;
      return [];
    }
    return Array.from({ length: detailRandom.int(1, maxCopies) }, () =>
      detailRandom.pick<Encoding>(['json', 'form']),
    );
  };
  const browser = (): boolean => {
    const delivered = !detailRandom.chance(dropBrowser);
    if (!delivered) dropped.browser += 1;
    return delivered;
  };

  const planOrder = (kind: OrderKind, index: number): PlannedOrder => {
    const amount = amountOf(detailRandom);
    const channel: Channel = detailRandom.chance(mobileShare) ? 'mobile' : 'pc';
    const api: Api = kind !== 'second_charge' && detailRandom.chance(v2Share) ? 'v2' : 'v1';
    const base = {
      index,
      merchantUid: `chaos_${seed}_${index}`,
      kind,
      api,
      amount,
      channel,
      expected: expectedStatus[kind],
    };
    const card = (attempt: number, status: 'paid' | 'failed', charged: number, cancels = 0) => ({
      index: attempt,
      status,
      payMethod: 'card' as const,
      amount: charged,
      browserDelivered: browser(),
      // Iamport sends no notice for a failed attempt.
      webhooks: status === 'failed' ? [] : notices(),
      expectedCancels: cancels,
    });
    switch (kind) {
      case 'paid':
        return { ...base, registration: 'prepare', attempts: [card(0, 'paid', amount)], decisive: 0 };
      case 'tampered': {
        // The buyer paid less than the order says: only possible without Iamport's prepare.
        const charged = detailRandom.int(1, amount / 100 - 1) * 100;
        return { ...base, registration: 'direct', attempts: [card(0, 'paid', charged, 1)], decisive: 0 };
      }
      case 'vbank':
        return {
          ...base,
          registration: 'prepare',
          attempts: [
            {
              index: 0,
              status: 'ready',
              payMethod: 'vbank',
              amount,
              browserDelivered: browser(),
              webhooks: notices(),
              depositWebhooks: notices(),
              expectedCancels: 0,
            },
          ],
          decisive: 0,
        };
      case 'failed_then_paid':
        return {
          ...base,
          registration: 'prepare',
          attempts: [card(0, 'failed', amount), card(1, 'paid', amount)],
          decisive: 1,
        };
      case 'never_paid':
        return { ...base, registration: 'prepare', attempts: [] };
      case 'second_charge':
        return {
          ...base,
          registration: 'prepare',
          attempts: [
            card(0, 'paid', amount),
            {
              index: 1,
              status: 'paid',
              payMethod: 'card',
              amount,
              browserDelivered: false,
              webhooks: [],
              expectedCancels: 1,
              afterFinal: true,
            },
          ],
          decisive: 0,
        };
    }
  };
  const orders = kinds.map((kind, index) => planOrder(kind, index));

  const steps: Step[] = [];
  const add = (step: Omit<Step, 'id'>): Step => {
    const full = { ...step, id: steps.length };
    steps.push(full);
    return full;
  };
  // Strictly positive, so a step always sorts after the one it depends on.
  const later = (from: number, spread: number) => from + 1e-9 + timeRandom.next() * spread;

  for (const order of orders) {
    const register = add({ kind: 'register', order: order.index, after: [], at: timeRandom.next() });
    let previousPay: Step | undefined;
    for (const attempt of order.attempts) {
      if (attempt.afterFinal) continue;
      // A retry follows the failed attempt it replaces; the first follows the registration.
      const pay = add({
        kind: 'pay',
        order: order.index,
        attempt: attempt.index,
        after: [previousPay?.id ?? register.id],
        at: later(previousPay?.at ?? register.at, previousPay ? 0.02 : 0.01),
      });
      previousPay = pay;
      const deliveries = (source: Step, encodings: Encoding[]) => {
        for (const encoding of encodings) {
          add({
            kind: 'webhook',
            order: order.index,
            attempt: attempt.index,
            encoding,
            after: [source.id],
            at: later(source.at, 0.03),
          });
        }
      };
      if (attempt.browserDelivered) {
        add({
          kind: order.channel === 'mobile' ? 'redirect' : 'callback',
          order: order.index,
          attempt: attempt.index,
          ...(order.channel === 'pc' ? { encoding: timeRandom.pick<Encoding>(['json', 'form']) } : {}),
          after: [pay.id],
          at: later(pay.at, 0.03),
        });
      }
      deliveries(pay, attempt.webhooks);
      if (attempt.depositWebhooks) {
        // The buyer transfers the money a while after the account was issued.
        const deposit = add({
          kind: 'deposit',
          order: order.index,
          attempt: attempt.index,
          after: [pay.id],
          at: later(pay.at + 0.02, 0.1),
        });
        deliveries(deposit, attempt.depositWebhooks);
      }
    }
  }
  steps.sort((a, b) => a.at - b.at);
  return { seed, n, orders, steps, faultSeed, dropped };
}
