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
import { createWebhookHandler } from '../../functions/webhook/webhook';
import { demoApiKey, demoApiSecret } from '../../sandbox';
import { loadConfig } from '../../shared/config';
import type { HttpResult } from '../../shared/http/responses';
import type { Payment } from '../../shared/iamport/types';
import type { HotPathResult, TransitionWrite } from '../../shared/orders/store';
import type { Order, Refund } from '../../shared/orders/types';
import type { VerifyOrQueueDeps } from '../../shared/payments/verifyOrQueue';
import type { DeadLetterSink } from '../../shared/queue/deadLetters';
import type { ReconcileDeps } from '../../shared/reconcile/processRetryMessage';
import {
  type Ports,
  reconcileDeps,
  registerDeps,
  verifyDeps,
  type verifyPorts,
} from '../../shared/runtime/deps';
import { memoryEvents } from '../helpers/fakeEvents';
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
import type { RecordingTarget } from '../helpers/recordingTarget';

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
  ];
}

export const SEEDED_MERCHANT_UIDS = seedOrders().map((order) => order.merchant_uid);
export const KNOWN_IMP_UIDS = seedPayments().map((payment) => payment.imp_uid);

/** How the outside world behaves during one case. */
export interface Weather {
  /** Iamport answers 503 to every call. */
  iamportDown: boolean;
  /** The retry queue refuses every message. */
  queueDown: boolean;
  /** The dead-letter queue refuses every message. */
  deadLettersDown?: boolean;
  /** DynamoDB fails for the order `order_poison`. */
  storeDown?: boolean;
}

export const FAIR: Weather = { iamportDown: false, queueDown: false };

export interface World {
  orders: RecordingOrderStore;
  iamport: FakeIamport;
  queue: FakeRetryQueue;
  deadLetters: FakeDeadLetters;
  /** Every order event the functions sent. */
  events: RecordingTarget;
  ports: Pick<Ports, (typeof verifyPorts)[number] | 'deadLetters'>;
  deps: VerifyOrQueueDeps;
  /** Every seeded order as stored now, plus write counters: equal snapshots mean nothing moved. */
  snapshot(): StoreSnapshot;
}

export interface StoreSnapshot {
  items: Array<Order | undefined>;
  /** Calls that changed an item (a refused conditional write is an attempt, not a change). */
  writes: number;
}

export function createWorld(weather: Weather = FAIR): World {
  const orders = new RecordingOrderStore(...seedOrders());
  orders.failing = weather.storeDown ?? false;
  const iamport = new FakeIamport(...seedPayments());
  const queue = new FakeRetryQueue();
  const deadLetters = new FakeDeadLetters();
  deadLetters.failing = weather.deadLettersDown ?? false;
  // The seeded orders came through `POST /orders`, which registered their amounts with Iamport.
  for (const order of seedOrders()) {
    iamport.addPrepared({ merchant_uid: order.merchant_uid, amount: order.amount, currency: order.currency });
  }
  // The sandbox's own fault model, as `POST /__sandbox/faults {rate: 1}`: every call answers 503.
  if (weather.iamportDown) iamport.state.faults.set({ rate: 1, status: null, delay_ms: 0, seed: null });
  if (weather.queueDown) queue.failNext(1_000);
  // Order events on, as deployed: the store records each transition's event, a target receives it.
  const { dispatch, target: events } = memoryEvents(orders);
  // Every port is a fake here, so nothing is built: the deps are assembled by the deployed rules.
  const ports = { iamport, orders, queue, deadLetters, dispatch };
  const deps: VerifyOrQueueDeps = { ...verifyDeps(FUZZ_CONFIG, ports), now: () => FIXED_NOW };
  return {
    orders,
    iamport,
    queue,
    deadLetters,
    events,
    ports,
    deps,
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
}

export function routesOf(world: World): Routes {
  const logger = silentLogger();
  return {
    complete: invoker(createCompleteHandler(world.deps, logger, [...ALLOWED_ORIGINS])),
    mobile: invoker(createMobileHandler(world.deps, logger, new URL(RESULT_PAGE))),
    webhook: invoker(createWebhookHandler(world.deps, logger, { allowedIps: [] })),
    guardedWebhook: invoker(createWebhookHandler(world.deps, logger, { allowedIps: [...IAMPORT_IPS] })),
    createOrder: invoker(
      createCreateOrderHandler(
        { ...registerDeps(FUZZ_CONFIG, world.ports, logger), now: () => FIXED_NOW },
        logger,
      ),
    ),
    getOrder: invoker(createGetOrderHandler(world.orders, logger)),
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

/** fast-check options: `FUZZ_RUNS` overrides every property's run count, `FUZZ_SEED` replays a seed. */
/** CI replays one fixed seed (a red build must be reproducible); local runs explore a new one each time. */
const CI_SEED = 20_261_127;

export function fuzzOptions(defaultRuns: number): { numRuns: number; seed?: number } {
  const runs = Number(process.env.FUZZ_RUNS);
  const seed = Number(process.env.FUZZ_SEED);
  const fixed = process.env.FUZZ_SEED !== undefined && Number.isInteger(seed) ? seed : undefined;
  const chosen = fixed ?? (process.env.CI ? CI_SEED : undefined);
  return {
    numRuns: Number.isInteger(runs) && runs > 0 ? runs : defaultRuns,
    ...(chosen === undefined ? {} : { seed: chosen }),
  };
}
