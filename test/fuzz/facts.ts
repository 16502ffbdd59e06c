/**
 * Iamport "facts" for one order and deliveries of them through the entry points, for the state
 * machine properties: what Iamport holds about every payment attempt of `order_sm`, and which notices
 * (PC callback, mobile redirect, webhook, reconciliation) reach `verifyPayment`, in which order.
 */
import fc from 'fast-check';
import type { IamportApi, Payment } from '../../shared/iamport/types';
import type { OrderStore } from '../../shared/orders/store';
import { canTransition } from '../../shared/orders/transitions';
import type { Order, TransitionSource } from '../../shared/orders/types';
import type { VerifyRequest } from '../../shared/payments/types';
import { type VerifyDeps, verifyPayment } from '../../shared/payments/verifyPayment';
import { iamportProvider } from '../../shared/providers/iamportProvider';
import { memoryEvents } from '../helpers/fakeEvents';
import { anOrder, aPayment, aVbankPayment, FakeIamport, FIXED_NOW, MemoryOrderStore } from '../helpers/fakes';

export const MERCHANT_UID = 'order_sm';
export const ORDER_AMOUNT = 14_000;
const FIXED_UNIX = Math.floor(FIXED_NOW.getTime() / 1000);

export const attemptKinds = [
  'paid',
  'paid_tampered',
  'failed',
  'ready_card',
  'vbank',
  'vbank_tampered',
  'cancelled_full',
  'cancelled_partial',
  'cancelled_tampered_partial',
] as const;
export type AttemptKind = (typeof attemptKinds)[number];

/** Attempts that are no money and decide nothing once the order has moved on. */
export const harmlessKinds: readonly AttemptKind[] = ['failed', 'ready_card'];

export function impUidOf(index: number): string {
  return `imp_sm${String(index).padStart(8, '0')}`;
}

/** The payment Iamport holds for attempt `index` of kind `kind`; later attempts started later. */
export function paymentOf(kind: AttemptKind, index: number): Payment {
  const base = {
    imp_uid: impUidOf(index),
    merchant_uid: MERCHANT_UID,
    started_at: FIXED_UNIX - 600 + index * 10,
    paid_at: FIXED_UNIX - 595 + index * 10,
  };
  const cancelled = { status: 'cancelled', cancelled_at: FIXED_UNIX - 300 + index * 10 };
  switch (kind) {
    case 'paid':
      return aPayment({ ...base, amount: ORDER_AMOUNT });
    case 'paid_tampered':
      return aPayment({ ...base, amount: 100 });
    case 'failed':
      return aPayment({
        ...base,
        amount: ORDER_AMOUNT,
        status: 'failed',
        paid_at: 0,
        failed_at: base.paid_at,
      });
    case 'ready_card':
      return aPayment({ ...base, amount: ORDER_AMOUNT, status: 'ready', paid_at: 0 });
    case 'vbank':
      return aVbankPayment({ ...base, amount: ORDER_AMOUNT, paid_at: 0 });
    case 'vbank_tampered':
      return aVbankPayment({ ...base, amount: 100, paid_at: 0 });
    case 'cancelled_full':
      return aPayment({ ...base, ...cancelled, amount: ORDER_AMOUNT, cancel_amount: ORDER_AMOUNT });
    case 'cancelled_partial':
      return aPayment({ ...base, ...cancelled, amount: ORDER_AMOUNT, cancel_amount: 4_000 });
    case 'cancelled_tampered_partial':
      return aPayment({ ...base, ...cancelled, amount: 100, cancel_amount: 40 });
  }
}

/** One notice: which entry point, and which attempt it names (or only the order, by merchant_uid). */
export interface Delivery {
  source: TransitionSource;
  /** An attempt's index, or `merchant` for a notice that knows only the merchant_uid. */
  target: number | 'merchant';
  /** The PC callback may send the merchant_uid along with the imp_uid. */
  withMerchantUid: boolean;
}

