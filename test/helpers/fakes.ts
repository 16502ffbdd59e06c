/**
 * In-memory fakes of the two ports the verification domain talks to (`OrderStore`, `IamportApi`), and
 * factories for valid fixtures. They mirror the real adapters' semantics closely enough that the
 * unit tests of `shared/payments` and `shared/orders` can count round trips and stage races:
 *
 * - `MemoryOrderStore` follows `createDynamoOrderStore`: every change is one version-conditioned write,
 *   items are validated with `orderSchema` on the way out, and callers only ever see copies.
 * - `FakeIamport` follows the sandbox (`sandbox/cancel.ts`, `sandbox/routes/payments.ts`): checksum and
 *   "already fully cancelled" rules, 404 on unknown ids, and the client's own request validation.
 */
import {
  IamportNotFoundError,
  IamportRefusedError,
  IamportUnavailableError,
} from '../../shared/iamport/errors';
import { cancelBody, prepareBody } from '../../shared/iamport/requests';
import {
  type CancelPaymentRequest,
  type FindAllOptions,
  type IamportApi,
  type KnownPaymentStatus,
  type Payment,
  type PaymentPage,
  type PaymentSorting,
  type Prepared,
  type PreparePaymentRequest,
  paymentSchema,
} from '../../shared/iamport/types';
import {
  type DueCheck,
  type NewOrder,
  OrderConflictError,
  OrderCorruptError,
  type OrderStore,
  type TransitionWrite,
} from '../../shared/orders/store';
import { awaitsResult } from '../../shared/orders/transitions';
import {
  CHECK_BUCKET,
  HISTORY_LIMIT,
  type HistoryEntry,
  OPEN_REFUND_CHECK_SECONDS,
  type Order,
  orderSchema,
  type Refund,
} from '../../shared/orders/types';
import type { RetryMessage, RetryQueue } from '../../shared/queue/types';

/** 2025-10-09T08:53:20Z: a fixed instant so that fixtures compare by value. */
export const FIXED_NOW = new Date('2025-10-09T08:53:20.000Z');
const FIXED_UNIX = Math.floor(FIXED_NOW.getTime() / 1000);

// ---------------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------------

/** A valid Iamport payment: paid 14,000 KRW by card, not a test-channel payment, integer timestamps. */
export function aPayment(overrides: Partial<Payment> = {}): Payment {
  return paymentSchema.parse({
    imp_uid: 'imp_100000000001',
    merchant_uid: 'order_1001',
    amount: 14_000,
    cancel_amount: 0,
    currency: 'KRW',
    status: 'paid',
    sandbox: false,
    pay_method: 'card',
    channel: 'pc',
    pg_provider: 'html5_inicis',
    pg_tid: 'StdpayCARDINIpayTest20251009175320',
    name: '주문명:결제테스트',
    started_at: FIXED_UNIX - 60,
    paid_at: FIXED_UNIX - 30,
    failed_at: 0,
    cancelled_at: 0,
    cancel_history: [],
    ...overrides,
  });
}

/** A vbank attempt whose account was issued (`ready`), with every account field Iamport sends. */
export function aVbankPayment(overrides: Partial<Payment> = {}): Payment {
  return aPayment({
    status: 'ready',
    pay_method: 'vbank',
    paid_at: 0,
    vbank_code: '004',
    vbank_name: 'KB국민은행',
    vbank_num: '12345678901234',
    vbank_holder: '（주）테스트상점',
    vbank_date: FIXED_UNIX + 3 * 86_400,
    vbank_issued_at: FIXED_UNIX - 30,
    ...overrides,
  });
}

/** A valid stored order: pending, 14,000 KRW, version 1, created by `POST /orders`. */
export function anOrder(overrides: Partial<Order> = {}): Order {
  const at = new Date(FIXED_NOW.getTime() - 120_000).toISOString();
  return orderSchema.parse({
    merchant_uid: 'order_1001',
    amount: 14_000,
    currency: 'KRW',
    name: '주문명:결제테스트',
    status: 'pending',
    created_at: at,
    updated_at: at,
    version: 1,
    history: [{ at, from: null, to: 'pending', imp_uid: null, source: 'register' }],
    refunds: [],
    ...overrides,
  });
}

