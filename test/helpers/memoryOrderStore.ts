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
import { FIXED_NOW, turn } from './fixtures';
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
