/**
 * The world every fuzz property runs in: the HTTP handlers and the retry consumer wired exactly as
 * the deployed ones are (`create*Handler`, `createRetryConsumer`), over in-memory fakes seeded with a
 * handful of orders and Iamport payments. One fresh world per generated case, so cases never leak
 * state into each other and a counterexample replays alone.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createCompleteHandler } from '../../functions/complete/complete';
import { createCreateOrderHandler } from '../../functions/createOrder/createOrder';
import { createGetOrderHandler } from '../../functions/getOrder/getOrder';
import { createMobileHandler } from '../../functions/mobile/mobile';
import { createRetryConsumer } from '../../functions/retryConsumer/retryConsumer';
import { createV2WebhookHandler } from '../../functions/webhook/v2Webhook';
import { createWebhookHandler } from '../../functions/webhook/webhook';
import {
  checkoutV2,
  demoApiKey,
  demoApiSecret,
  demoV2ApiSecret,
  demoV2StoreId,
  demoV2WebhookSecret,
  type SandboxState,
} from '../../sandbox';
import type { V2CheckoutInput } from '../../sandbox/v2/operations';
import { loadConfig } from '../../shared/config';
import type { DispatchDeps } from '../../shared/events/dispatchOutbox';
import type { HttpResult } from '../../shared/http/responses';
import type { Payment } from '../../shared/iamport/types';
import type { HotPathResult, TransitionWrite } from '../../shared/orders/store';
import type { Order, Refund } from '../../shared/orders/types';
import type { VerifyOrQueueDeps } from '../../shared/payments/verifyOrQueue';
import type { DeadLetterSink } from '../../shared/queue/deadLetters';
import type { ReconcileDeps } from '../../shared/reconcile/processRetryMessage';
import type { Ports } from '../../shared/runtime/deps';
import { reconcileDeps, registerDeps, verifyDeps, type verifyPorts } from '../../shared/runtime/flows';
import { FakePortOne } from '../helpers/fakePortOne';
import {
  anOrder,
  aPayment,
  aVbankPayment,
  FakeIamport,
  FakeRetryQueue,
  FIXED_NOW,
  MemoryOrderStore,
} from '../helpers/fakes';
import { invoker, lambdaContext } from '../helpers/invoke';
import { RecordingTarget } from '../helpers/recordingTarget';

/** The configuration every world runs with, read as a deployed function reads its environment. */
export const FUZZ_CONFIG = loadConfig({
  STAGE: 'fuzz',
  ORDERS_TABLE: 'fuzz-orders',
  RETRY_QUEUE_URL: 'http://127.0.0.1:9/unused',
  RESULT_PAGE_URL: 'https://shop.example.com/pay/result?lang=ko',
  IAMPORT_API_KEY: demoApiKey,
  IAMPORT_API_SECRET: demoApiSecret,
  RETRY_BASE_SECONDS: '30',
  RECONCILE_AFTER_SECONDS: '600',
  RECONCILE_MAX_AGE_SECONDS: '86400',
});

/** Fuzzing floods the handlers with refusals; their warnings are not what these tests read. */
const logger = new Logger({ serviceName: 'fuzz', logLevel: 'SILENT' });
export const silentLogger = (): Logger => logger;

export const RESULT_PAGE = 'https://shop.example.com/pay/result?lang=ko';
export const ALLOWED_ORIGINS = ['https://shop.example.com', 'https://m.shop.example.com'] as const;
export const IAMPORT_IPS = ['52.78.100.19', '52.78.48.223', '52.78.5.241'] as const;

/** What DynamoDB throws when it cannot be reached: an error of ours, not of the message. */
export class StoreUnavailableError extends Error {
  constructor(merchantUid: string) {
    super(`DynamoDB unavailable for ${merchantUid}`);
    this.name = 'StoreUnavailableError';
  }
}