/** A refund claim (`requested`) as `verifyPayment` writes it before cancelling. */
export function aRefund(overrides: Partial<Refund> = {}): Refund {
  return {
    imp_uid: 'imp_100000000001',
    amount: 14_000,
    reason: 'forgery',
    status: 'requested',
    requested_at: FIXED_NOW.toISOString(),
    ...overrides,
  };
}

// ---------------------------------------------------------------------------------------------------
// MemoryOrderStore
// ---------------------------------------------------------------------------------------------------

export type OrderStoreMethod = keyof OrderStore;

/** A write staged by a test to land between the code's read and its write. */
export type Interleaving = (store: MemoryOrderStore) => void | Promise<void>;

/**
 * `OrderStore` in memory with the DynamoDB store's semantics (see `createDynamoOrderStore`):
 * `transition` and `saveRefund` apply only at the caller's `version` (else `OrderConflictError`),
 * `transitionFromPending` only when the item is pending with exactly the expected amount and currency
 * (else `undefined`), `create` never overwrites, and `history` is bounded where the real store bounds it.
 *
 * `calls` counts every call per method; `writes` counts the calls that changed an item.
 * `interleave()` stages a concurrent writer that runs just before the next conditional write.
 */
export class MemoryOrderStore implements OrderStore {
  readonly calls: Record<OrderStoreMethod, number> = {
    get: 0,
    create: 0,
    transition: 0,
    transitionFromPending: 0,
    saveRefund: 0,
    scheduleCheck: 0,
    findDueChecks: 0,
    leaseCheck: 0,
  };
  /** Calls that changed an item (a created order, an applied transition, a saved refund). */
  writes = 0;
  /** Conditional writes refused because the item was not at the caller's version. */
  conflicts = 0;
  private readonly items = new Map<string, Order>();
  private readonly interleavings: Interleaving[] = [];

  constructor(...orders: Order[]) {
    for (const order of orders) this.put(order);
  }

  /** Stores an item as another system would write it: no counters, no condition, no version bump. */
  put(order: Order): this {
    this.items.set(order.merchant_uid, parse(order.merchant_uid, structuredClone(order)));
    return this;
  }

  /** The stored item without counting a read. */
  peek(merchantUid: string): Order | undefined {
    const item = this.items.get(merchantUid);
    return item === undefined ? undefined : structuredClone(item);
  }

  /** The stored item without counting a read; throws when absent (for assertions). */
  stored(merchantUid: string): Order {
    const item = this.peek(merchantUid);
    if (!item) throw new Error(`no order ${merchantUid} in the memory store`);
    return item;
  }

  /** Total calls that could write an item. */
  get writeCalls(): number {
    const { create, transition, transitionFromPending, saveRefund, scheduleCheck, leaseCheck } = this.calls;
    return create + transition + transitionFromPending + saveRefund + scheduleCheck + leaseCheck;
  }

  /**
   * Runs `writer` once, just before the next `transition` or `saveRefund` checks its version: another
   * verification winning the race between the code's `get` and its conditional write.
   */
  interleave(writer: Interleaving): this {
    this.interleavings.push(writer);
    return this;
  }

  /** A transition written by someone else (another Lambda): applied at the stored version, uncounted. */
  concurrentTransition(merchantUid: string, write: TransitionWrite, now: Date = FIXED_NOW): Order {
    const current = this.items.get(merchantUid);
    if (!current) throw new Error(`no order ${merchantUid} to change concurrently`);
    return structuredClone(this.applyTransition(current, write, now));
  }

  /** Another writer changed something unrelated (a rescheduled check): only the version moves on. */
  concurrentTouch(merchantUid: string, now: Date = FIXED_NOW): Order {
    const current = this.items.get(merchantUid);
    if (!current) throw new Error(`no order ${merchantUid} to change concurrently`);
    const next = { ...current, revision: current.revision + 1, updated_at: now.toISOString() };
    this.items.set(merchantUid, next);
    return structuredClone(next);
  }