export function requestOf(delivery: Delivery): VerifyRequest {
  if (delivery.target === 'merchant') return { merchantUid: MERCHANT_UID, source: delivery.source };
  return {
    impUid: impUidOf(delivery.target),
    ...(delivery.withMerchantUid ? { merchantUid: MERCHANT_UID } : {}),
    source: delivery.source,
  };
}

export interface Scenario {
  attempts: AttemptKind[];
  deliveries: Delivery[];
}

const sources = fc.constantFrom<TransitionSource>('complete', 'mobile', 'webhook', 'reconcile');

/**
 * Attempts of the given kinds, and notices about them: with `everyAttemptNamed`, each attempt is named by
 * at least one notice (Iamport notifies every attempt; which entry point and how often varies), and the
 * rest are duplicates or merchant_uid-only lookups.
 */
export function scenarioArbitrary(
  kinds: fc.Arbitrary<AttemptKind[]>,
  options: { maxExtra?: number; everyAttemptNamed?: boolean } = {},
): fc.Arbitrary<Scenario> {
  const { maxExtra = 4, everyAttemptNamed = true } = options;
  return kinds.chain((attempts) => {
    const delivery = (target: fc.Arbitrary<number | 'merchant'>) =>
      fc.record({ source: sources, target, withMerchantUid: fc.boolean() });
    const named = fc.tuple(...attempts.map((_, index) => delivery(fc.constant(index))));
    const extra = fc.array(
      delivery(
        fc.oneof(
          { arbitrary: fc.integer({ min: 0, max: attempts.length - 1 }), weight: 3 },
          { arbitrary: fc.constant('merchant' as const), weight: 1 },
        ),
      ),
      { minLength: everyAttemptNamed ? 0 : 1, maxLength: maxExtra },
    );
    return fc.record({
      attempts: fc.constant(attempts),
      deliveries: fc
        .tuple(everyAttemptNamed ? named : fc.constant([]), extra)
        .map(([first, rest]): Delivery[] => [...first, ...rest]),
    });
  });
}

export interface Run {
  orders: MemoryOrderStore;
  iamport: FakeIamport;
  deps: VerifyDeps;
}

/** A pending 14,000 KRW order and Iamport holding the scenario's attempts. */
export function freshRun(attempts: readonly AttemptKind[], wrap?: Wrap): Run {
  const orders = new MemoryOrderStore(anOrder({ merchant_uid: MERCHANT_UID, amount: ORDER_AMOUNT }));
  const iamport = new FakeIamport(...attempts.map((kind, index) => paymentOf(kind, index)));
  // Order events on, as deployed: every transition's event is recorded with it.
  memoryEvents(orders);
  const deps: VerifyDeps = {
    provider: iamportProvider(wrap ? wrap.iamport(iamport) : iamport),
    orders: wrap ? wrap.orders(orders) : orders,
    acceptSandboxPayments: false,
    now: () => FIXED_NOW,
  };
  return { orders, iamport, deps };
}

/** Puts a scheduling point in front of every call to Iamport and to the store (see `scheduled`). */
export interface Wrap {
  iamport(inner: IamportApi): IamportApi;
  orders(inner: OrderStore): OrderStore;
}

/** Delivers one notice after the other, in the given order. */
export async function deliverInSequence(run: Run, deliveries: readonly Delivery[]): Promise<void> {
  for (const delivery of deliveries) {
    const outcome = await verifyPayment(run.deps, requestOf(delivery));
    if (outcome.kind === 'retry_later')
      throw new Error(`healthy fakes answered retry_later: ${outcome.reason}`);
  }
}

/** What must not depend on the order of deliveries: status, deciding attempt, refunds. */
export interface Settled {
  status: Order['status'];
  imp_uid: string | undefined;
  refunds: Array<{ imp_uid: string; status: string; reason: string }>;
  /** Balance left at Iamport per attempt (`amount - cancel_amount`), by imp_uid. */
  balances: Record<string, number>;
}