/**
 * `MemoryOrderStore` that records which merchant_uids were read, and can play DynamoDB being down for
 * some items: with `failing`, every call touching a merchant_uid in `poisoned` throws; without it,
 * such calls are only counted in `poisonTouches` (to learn whether a run would have needed them).
 */
export class RecordingOrderStore extends MemoryOrderStore {
  readonly read: string[] = [];
  readonly poisoned = new Set<string>(['order_poison']);
  failing = false;
  poisonTouches = 0;

  private touch(merchantUid: string): void {
    if (!this.poisoned.has(merchantUid)) return;
    this.poisonTouches += 1;
    if (this.failing) throw new StoreUnavailableError(merchantUid);
  }

  override async get(merchantUid: string): Promise<Order | undefined> {
    this.read.push(merchantUid);
    this.touch(merchantUid);
    return super.get(merchantUid);
  }

  override async getMany(merchantUids: readonly string[]): Promise<ReadonlyMap<string, Order>> {
    this.read.push(...merchantUids);
    for (const merchantUid of merchantUids) this.touch(merchantUid);
    return super.getMany(merchantUids);
  }

  override async transition(order: Order, write: TransitionWrite, now: Date): Promise<Order> {
    this.touch(order.merchant_uid);
    return super.transition(order, write, now);
  }

  override async transitionFromPending(
    merchantUid: string,
    expected: { amount: number; currency: string },
    write: TransitionWrite,
    now: Date,
  ): Promise<HotPathResult> {
    this.touch(merchantUid);
    return super.transitionFromPending(merchantUid, expected, write, now);
  }

  override async saveRefund(order: Order, refund: Refund, now: Date): Promise<Order> {
    this.touch(order.merchant_uid);
    return super.saveRefund(order, refund, now);
  }

  override async scheduleCheck(
    order: Order,
    check: { dueAt: number; attempt: number } | undefined,
    now: Date,
  ): Promise<Order> {
    this.touch(order.merchant_uid);
    return super.scheduleCheck(order, check, now);
  }
}

/** A dead-letter queue that keeps every body it was given; `failing` makes it refuse, as SQS would. */
export class FakeDeadLetters implements DeadLetterSink {
  readonly sent: string[] = [];
  failing = false;
  async send(body: string): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    if (this.failing) throw new Error('dead-letter queue unreachable');
    this.sent.push(body);
  }
}

const FIXED_UNIX = Math.floor(FIXED_NOW.getTime() / 1000);

/** What a V2 order's attempt is named by: fixed, so that seeded orders compare by value across worlds. */
const v2Tx = (n: number): string => `0193a1b2-c3d4-7e5f-8a9b-${String(n).padStart(12, '0')}`;

/** Orders the store starts with: every status a request can meet, and merchant_uids that look odd. */
export function seedOrders(): Order[] {
  return [
    anOrder({ merchant_uid: 'order_1001', amount: 14_000 }),
    anOrder({ merchant_uid: 'order_2002', amount: 30_000 }),
    anOrder({
      merchant_uid: 'order_3003',
      amount: 5_000,
      status: 'paid',
      imp_uid: 'imp_300000000003',
      pay_method: 'card',
      version: 2,
      revision: 2,
    }),
    anOrder({ merchant_uid: 'order_4004', amount: 20_000 }),
    anOrder({ merchant_uid: 'order_5005', amount: 7_000 }),
    anOrder({ merchant_uid: 'order_usd', amount: 12.5, currency: 'USD' }),
    anOrder({ merchant_uid: '주문_ünïcødé_🚀', amount: 9_900 }),
    anOrder({ merchant_uid: '../etc/passwd', amount: 1_000 }),
    anOrder({ merchant_uid: '%2e%2e%2f', amount: 1_000 }),
    anOrder({ merchant_uid: 'order_sbx', amount: 14_000 }),
    anOrder({ merchant_uid: 'order_poison', amount: 14_000 }),
    // PortOne V2 orders on the same table: the merchant_uid is the paymentId.
    ...V2_SEEDS.filter((seed) => seed.order > 0).map((seed) =>
      anOrder({
        merchant_uid: seed.paymentId,
        amount: seed.order,
        api: 'v2',
        ...(seed.decided
          ? {
              status: 'paid',
              transaction_id: v2Tx(seed.tx),
              pay_method: 'card',
              version: 2,
              revision: 2,
            }
          : {}),
      }),
    ),
  ];
}

