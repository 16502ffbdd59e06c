import * as v from 'valibot';
import { failedPaths } from '../validation';
import {
  type Order,
  type OrderApi,
  type OrderStatus,
  orderSchema,
  type Refund,
  type TransitionSource,
  type VbankAccount,
} from './types';

/** Fields a transition writes besides the status; each comes from Iamport's answer, never a request. */
export interface OrderPatch {
  /** The deciding attempt (V1; `transaction_id` on V2): absent only for `expired`, which none decided. */
  imp_uid?: string;
  transaction_id?: string;
  pay_method?: string;
  cancel_amount?: number;
  vbank?: VbankAccount;
}

/** What the hot path expects of the stored order: the attempt's amount and currency, and its API. */
export interface HotPathExpected {
  amount: number;
  currency: string;
  /** @default 'v1': a V1 attempt may only settle an order without `api` (V1), a V2 one only a V2 order. */
  api?: OrderApi;
}

export interface NewOrder {
  merchant_uid: string;
  /** @default 'v1' (and then not written: items from before V2 read the same) */
  api?: OrderApi;
  amount: number;
  currency: string;
  name?: string;
}

export interface TransitionWrite {
  to: OrderStatus;
  source: TransitionSource;
  patch: OrderPatch;
  /** A refund claimed in the same write, so that the status change and the claim cannot part. */
  refund?: Refund;
}

/**
 * The hot path's answer: applied, or refused with the order as it stood when its condition was refused
 * (strongly consistent, as a consistent read would give it; undefined when there is no such order), so
 * the full rules can decide on it without reading again.
 */
export type HotPathResult =
  | { readonly applied: true; readonly order: Order }
  | { readonly applied: false; readonly stored: Order | undefined };

/** The item changed under us (another verification won the race): read again and decide again. */
export class OrderConflictError extends Error {
  readonly code = 'ORDER_CONFLICT';
  constructor(merchantUid: string, options?: ErrorOptions) {
    super(`order ${merchantUid} changed concurrently`, options);
    this.name = 'OrderConflictError';
  }
}

/** A stored item failed validation: someone wrote an order we cannot read safely. */
export class OrderCorruptError extends Error {
  readonly code = 'ORDER_CORRUPT';
  /** `fields`: where the item failed the order schema (names only: the values stay out of logs). */
  constructor(merchantUid: string, fields: readonly string[] = []) {
    super(
      `order ${merchantUid} is not a valid order item${fields.length > 0 ? ` (at ${fields.join(', ')})` : ''}`,
    );
    this.name = 'OrderCorruptError';
  }
}

/** A stored item as an order, or OrderCorruptError naming where it is not one; every store reads through it. */
export function parseStoredOrder(merchantUid: string, item: Record<string, unknown>): Order {
  const parsed = v.safeParse(orderSchema, item);
  if (!parsed.success) throw new OrderCorruptError(merchantUid, failedPaths(parsed.issues));
  return parsed.output;
}

/**
 * Persistence of orders. Every method that changes an order is ONE conditional write on the item,
 * so duplicated or concurrent verifications apply a transition at most once.
 */
export interface OrderStore {
  /** Strongly consistent read: decisions must see the latest write. */
  get(merchantUid: string): Promise<Order | undefined>;
  /**
   * Strongly consistent reads of several orders in as few round trips as the engine allows (DynamoDB:
   * one BatchGetItem per 100 keys); an id with no order is absent from the answer.
   */
  getMany(merchantUids: readonly string[]): Promise<ReadonlyMap<string, Order>>;
  /**
   * Creates a `pending` order with its first lost-result check due at `checkDueAt` (unix seconds);
   * if the merchant_uid exists, returns the stored one untouched.
   */
  create(order: NewOrder, now: Date, checkDueAt?: number): Promise<{ created: boolean; order: Order }>;
  /** Applies a transition only if the item is still at `order.version`; else OrderConflictError. */
  transition(order: Order, write: TransitionWrite, now: Date): Promise<Order>;
  /**
   * The hot path: `pending → write.to` in one round trip without reading first, applied only if the
   * stored amount, currency and API equal `expected`. When the condition did not hold, the stored order
   * comes back with the refusal (the caller decides on it with the full rules, without reading again).
   */
  transitionFromPending(
    merchantUid: string,
    expected: HotPathExpected,
    write: TransitionWrite,
    now: Date,
  ): Promise<HotPathResult>;
  /** Adds or replaces the refund of `refund.imp_uid`, only if the item is still at `order.version`. */
  saveRefund(order: Order, refund: Refund, now: Date): Promise<Order>;
  /**
   * Sets when the next lost-result check is due (unix seconds), or clears it with `undefined`, only if
   * the item is still at `order.version`.
   */
  scheduleCheck(
    order: Order,
    check: { dueAt: number; attempt: number } | undefined,
    now: Date,
  ): Promise<Order>;
  /** Orders whose check is due at or before `nowSeconds`, oldest first, from the sparse index: no scan. */
  findDueChecks(nowSeconds: number, limit: number): Promise<DueCheck[]>;
  /**
   * Moves a due check to `nextDueAt` only if it is still due at `dueAt`: of two sweepers, one wins.
   * Returns whether this caller won.
   */
  leaseCheck(merchantUid: string, dueAt: number, nextDueAt: number): Promise<boolean>;
}

export interface DueCheck {
  merchant_uid: string;
  check_due_at: number;
  check_attempt?: number;
}