  async get(merchantUid: string): Promise<Order | undefined> {
    this.calls.get += 1;
    await turn();
    return this.peek(merchantUid);
  }

  async create(input: NewOrder, now: Date, checkDueAt?: number): Promise<{ created: boolean; order: Order }> {
    this.calls.create += 1;
    await turn();
    const existing = this.items.get(input.merchant_uid);
    // One order per merchant_uid, ever (attribute_not_exists): a repeat returns the stored one untouched.
    if (existing) return { created: false, order: structuredClone(existing) };
    const at = now.toISOString();
    const order = parse(input.merchant_uid, {
      ...defined({ ...input }),
      ...(checkDueAt === undefined
        ? {}
        : { check_due_at: checkDueAt, check_attempt: 1, check_bucket: CHECK_BUCKET }),
      status: 'pending',
      created_at: at,
      updated_at: at,
      version: 1,
      revision: 1,
      history: [{ at, from: null, to: 'pending', imp_uid: null, source: 'register' }],
      refunds: [],
      outbox: {},
    });
    this.items.set(order.merchant_uid, order);
    this.writes += 1;
    return { created: true, order: structuredClone(order) };
  }

  async transition(order: Order, write: TransitionWrite, now: Date): Promise<Order> {
    this.calls.transition += 1;
    await this.runInterleavings();
    this.requireVersion(order);
    return structuredClone(this.applyTransition(order, write, now));
  }

  async transitionFromPending(
    merchantUid: string,
    expected: { amount: number; currency: string },
    write: TransitionWrite,
    now: Date,
  ): Promise<Order | undefined> {
    this.calls.transitionFromPending += 1;
    await turn();
    const current = this.items.get(merchantUid);
    // The real condition: status = pending AND amount = :amount AND currency = :currency (no read first).
    if (
      current?.status !== 'pending' ||
      // A pending order we created has had no transition yet: the event id is known without a read.
      current.version !== 1 ||
      current.amount !== expected.amount ||
      current.currency !== expected.currency
    ) {
      return undefined;
    }
    const at = now.toISOString();
    const next = parse(merchantUid, {
      ...withoutCheck(current, write),
      ...transitionFields(write, at),
      // A blind list_append, as in DynamoDB: a pending order holds a handful of entries.
      history: [...current.history, historyEntry('pending', write, at)],
      version: 2,
      revision: current.revision + 1,
    });
    this.items.set(merchantUid, next);
    this.writes += 1;
    return structuredClone(next);
  }

  async saveRefund(order: Order, refund: Refund, now: Date): Promise<Order> {
    this.calls.saveRefund += 1;
    await this.runInterleavings();
    this.requireVersion(order);
    const current = this.items.get(order.merchant_uid);
    if (!current) throw new OrderConflictError(order.merchant_uid);
    const refunds = upsertRefund(order.refunds, refund);
    const next = parse(order.merchant_uid, {
      ...withCheckAfter(current, current.status, refunds, now),
      refunds,
      revision: order.revision + 1,
      updated_at: now.toISOString(),
    });
    this.items.set(order.merchant_uid, next);
    this.writes += 1;
    return structuredClone(next);
  }

  async scheduleCheck(
    order: Order,
    check: { dueAt: number; attempt: number } | undefined,
    now: Date,
  ): Promise<Order> {
    this.calls.scheduleCheck += 1;
    await this.runInterleavings();
    this.requireVersion(order);
    const current = this.items.get(order.merchant_uid);
    if (!current) throw new OrderConflictError(order.merchant_uid);
    const { check_due_at: _due, check_attempt: _attempt, check_bucket: _bucket, ...rest } = current;
    const next = parse(order.merchant_uid, {
      ...rest,
      ...(check
        ? { check_due_at: check.dueAt, check_attempt: check.attempt, check_bucket: CHECK_BUCKET }
        : {}),
      revision: order.revision + 1,
      updated_at: now.toISOString(),
    });
    this.items.set(order.merchant_uid, next);
    this.writes += 1;
    return structuredClone(next);
  }

