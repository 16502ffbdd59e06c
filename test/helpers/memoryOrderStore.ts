import { marshall } from '@aws-sdk/util-dynamodb';
import { CHECK_BUCKET, OUTBOX_BUCKET } from '../../shared/orders/indexes';
import { clearOutboxIndexPlan, postponeEventPlan, removeEventPlans } from '../../shared/orders/outboxPlans';
import type { OutboxStore } from '../../shared/orders/outboxStore';
import {
  type DueCheck,
  type HotPathResult,
  type NewOrder,
  OrderConflictError,
  type OrderStore,
  parseStoredOrder,
  type TransitionWrite,
} from '../../shared/orders/store';
import type { Order, Refund } from '../../shared/orders/types';
import type { Condition, Path, UpdatePlan, WritePlan } from '../../shared/orders/writePlan';
import * as plans from '../../shared/orders/writePlans';
import { FIXED_NOW, turn } from './fixtures';
// ---------------------------------------------------------------------------------------------------
// MemoryOrderStore
// ---------------------------------------------------------------------------------------------------

export type OrderStoreMethod = keyof OrderStore;

/** A write staged by a test to land between the code's read and its write. */
export type Interleaving = (store: MemoryOrderStore) => void | Promise<void>;

/**
 * `OrderStore` in memory with the DynamoDB store's semantics, because it carries out the very same
 * write plans (`shared/orders/writePlans.ts`): it evaluates each plan's condition on the stored item
 * and applies its set and remove to a copy. So `transition` and `saveRefund` apply only at the
 * caller's `revision` (else `OrderConflictError`), `transitionFromPending` only when the item is
 * pending with exactly the expected amount and currency (else `undefined`), `create` never
 * overwrites, and `history` is bounded where the real store bounds it.
 *
 * `calls` counts every call per method; `writes` counts the calls that changed an item.
 * `interleave()` stages a concurrent writer that runs just before the next conditional write.
 * `withEvents()` records each transition's event in the outbox, as production does with an event
 * target; `outbox` is the outbox bookkeeping on the same items (the `OutboxStore` of that table).
 */
export class MemoryOrderStore implements OrderStore {
  readonly calls: Record<OrderStoreMethod, number> = {
    get: 0,
    getMany: 0,
    create: 0,
    transition: 0,
    transitionFromPending: 0,
    saveRefund: 0,
    scheduleCheck: 0,
    findDueChecks: 0,
    leaseCheck: 0,
  };
  /** Calls that changed an item (a created order, an applied transition, a saved refund, the outbox bookkeeping). */
  writes = 0;
  /** Conditional writes refused because the item was not at the caller's version. */
  conflicts = 0;
  private readonly items = new Map<string, Order>();
  private readonly interleavings: Interleaving[] = [];
  private recordEvents = false;
  /** Every applied write as DynamoDB Streams would record it (view type NEW_IMAGE), oldest first. */
  private readonly changes: unknown[] = [];
  private sequence = 0;

  /** The outbox bookkeeping (DynamoOutboxStore's plans) on this store's items. */
  readonly outbox: OutboxStore = {
    remove: async (merchantUid, key, last) => {
      await turn();
      for (const plan of removeEventPlans(key, last)) if (this.apply(merchantUid, plan)) return;
    },
    postpone: async (merchantUid, key, progress) => {
      await turn();
      this.apply(merchantUid, postponeEventPlan(key, progress));
    },
    clearIfEmpty: async (merchantUid) => {
      await turn();
      this.apply(merchantUid, clearOutboxIndexPlan());
    },
    findWaiting: async (beforeSeconds, limit) => {
      await turn();
      return [...this.items.values()]
        .filter(
          (order) =>
            order.outbox_bucket === OUTBOX_BUCKET && (order.outbox_since ?? Infinity) <= beforeSeconds,
        )
        .sort((a, b) => (a.outbox_since ?? 0) - (b.outbox_since ?? 0))
        .slice(0, limit)
        .map((order) => order.merchant_uid);
    },
  };

  constructor(...orders: Order[]) {
    for (const order of orders) this.put(order);
  }

  /** Records each transition's event in the outbox from now on (DynamoOrderStore's `recordEvents`). */
  withEvents(): this {
    this.recordEvents = true;
    return this;
  }

  /** The change records written since the last call (the table's stream), for the delivery function. */
  takeChanges(): unknown[] {
    return this.changes.splice(0);
  }