/** Payments Iamport knows: paid, tampered, vbank, failed, sandbox, and one for an order we never had. */
export function seedPayments(): Payment[] {
  return [
    aPayment({ imp_uid: 'imp_100000000001', merchant_uid: 'order_1001', amount: 14_000 }),
    aPayment({ imp_uid: 'imp_200000000002', merchant_uid: 'order_2002', amount: 100 }),
    aPayment({ imp_uid: 'imp_300000000003', merchant_uid: 'order_3003', amount: 5_000 }),
    aVbankPayment({ imp_uid: 'imp_400000000004', merchant_uid: 'order_4004', amount: 20_000 }),
    aPayment({
      imp_uid: 'imp_500000000005',
      merchant_uid: 'order_5005',
      amount: 7_000,
      status: 'failed',
      paid_at: 0,
      failed_at: FIXED_UNIX - 10,
    }),
    aPayment({ imp_uid: 'imp_600000000006', merchant_uid: '주문_ünïcødé_🚀', amount: 9_900 }),
    aPayment({ imp_uid: 'imp_700000000007', merchant_uid: '../etc/passwd', amount: 1_000 }),
    aPayment({ imp_uid: 'imp_800000000008', merchant_uid: 'order_sbx', amount: 14_000, sandbox: true }),
    aPayment({ imp_uid: 'imp_poison000000001', merchant_uid: 'order_poison', amount: 14_000 }),
    aPayment({ imp_uid: 'imp_900000000009', merchant_uid: 'order_ghost', amount: 14_000 }),
    aPayment({ imp_uid: 'imp_usd0000000001', merchant_uid: 'order_usd', amount: 12.5, currency: 'USD' }),
    // A V1 payment for a V2 order's id: it must never settle that order.
    aPayment({ imp_uid: 'imp_v2cross000001', merchant_uid: 'pay_v2_unpaid', amount: 9_000 }),
  ];
}

/** One V2 payment at PortOne and, when `order` is set, our V2 order for its paymentId. */
interface V2Seed {
  paymentId: string;
  /** Our order's amount; 0 = no order of ours (a payment of another shop, or a V1 order's id). */
  order: number;
  /** What PortOne holds; undefined = no payment under this id. */
  payment?: Pick<V2CheckoutInput, 'amount' | 'status' | 'method' | 'channel'>;
  /** The order is already paid by this payment. */
  decided?: boolean;
  tx: number;
}

const card = { method: 'CARD', channel: 'LIVE' } as const;

/** V2 payments of every kind a notice can name, the same kinds as V1's, plus the cross-API cases. */
const V2_SEEDS: readonly V2Seed[] = [
  { paymentId: 'pay_v2_paid', order: 14_000, payment: { ...card, amount: 14_000, status: 'PAID' }, tx: 1 },
  { paymentId: 'pay_v2_tampered', order: 30_000, payment: { ...card, amount: 100, status: 'PAID' }, tx: 2 },
  {
    paymentId: 'pay_v2_vbank',
    order: 20_000,
    payment: { amount: 20_000, status: 'VIRTUAL_ACCOUNT_ISSUED', method: 'VIRTUAL_ACCOUNT', channel: 'LIVE' },
    tx: 3,
  },
  { paymentId: 'pay_v2_failed', order: 7_000, payment: { ...card, amount: 7_000, status: 'FAILED' }, tx: 4 },
  {
    paymentId: 'pay_v2_test',
    order: 14_000,
    payment: { amount: 14_000, status: 'PAID', method: 'CARD', channel: 'TEST' },
    tx: 5,
  },
  { paymentId: 'pay_v2_ready', order: 9_000, payment: { ...card, amount: 9_000, status: 'READY' }, tx: 6 },
  {
    paymentId: 'pay_v2_done',
    order: 5_000,
    payment: { ...card, amount: 5_000, status: 'PAID' },
    decided: true,
    tx: 7,
  },
  { paymentId: 'pay_v2_unpaid', order: 9_000, tx: 8 },
  { paymentId: '결제_v2/../🚀?#', order: 1_000, payment: { ...card, amount: 1_000, status: 'PAID' }, tx: 9 },
  { paymentId: 'pay_v2_ghost', order: 0, payment: { ...card, amount: 14_000, status: 'PAID' }, tx: 10 },
  // A V2 payment under a V1 order's merchant_uid: it must never settle the V1 order.
  { paymentId: 'order_1001', order: 0, payment: { ...card, amount: 14_000, status: 'PAID' }, tx: 11 },
];