  async findDueChecks(nowSeconds: number, limit: number): Promise<DueCheck[]> {
    this.calls.findDueChecks += 1;
    await turn();
    return [...this.items.values()]
      .filter(
        (order) => order.check_bucket === CHECK_BUCKET && (order.check_due_at ?? Infinity) <= nowSeconds,
      )
      .sort((a, b) => (a.check_due_at ?? 0) - (b.check_due_at ?? 0))
      .slice(0, limit)
      .map((order) => ({
        merchant_uid: order.merchant_uid,
        check_due_at: order.check_due_at ?? 0,
        ...(order.check_attempt === undefined ? {} : { check_attempt: order.check_attempt }),
      }));
  }

  async leaseCheck(merchantUid: string, dueAt: number, nextDueAt: number): Promise<boolean> {
    this.calls.leaseCheck += 1;
    await turn();
    const current = this.items.get(merchantUid);
    // Condition `check_due_at = :due` only; like the real store, neither version nor updated_at moves.
    if (!current || current.check_due_at !== dueAt) return false;
    this.items.set(merchantUid, { ...current, check_due_at: nextDueAt });
    this.writes += 1;
    return true;
  }

  private async runInterleavings(): Promise<void> {
    await turn();
    const writer = this.interleavings.shift();
    if (writer) await writer(this);
  }

  /** attribute_exists(merchant_uid) AND revision = :rev (a missing revision reads as 0). */
  private requireVersion(order: Order): void {
    const current = this.items.get(order.merchant_uid);
    if (!current || current.revision !== order.revision) {
      this.conflicts += 1;
      throw new OrderConflictError(order.merchant_uid);
    }
  }

  private applyTransition(order: Order, write: TransitionWrite, now: Date): Order {
    const current = this.items.get(order.merchant_uid);
    if (!current) throw new OrderConflictError(order.merchant_uid);
    const at = now.toISOString();
    const refunds = write.refund ? upsertRefund(order.refunds, write.refund) : current.refunds;
    const next = parse(order.merchant_uid, {
      ...withCheckAfter(current, write.to, refunds, now),
      ...transitionFields(write, at),
      version: order.version + 1,
      revision: order.revision + 1,
      // The whole list is rewritten from the caller's copy, which is where it is bounded.
      history: [...order.history, historyEntry(order.status, write, at)].slice(-HISTORY_LIMIT),
      refunds,
    });
    this.items.set(order.merchant_uid, next);
    this.writes += 1;
    return next;
  }
}

/** Lets other pending work run first, as a network round trip would. */
function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function parse(merchantUid: string, item: Record<string, unknown>): Order {
  const parsed = orderSchema.safeParse(item);
  if (!parsed.success) throw new OrderCorruptError(merchantUid, { cause: parsed.error });
  return parsed.data;
}