  /** Stores an item as another system would write it: no counters, no condition, no version bump. */
  put(order: Order): this {
    this.items.set(order.merchant_uid, parseStoredOrder(order.merchant_uid, structuredClone(order)));
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
    return this.applyAtRevision(merchantUid, plans.transitionPlan(current, write, now, this.recordEvents));
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

  async getMany(merchantUids: readonly string[]): Promise<ReadonlyMap<string, Order>> {
    this.calls.getMany += 1;
    await turn();
    const found = new Map<string, Order>();
    for (const merchantUid of new Set(merchantUids)) {
      const order = this.peek(merchantUid);
      if (order) found.set(merchantUid, order);
    }
    return found;
  }

  async create(input: NewOrder, now: Date, checkDueAt?: number): Promise<{ created: boolean; order: Order }> {
    this.calls.create += 1;
    await turn();
    const created = this.apply(input.merchant_uid, plans.createPlan(input, now, checkDueAt));
    // A repeat returns the stored order untouched (the plan's refusal answers with it).
    const order = created ?? this.items.get(input.merchant_uid);
    if (!order) throw new OrderConflictError(input.merchant_uid);
    return { created: created !== undefined, order: structuredClone(order) };
  }

  async transition(order: Order, write: TransitionWrite, now: Date): Promise<Order> {
    this.calls.transition += 1;
    await this.runInterleavings();
    return this.applyAtRevision(
      order.merchant_uid,
      plans.transitionPlan(order, write, now, this.recordEvents),
    );
  }

  async transitionFromPending(
    merchantUid: string,
    expected: { amount: number; currency: string },
    write: TransitionWrite,
    now: Date,
  ): Promise<HotPathResult> {
    this.calls.transitionFromPending += 1;
    await turn();
    const plan = plans.transitionFromPendingPlan(merchantUid, expected, write, now, this.recordEvents);
    const next = this.apply(merchantUid, plan);
    if (next) return { applied: true, order: structuredClone(next) };
    // As DynamoDB answers a refusal with ALL_OLD: the item as it stood, in the same round trip.
    if (plan.refused !== 'stored') throw new Error('the hot path plan must answer its refusal with the item');
    return { applied: false, stored: this.peek(merchantUid) };
  }

  async saveRefund(order: Order, refund: Refund, now: Date): Promise<Order> {
    this.calls.saveRefund += 1;
    await this.runInterleavings();
    return this.applyAtRevision(order.merchant_uid, plans.saveRefundPlan(order, refund, now));
  }

  async scheduleCheck(
    order: Order,
    check: { dueAt: number; attempt: number } | undefined,
    now: Date,
  ): Promise<Order> {
    this.calls.scheduleCheck += 1;
    await this.runInterleavings();
    return this.applyAtRevision(order.merchant_uid, plans.scheduleCheckPlan(order, check, now));
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
    // Like the real store, neither version nor updated_at moves.
    return this.apply(merchantUid, plans.leaseCheckPlan(dueAt, nextDueAt)) !== undefined;
  }

  private async runInterleavings(): Promise<void> {
    await turn();
    const writer = this.interleavings.shift();
    if (writer) await writer(this);
  }

  /** A plan conditioned on the caller's revision: refused, it counts as a conflict. */
  private applyAtRevision(merchantUid: string, plan: WritePlan): Order {
    const next = this.apply(merchantUid, plan);
    if (!next) {
      this.conflicts += 1;
      throw new OrderConflictError(merchantUid);
    }
    return structuredClone(next);
  }

  /** Carries out one plan: its condition on the stored item, then its writes. Undefined when refused. */
  private apply(merchantUid: string, plan: WritePlan): Order | undefined {
    const current = this.items.get(merchantUid);
    if (!holds(plan.condition, current)) return undefined;
    const next = parseStoredOrder(
      merchantUid,
      plan.kind === 'put' ? structuredClone(plan.item) : updated(current, plan),
    );
    this.items.set(merchantUid, next);
    this.writes += 1;
    this.sequence += 1;
    this.changes.push({
      eventName: current === undefined ? 'INSERT' : 'MODIFY',
      dynamodb: {
        Keys: { merchant_uid: { S: merchantUid } },
        NewImage: marshall(next, { removeUndefinedValues: true }),
        SequenceNumber: String(this.sequence).padStart(21, '0'),
        StreamViewType: 'NEW_IMAGE',
      },
    });
    return next;
  }
}

/** A plan's condition evaluated as DynamoDB evaluates its translation (`planExpressions.ts`). */
function holds(condition: Condition, item: Order | undefined): boolean {
  const fields: Record<string, unknown> = item ?? {};
  switch (condition.kind) {
    case 'absent':
      return item === undefined;
    case 'revision':
      // A stored item always has a revision here: orderSchema reads a missing one as 0.
      return item?.revision === condition.revision;
    case 'equals':
      return (
        item !== undefined &&
        Object.entries(condition.equals).every(
          ([key, value]) => value === undefined || fields[key] === value,
        ) &&
        condition.exists.every((key) => fields[key] !== undefined) &&
        (condition.missing ?? []).every((key) => fields[key] === undefined)
      );
    case 'outboxEntry': {
      const outbox = item?.outbox ?? {};
      return outbox[condition.key] !== undefined && (!condition.only || Object.keys(outbox).length === 1);
    }
    case 'outboxIdle':
      return item?.outbox_bucket !== undefined && Object.keys(item.outbox ?? {}).length === 0;
  }
}

/** The item after an update plan's SET and REMOVE clauses; no path is written twice by one plan. */
function updated(item: Order | undefined, plan: UpdatePlan): Record<string, unknown> {
  if (!item) throw new Error('an update plan must require the item to exist');
  const next: Record<string, unknown> = structuredClone(item);
  for (const assignment of plan.set) {
    const [parent, key] = locate(next, assignment.path);
    const old = parent[key];
    switch (assignment.op) {
      case 'set':
        parent[key] = structuredClone(assignment.value);
        break;
      case 'setIfAbsent':
        if (old === undefined) parent[key] = structuredClone(assignment.value);
        break;
      case 'append':
        parent[key] = [...(Array.isArray(old) ? old : []), ...structuredClone(assignment.items)];
        break;
      case 'increment':
        parent[key] = (typeof old === 'number' ? old : 0) + assignment.by;
        break;
    }
  }
  for (const path of plan.remove) {
    const [parent, key] = locate(next, path);
    Reflect.deleteProperty(parent, key);
  }
  return next;
}

/** The map holding a path's last key; DynamoDB refuses a path through a missing map, and so do we. */
function locate(item: Record<string, unknown>, path: Path): [Record<string, unknown>, string] {
  let parent = item;
  for (const key of path.slice(0, -1)) {
    const child = parent[key];
    if (typeof child !== 'object' || child === null || Array.isArray(child))
      throw new Error(`no map at ${path.join('.')}`);
    parent = child as Record<string, unknown>;
  }
  return [parent, path[path.length - 1] ?? path[0]];
}