export const V2_PAYMENT_IDS = V2_SEEDS.map((seed) => seed.paymentId);

/**
 * Buyer personal data and card details in every payment the fakes hold, each unlike anything a generator
 * makes: no answer, stored order or event may ever carry one (the schemas drop them on the way in).
 */
export const BUYER_DATA = {
  name: '김누설',
  email: 'leak.sentinel@buyer.example',
  phone: '010-9999-0417',
  address: '누설특별시 센티널구 1',
  postcode: '99417',
  card: '910020******0417',
} as const;

/** Every secret a function of this world holds: never in an answer, a stored order or an event. */
export const V2_WEBHOOK_SECRETS = [
  demoV2WebhookSecret,
  // A second secret, as during a rotation: a notice signed with either is genuine.
  `whsec_${Buffer.from('fuzz-rotated-webhook-secret-0417').toString('base64')}`,
] as const;
export const SECRETS: readonly string[] = [
  demoApiSecret,
  demoV2ApiSecret,
  ...V2_WEBHOOK_SECRETS,
  ...V2_WEBHOOK_SECRETS.map((secret) => secret.slice('whsec_'.length)),
];

/** The payments of `V2_SEEDS` at the sandbox's PortOne, pre-registered as `POST /orders` would have. */
function seedV2(state: SandboxState): void {
  for (const seed of V2_SEEDS) {
    if (seed.order > 0) {
      state.v2.payments.preRegister(seed.paymentId, {
        totalAmount: seed.order,
        taxFreeAmount: null,
        currency: 'KRW',
      });
    }
    if (!seed.payment) continue;
    const record = checkoutV2(state, {
      ...seed.payment,
      paymentId: seed.paymentId,
      taxFree: 0,
      currency: 'KRW',
      orderName: '주문명:결제테스트',
      customer: { name: BUYER_DATA.name, email: BUYER_DATA.email, phoneNumber: BUYER_DATA.phone },
      customData: undefined,
      failReason: undefined,
      expiresAt: undefined,
      notify: false,
      // The tampered payment got past PortOne's own check, as V1's tampered window skips prepare.
      skipPreRegistrationCheck: true,
    });
    record.transactionId = v2Tx(seed.tx);
    if (record.card) record.card.number = BUYER_DATA.card;
  }
}

/** The buyer of every V1 payment is the sentinel buyer. */
function giveBuyerData(state: SandboxState): void {
  for (const record of state.payments.all()) {
    Object.assign(record.payment, {
      buyer_name: BUYER_DATA.name,
      buyer_email: BUYER_DATA.email,
      buyer_tel: BUYER_DATA.phone,
      buyer_addr: BUYER_DATA.address,
      buyer_postcode: BUYER_DATA.postcode,
      ...(record.payment.card_number === null ? {} : { card_number: BUYER_DATA.card }),
    });
  }
}

/** Built once: every world copies them (the store on `put`, the sandbox from a clone), so none shares state. */
const SEED_ORDERS = seedOrders();
const SEED_PAYMENTS = seedPayments();