export function settledOf(run: Run, attempts: readonly AttemptKind[]): Settled {
  const order = run.orders.stored(MERCHANT_UID);
  return {
    status: order.status,
    imp_uid: order.imp_uid,
    refunds: order.refunds
      .map((refund) => ({ imp_uid: refund.imp_uid ?? '', status: refund.status, reason: refund.reason }))
      .sort((a, b) => a.imp_uid.localeCompare(b.imp_uid)),
    balances: Object.fromEntries(
      attempts.map((_, index) => {
        const payment = run.iamport.payment(impUidOf(index));
        return [payment.imp_uid, payment.amount - payment.cancel_amount];
      }),
    ),
  };
}

/** Problems with the invariants that hold whatever the facts: empty when all hold. */
export function invariantViolations(run: Run): string[] {
  const problems: string[] = [];
  const order = run.orders.stored(MERCHANT_UID);
  const [first, ...rest] = order.history;
  if (first?.from !== null || first.to !== 'pending') problems.push('history does not start at pending');
  let previous = first?.to;
  for (const entry of rest) {
    if (entry.from !== previous) problems.push(`history jumps: ${previous} then ${entry.from} → ${entry.to}`);
    if (entry.from === null || !canTransition(entry.from, entry.to)) {
      problems.push(`history moves backwards: ${entry.from} → ${entry.to}`);
    }
    previous = entry.to;
  }
  if (previous !== order.status) problems.push(`history ends at ${previous}, order is ${order.status}`);
  const cancelsPerPayment = new Map<string, number>();
  for (const call of run.iamport.cancels) {
    cancelsPerPayment.set(call.request.imp_uid, (cancelsPerPayment.get(call.request.imp_uid) ?? 0) + 1);
  }
  for (const [impUid, calls] of cancelsPerPayment) {
    if (calls > 1) problems.push(`${calls} cancel calls for ${impUid}`);
  }
  for (const refund of order.refunds) {
    if (refund.status !== 'done') problems.push(`refund of ${refund.imp_uid} left ${refund.status}`);
  }
  // The payment that decided a paid order is never the one refunded.
  if (order.status === 'paid' && order.refunds.some((refund) => refund.imp_uid === order.imp_uid)) {
    problems.push(`the deciding payment ${order.imp_uid} was refunded`);
  }
  return problems;
}

/** Iamport and store calls that wait for the scheduler before they run: fc.scheduler picks the order. */
export function scheduled(s: fc.Scheduler): Wrap {
  const after = async <T>(label: string, call: () => Promise<T>): Promise<T> => {
    await s.schedule(Promise.resolve(label), label);
    return call();
  };
  return {
    iamport: (inner) => ({
      getPayment: (impUid) => after(`getPayment ${impUid}`, () => inner.getPayment(impUid)),
      findPayment: (merchantUid, status) =>
        after('findPayment', () => inner.findPayment(merchantUid, status)),
      findAllPayments: (merchantUid, options) =>
        after('findAllPayments', () => inner.findAllPayments(merchantUid, options)),
      listPaymentsByStatus: (status, options) =>
        after('listPaymentsByStatus', () => inner.listPaymentsByStatus(status, options)),
      cancelPayment: (request) => after(`cancel ${request.imp_uid}`, () => inner.cancelPayment(request)),
      preparePayment: (request) => after('prepare', () => inner.preparePayment(request)),
      getPrepared: (merchantUid) => after('getPrepared', () => inner.getPrepared(merchantUid)),
    }),
    orders: (inner) => ({
      get: (merchantUid) => after('get', () => inner.get(merchantUid)),
      getMany: (merchantUids) => after('getMany', () => inner.getMany(merchantUids)),
      create: (order, now, due) => after('create', () => inner.create(order, now, due)),
      transition: (order, write, now) =>
        after(`transition ${write.to}`, () => inner.transition(order, write, now)),
      transitionFromPending: (merchantUid, expected, write, now) =>
        after(`transitionFromPending ${write.to}`, () =>
          inner.transitionFromPending(merchantUid, expected, write, now),
        ),
      saveRefund: (order, refund, now) =>
        after(`saveRefund ${refund.imp_uid} ${refund.status}`, () => inner.saveRefund(order, refund, now)),
      scheduleCheck: (order, check, now) =>
        after('scheduleCheck', () => inner.scheduleCheck(order, check, now)),
      findDueChecks: (nowSeconds, limit) =>
        after('findDueChecks', () => inner.findDueChecks(nowSeconds, limit)),
      leaseCheck: (merchantUid, dueAt, next) =>
        after('leaseCheck', () => inner.leaseCheck(merchantUid, dueAt, next)),
    }),
  };
}