function defined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Leaving an awaiting status removes the lost-result check (the real store's REMOVE clause). */
/**
 * The real store's `checkAfter`: an open (`requested`) refund keeps the order in the sweeper's index,
 * due 120 s on; otherwise leaving an awaiting status removes the check.
 */
function withCheckAfter(order: Order, status: Order['status'], refunds: readonly Refund[], now: Date): Order {
  if (refunds.some((refund) => refund.status === 'requested')) {
    const dueAt = Math.floor(now.getTime() / 1000) + OPEN_REFUND_CHECK_SECONDS;
    return { ...order, check_due_at: dueAt, check_attempt: 1, check_bucket: CHECK_BUCKET };
  }
  return withoutCheck(order, { to: status });
}

function withoutCheck(order: Order, write: Pick<TransitionWrite, 'to'>): Order {
  if (awaitsResult(write.to)) return order;
  const { check_due_at: _due, check_attempt: _attempt, check_bucket: _bucket, ...rest } = order;
  return rest;
}

function transitionFields(write: TransitionWrite, at: string): Record<string, unknown> {
  return { status: write.to, updated_at: at, ...defined(write.patch) };
}

function historyEntry(from: Order['status'], write: TransitionWrite, at: string): HistoryEntry {
  return { at, from, to: write.to, imp_uid: write.patch.imp_uid ?? null, source: write.source };
}

function upsertRefund(refunds: readonly Refund[], refund: Refund): Refund[] {
  return [...refunds.filter((existing) => existing.imp_uid !== refund.imp_uid), refund];
}

// ---------------------------------------------------------------------------------------------------
// FakeIamport
// ---------------------------------------------------------------------------------------------------

export type IamportMethod = keyof IamportApi;

/** Messages as the sandbox (and, where known, Iamport) words them. */
export const IAMPORT_MESSAGES = {
  paymentNotFound: '존재하지 않는 결제정보입니다.',
  preparedNotFound: '사전등록된 결제정보가 존재하지 않습니다.',
  prepareDuplicate: '결제정보 사전등록에 실패하였습니다(이미 등록된 merchant_uid입니다).',
  cancelNotFound: '취소할 결제건이 존재하지 않습니다.',
  alreadyCancelled: '이미 전액취소된 주문입니다.',
  checksumMismatch: '[checksum] 요청하신 취소가능잔액(checksum)이 실제 취소가능잔액과 일치하지 않습니다.',
  cancelTooMuch: '취소요청금액이 취소가능잔액보다 큽니다.',
  notCancellable: '결제완료 상태인 결제건만 취소할 수 있습니다.',
} as const;

interface ScriptedFailure {
  error: () => Error;
  /** The call takes effect at Iamport and only the answer is lost (a timeout after the work was done). */
  afterEffect: boolean;
}

export interface FailOptions {
  /** The error to throw; an `IamportUnavailableError` (HTTP 503) by default. */
  error?: () => Error;
  /** Apply the call first, then fail: the request reached Iamport but its answer never came back. */
  afterEffect?: boolean;
}

/** A cancel as the fake received it, and whether Iamport accepted it. */
export interface CancelCall {
  request: CancelPaymentRequest;
  outcome: 'cancelled' | 'refused' | 'failed';
  cancellation_id?: string;
}

/**
 * `IamportApi` over a map of payments by imp_uid. Cancels are applied as Iamport applies them:
 * a fully cancelled payment is refused with "이미 전액취소된 주문입니다.", a `checksum` other than
 * `amount - cancel_amount` is refused (code 1), and an accepted cancel moves the payment to `cancelled`
 * with its `cancel_amount` and a `cancel_history` entry carrying a fresh `cancellation_id`.
 * `failNext()` scripts errors per method; `calls` counts every call, failed or not.
 */
export class FakeIamport implements IamportApi {
  readonly calls: Record<IamportMethod, number> = {
    getPayment: 0,
    findPayment: 0,
    findAllPayments: 0,
    cancelPayment: 0,
    preparePayment: 0,
    getPrepared: 0,
  };
  /** Every `cancelPayment` call in order, with what became of it. */
  readonly cancels: CancelCall[] = [];
  /** Every `preparePayment` request in order. */
  readonly prepares: PreparePaymentRequest[] = [];
  private readonly payments = new Map<string, Payment>();
  private readonly prepared = new Map<string, Prepared>();
  private readonly failures = new Map<IamportMethod, ScriptedFailure[]>();
  private cancellationSeq = 0;
  /** Iamport's clock in unix seconds; cancels are stamped with it. */
  nowSeconds = FIXED_UNIX;

  constructor(...payments: Payment[]) {
    this.add(...payments);
  }

  /** Adds or replaces payments (a buyer finishing the window, a vbank deposit, an admin action). */
  add(...payments: Payment[]): this {
    for (const payment of payments) this.payments.set(payment.imp_uid, structuredClone(payment));
    return this;
  }

  /** Registers a prepared amount as if another system had already called prepare. */
  addPrepared(prepared: Prepared): this {
    this.prepared.set(prepared.merchant_uid, { ...prepared });
    return this;
  }

  /** The payment as Iamport now holds it (uncounted). */
  payment(impUid: string): Payment {
    const payment = this.payments.get(impUid);
    if (!payment) throw new Error(`no payment ${impUid} in the fake`);
    return structuredClone(payment);
  }

  /** Makes the next `times` calls of `method` fail (after the calls already scripted). */
  failNext(method: IamportMethod, times = 1, options: FailOptions = {}): this {
    const error =
      options.error ?? (() => new IamportUnavailableError(`${method}: HTTP 503`, { httpStatus: 503 }));
    const queue = this.failures.get(method) ?? [];
    for (let i = 0; i < times; i++) queue.push({ error, afterEffect: options.afterEffect ?? false });
    this.failures.set(method, queue);
    return this;
  }

  /** Cancels accepted by Iamport. */
  get successfulCancels(): CancelCall[] {
    return this.cancels.filter((call) => call.outcome === 'cancelled');
  }

  /** A cancel made in Iamport's admin console: no checksum, not counted as an API call. */
  cancelFromConsole(impUid: string, amount?: number): Payment {
    const payment = this.payments.get(impUid);
    if (!payment) throw new Error(`no payment ${impUid} in the fake`);
    return structuredClone(this.applyCancel(payment, amount ?? 0, 'console'));
  }

  async getPayment(impUid: string): Promise<Payment> {
    return this.call('getPayment', () => {
      const payment = this.payments.get(impUid);
      if (!payment) throw notFound('getPayment', IAMPORT_MESSAGES.paymentNotFound);
      return structuredClone(payment);
    });
  }

  async findPayment(merchantUid: string, status?: KnownPaymentStatus): Promise<Payment> {
    return this.call('findPayment', () => {
      const first = this.attempts(merchantUid, status, '-started')[0];
      if (!first) throw notFound('findPayment', IAMPORT_MESSAGES.paymentNotFound);
      return structuredClone(first);
    });
  }

  async findAllPayments(merchantUid: string, options: FindAllOptions = {}): Promise<PaymentPage> {
    return this.call('findAllPayments', () => {
      const list = this.attempts(merchantUid, options.status, options.sorting ?? '-started');
      // Like the sandbox: no attempt at all is a 404, not an empty page.
      if (list.length === 0) throw notFound('findAllPayments', IAMPORT_MESSAGES.paymentNotFound);
      const page = options.page ?? 1;
      const limit = options.limit ?? 20;
      const start = (page - 1) * limit;
      return {
        total: list.length,
        previous: page > 1 ? page - 1 : 0,
        next: start + limit < list.length ? page + 1 : 0,
        list: list.slice(start, start + limit).map((payment) => structuredClone(payment)),
      };
    });
  }

  async cancelPayment(request: CancelPaymentRequest): Promise<Payment> {
    const record: CancelCall = { request: { ...request }, outcome: 'failed' };
    this.cancels.push(record);
    return this.call('cancelPayment', () => {
      // The real client refuses a request that could only be wrong before anything is sent.
      cancelBody(request);
      const payment = this.payments.get(request.imp_uid);
      if (!payment) throw refused(IAMPORT_MESSAGES.cancelNotFound);
      const balance = money(payment.amount - payment.cancel_amount);
      // In this order, so that a retried full cancel is "already cancelled" whatever its checksum.
      const refusal =
        payment.status === 'cancelled' && balance <= 0
          ? IAMPORT_MESSAGES.alreadyCancelled
          : payment.status !== 'paid' && payment.status !== 'cancelled'
            ? IAMPORT_MESSAGES.notCancellable
            : money(request.checksum) !== balance
              ? IAMPORT_MESSAGES.checksumMismatch
              : request.amount !== undefined && money(request.amount) > balance
                ? IAMPORT_MESSAGES.cancelTooMuch
                : undefined;
      if (refusal) {
        record.outcome = 'refused';
        throw refused(refusal);
      }
      const after = this.applyCancel(payment, request.amount ?? 0, request.reason);
      record.outcome = 'cancelled';
      const cancellationId = after.cancel_history?.at(-1)?.cancellation_id;
      if (cancellationId) record.cancellation_id = cancellationId;
      return structuredClone(after);
    });
  }

  async preparePayment(request: PreparePaymentRequest): Promise<Prepared> {
    this.prepares.push({ ...request });
    return this.call('preparePayment', () => {
      prepareBody(request);
      if (this.prepared.has(request.merchant_uid)) throw refused(IAMPORT_MESSAGES.prepareDuplicate);
      const prepared: Prepared = {
        merchant_uid: request.merchant_uid,
        amount: request.amount,
        currency: request.currency ?? 'KRW',
      };
      this.prepared.set(request.merchant_uid, prepared);
      return { ...prepared };
    });
  }

  async getPrepared(merchantUid: string): Promise<Prepared> {
    return this.call('getPrepared', () => {
      const prepared = this.prepared.get(merchantUid);
      if (!prepared) throw notFound('getPrepared', IAMPORT_MESSAGES.preparedNotFound);
      return { ...prepared };
    });
  }

  private async call<T>(method: IamportMethod, work: () => T): Promise<T> {
    this.calls[method] += 1;
    const failure = this.failures.get(method)?.shift();
    await turn();
    if (failure && !failure.afterEffect) throw failure.error();
    const result = work();
    if (failure) throw failure.error();
    return result;
  }

  private attempts(merchantUid: string, status: string | undefined, sorting: PaymentSorting): Payment[] {
    const descending = sorting.startsWith('-');
    const field = descending ? sorting.slice(1) : sorting;
    const key = (payment: Payment): number =>
      field === 'paid'
        ? (payment.paid_at ?? 0)
        : field === 'updated'
          ? Math.max(payment.started_at ?? 0, payment.paid_at ?? 0, payment.cancelled_at ?? 0)
          : (payment.started_at ?? 0);
    const indexed = [...this.payments.values()]
      .filter((payment) => payment.merchant_uid === merchantUid && (!status || payment.status === status))
      .map((payment, seq) => ({ payment, seq }));
    const sign = descending ? -1 : 1;
    // Ties (attempts in the same second) keep insertion order in the direction of the sort, as the sandbox.
    indexed.sort((a, b) => sign * (key(a.payment) - key(b.payment) || a.seq - b.seq));
    return indexed.map(({ payment }) => payment);
  }

  private applyCancel(payment: Payment, amount: number, reason: string): Payment {
    const balance = money(payment.amount - payment.cancel_amount);
    const cancelled = amount > 0 ? money(amount) : balance;
    this.cancellationSeq += 1;
    const cancellationId = `cancel_${String(this.cancellationSeq).padStart(6, '0')}`;
    payment.cancel_amount = money(payment.cancel_amount + cancelled);
    payment.status = 'cancelled';
    payment.cancelled_at = this.nowSeconds;
    payment.cancel_reason = reason;
    payment.cancel_history = [
      ...(payment.cancel_history ?? []),
      {
        pg_tid: `cancel_tid_${this.cancellationSeq}`,
        amount: cancelled,
        cancelled_at: this.nowSeconds,
        reason,
        cancellation_id: cancellationId,
        receipt_url: null,
      },
    ];
    return payment;
  }
}

/** Decimal currencies: rounding keeps 0.1 + 0.2 from leaving a phantom balance (as the sandbox does). */
function money(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

function notFound(operation: string, message: string): IamportNotFoundError {
  return new IamportNotFoundError(`${operation}: ${message}`, { httpStatus: 404 });
}

function refused(message: string): IamportRefusedError {
  return new IamportRefusedError(1, message, { httpStatus: 200 });
}

// ---------------------------------------------------------------------------------------------------
// FakeRetryQueue
// ---------------------------------------------------------------------------------------------------

/** A retry queue that records what it accepted; `failNext()` makes sends reject, as SQS throttling would. */
export class FakeRetryQueue implements RetryQueue {
  readonly sent: Array<{ message: RetryMessage; delaySeconds: number }> = [];
  private failures: Array<() => Error> = [];

  failNext(times = 1, error: () => Error = () => new Error('SQS throttled')): this {
    for (let i = 0; i < times; i++) this.failures.push(error);
    return this;
  }

  async send(message: RetryMessage, delaySeconds: number): Promise<void> {
    await turn();
    const failure = this.failures.shift();
    if (failure) throw failure();
    this.sent.push({ message: structuredClone(message), delaySeconds });
  }
}