export const SEEDED_MERCHANT_UIDS = SEED_ORDERS.map((order) => order.merchant_uid);
export const KNOWN_IMP_UIDS = SEED_PAYMENTS.map((payment) => payment.imp_uid);

/** How the outside world behaves during one case. */
export interface Weather {
  /** Iamport and PortOne answer 503 to every call (one sandbox serves both). */
  iamportDown: boolean;
  /** The retry queue refuses every message. */
  queueDown: boolean;
  /** The dead-letter queue refuses every message. */
  deadLettersDown?: boolean;
  /** DynamoDB fails for the order `order_poison`. */
  storeDown?: boolean;
}

export const FAIR: Weather = { iamportDown: false, queueDown: false };

/** What the stage is configured for. */
export interface Stage {
  /** PortOne V2 beside V1, as a stage with the `portone*` params; false: a V1-only stage. @default true */
  v2?: boolean;
}

export interface World {
  orders: RecordingOrderStore;
  iamport: FakeIamport;
  /** PortOne V2 over the same sandbox; absent on a V1-only stage. */
  portone: FakePortOne | undefined;
  queue: FakeRetryQueue;
  deadLetters: FakeDeadLetters;
  /** Every order event the functions sent. */
  events: RecordingTarget;
  ports: Pick<Ports, (typeof verifyPorts)[number] | 'deadLetters'>;
  deps: VerifyOrQueueDeps;
  /** The V2 webhook's `whsec_` secrets; none on a V1-only stage. */
  webhookSecrets: readonly string[];
  /** Every seeded order as stored now, plus write counters: equal snapshots mean nothing moved. */
  snapshot(): StoreSnapshot;
}

export interface StoreSnapshot {
  items: Array<Order | undefined>;
  /** Calls that changed an item (a refused conditional write is an attempt, not a change). */
  writes: number;
}

export function createWorld(weather: Weather = FAIR, stage: Stage = {}): World {
  const orders = new RecordingOrderStore(...SEED_ORDERS);
  orders.failing = weather.storeDown ?? false;
  const iamport = new FakeIamport(...structuredClone(SEED_PAYMENTS));
  giveBuyerData(iamport.state);
  const servesV2 = stage.v2 ?? true;
  // V2's payments live in the sandbox either way (PortOne holds them); only the stage decides to ask.
  seedV2(iamport.state);
  const portone = servesV2 ? new FakePortOne(iamport.state) : undefined;
  const queue = new FakeRetryQueue();
  const deadLetters = new FakeDeadLetters();
  deadLetters.failing = weather.deadLettersDown ?? false;
  // The seeded V1 orders came through `POST /orders`, which registered their amounts with Iamport.
  for (const order of SEED_ORDERS) {
    if (order.api === 'v2') continue;
    iamport.addPrepared({ merchant_uid: order.merchant_uid, amount: order.amount, currency: order.currency });
  }
  // The sandbox's own fault model, as `POST /__sandbox/faults {rate: 1}`: every call answers 503.
  if (weather.iamportDown) iamport.state.faults.set({ rate: 1, status: null, delay_ms: 0, seed: null });
  if (weather.queueDown) queue.failNext(1_000);
  // Order events on, as deployed: the store records each transition's event in its outbox. No request
  // delivers them (the delivery function does, after it), so memoryEvents' delivery function is left
  // out: building its Powertools logger, once per generated input, cost more than the fakes.
  orders.withEvents();
  const events = new RecordingTarget();
  const dispatch: DispatchDeps = { outbox: orders.outbox, targets: [events] };
  // Every port is a fake here, so nothing is built: the deps are assembled by the deployed rules.
  const ports = { iamport, ...(portone ? { portone } : {}), orders, queue, deadLetters, dispatch };
  const deps: VerifyOrQueueDeps = { ...verifyDeps(FUZZ_CONFIG, ports), now: () => FIXED_NOW };
  return {
    orders,
    iamport,
    portone,
    queue,
    deadLetters,
    events,
    ports,
    deps,
    webhookSecrets: servesV2 ? V2_WEBHOOK_SECRETS : [],
    snapshot: () => ({
      items: SEEDED_MERCHANT_UIDS.map((merchantUid) => orders.peek(merchantUid)),
      writes: orders.writes,
    }),
  };
}