/** Delivers every notice at once; the scheduler decides how their Iamport and store calls interleave. */
export async function deliverConcurrently(
  s: fc.Scheduler,
  run: Run,
  deliveries: readonly Delivery[],
): Promise<void> {
  const all = Promise.all(deliveries.map((delivery) => verifyPayment(run.deps, requestOf(delivery))));
  const outcomes = await s.waitFor(all);
  for (const outcome of outcomes) {
    if (outcome.kind === 'retry_later')
      throw new Error(`healthy fakes answered retry_later: ${outcome.reason}`);
  }
}

/** Sorts indices by generated keys: a permutation that shrinks toward the identity. */
export function permute<T>(items: readonly T[], keys: readonly number[]): T[] {
  return items
    .map((item, index) => ({ item, key: keys[index] ?? index, index }))
    .sort((a, b) => a.key - b.key || a.index - b.index)
    .map(({ item }) => item);
}

/**
 * What an attempt is, for comparing outcomes: two attempts of the same kind are interchangeable facts
 * (two card payments of the right amount, two failed windows), so an outcome may keep either. An
 * abandoned card window and a failed attempt both only ever fail the order: one class.
 */
export function likenessOf(kind: AttemptKind): string {
  return kind === 'ready_card' ? 'failed' : kind;
}

/** `Settled` with attempts named by their likeness instead of their imp_uid. */
export function upToLikeAttempts(settled: Settled, attempts: readonly AttemptKind[]) {
  const like = (impUid: string | undefined) => {
    if (impUid === undefined) return 'none';
    const index = attempts.findIndex((_, i) => impUidOf(i) === impUid);
    const kind = attempts[index];
    return kind === undefined ? impUid : likenessOf(kind);
  };
  return {
    status: settled.status,
    // Which tampered attempt a forgery verdict names depends on which came first; both were refunded.
    decidedBy: settled.status === 'forgery' ? 'a tampered attempt' : like(settled.imp_uid),
    refunds: settled.refunds
      .map((refund) => `${like(refund.imp_uid)} ${refund.status} ${refund.reason}`)
      .sort(),
    balances: Object.entries(settled.balances)
      .map(([impUid, balance]) => `${like(impUid)} ${balance}`)
      .sort(),
  };
}

/**
 * Money problems after the deliveries: an attempt the notices named that still holds the buyer's money
 * although it is not the one that settled the order (a second charge kept), or a tampered amount kept.
 */
export function moneyViolations(
  run: Run,
  attempts: readonly AttemptKind[],
  deliveries: readonly Delivery[],
): string[] {
  const problems: string[] = [];
  const order = run.orders.stored(MERCHANT_UID);
  const named = new Set(
    deliveries.flatMap((delivery) => (delivery.target === 'merchant' ? [] : [delivery.target])),
  );
  for (const index of named) {
    const payment = run.iamport.payment(impUidOf(index));
    const moneyMoved = payment.status === 'paid' || payment.status === 'cancelled';
    const held = payment.amount - payment.cancel_amount;
    if (!moneyMoved || held <= 0) continue;
    if (payment.amount !== order.amount) {
      problems.push(`tampered ${attempts[index]} ${payment.imp_uid} keeps ${held} (order ${order.status})`);
    } else if (payment.imp_uid !== order.imp_uid) {
      problems.push(
        `${attempts[index]} ${payment.imp_uid} keeps ${held} while ${order.imp_uid} settled the order (${order.status})`,
      );
    } else if (order.status !== 'paid' && order.status !== 'partially_cancelled') {
      problems.push(`${attempts[index]} ${payment.imp_uid} keeps ${held} for an order ${order.status}`);
    }
  }
  return problems;
}