export type Invoke = (event: APIGatewayProxyEventV2) => Promise<HttpResult>;

export interface Routes {
  complete: Invoke;
  mobile: Invoke;
  webhook: Invoke;
  /** The webhook behind `WEBHOOK_ALLOWED_IPS` (Iamport's three addresses, as in prod). */
  guardedWebhook: Invoke;
  createOrder: Invoke;
  getOrder: Invoke;
  v2Complete: Invoke;
  v2Redirect: Invoke;
  v2Webhook: Invoke;
}

export function routesOf(world: World): Routes {
  const logger = silentLogger();
  const resultPage = new URL(RESULT_PAGE);
  return {
    complete: invoker(createCompleteHandler(world.deps, logger, [...ALLOWED_ORIGINS])),
    mobile: invoker(createMobileHandler(world.deps, logger, resultPage)),
    webhook: invoker(createWebhookHandler(world.deps, logger, { allowedIps: [] })),
    guardedWebhook: invoker(createWebhookHandler(world.deps, logger, { allowedIps: [...IAMPORT_IPS] })),
    createOrder: invoker(
      createCreateOrderHandler(
        { ...registerDeps(FUZZ_CONFIG, world.ports, logger), now: () => FIXED_NOW },
        logger,
      ),
    ),
    getOrder: invoker(createGetOrderHandler(world.orders, logger)),
    v2Complete: invoker(createCompleteHandler(world.deps, logger, [...ALLOWED_ORIGINS], 'v2')),
    v2Redirect: invoker(createMobileHandler(world.deps, logger, resultPage, 'v2')),
    v2Webhook: invoker(
      createV2WebhookHandler(world.deps, logger, {
        secrets: world.webhookSecrets,
        storeId: demoV2StoreId,
        // The signature's 5-minute window is read on the world's clock, as every other time here.
        now: () => FIXED_NOW.getTime(),
      }),
    ),
  };
}

export function reconcileDepsOf(world: World): ReconcileDeps {
  return { ...reconcileDeps(FUZZ_CONFIG, world.ports), now: () => FIXED_NOW };
}

export function consumerOf(world: World, deps: ReconcileDeps = reconcileDepsOf(world)) {
  const consumer = createRetryConsumer(deps, silentLogger(), () => FIXED_NOW);
  return (event: SQSEvent, context: Context = lambdaContext('retryConsumer')): Promise<SQSBatchResponse> =>
    consumer(event, context);
}

/** CI replays one fixed seed (a red build must be reproducible); local runs explore a new one each time. */
const CI_SEED = 20_261_127;

/**
 * fast-check options. `defaultRuns` is the small version `npm test` runs; `fullRuns` what `npm run fuzz`
 * runs (`FUZZ_PROFILE=full`), by default five times as many; `FUZZ_RUNS` overrides both for every
 * property; `FUZZ_SEED` replays a seed.
 */
export function fuzzOptions(
  defaultRuns: number,
  fullRuns = defaultRuns * 5,
): { numRuns: number; seed?: number } {
  const runs = Number(process.env.FUZZ_RUNS);
  const seed = Number(process.env.FUZZ_SEED);
  const fixed = process.env.FUZZ_SEED !== undefined && Number.isInteger(seed) ? seed : undefined;
  const chosen = fixed ?? (process.env.CI ? CI_SEED : undefined);
  const profile = process.env.FUZZ_PROFILE === 'full' ? fullRuns : defaultRuns;
  return {
    numRuns: Number.isInteger(runs) && runs > 0 ? runs : profile,
    ...(chosen === undefined ? {} : { seed: chosen }),
  };
}
