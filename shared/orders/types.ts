import * as v from 'valibot';
import { count, finiteNumber, int, nonEmpty, nonNegative } from '../validation';
import { orderStatuses } from './transitions';

export { type OrderStatus, orderStatuses } from './transitions';

/**
 * Which PortOne API an order is paid through: V1 (Iamport: the attempt is an `imp_uid`) or V2 (the
 * order's merchant_uid is the V2 `paymentId`; the attempt is a `transaction_id`). Absent = V1.
 */
export const orderApis = ['v1', 'v2'] as const;
export type OrderApi = (typeof orderApis)[number];

/** What told us about the payment; kept on every history entry. */
export const transitionSources = [
  'complete',
  'mobile',
  'webhook',
  'reconcile',
  'sweep',
  'register',
  'ledger',
] as const;
export type TransitionSource = (typeof transitionSources)[number];

export const historyEntrySchema = v.object({
  at: v.string(),
  from: v.nullable(v.picklist(orderStatuses)),
  to: v.picklist(orderStatuses),
  imp_uid: v.nullable(v.string()),
  /** V2 orders: the attempt, by the name V2 merchants know (`imp_uid` is then null). */
  transaction_id: v.optional(v.nullable(v.string())),
  source: v.picklist(transitionSources),
});
export type HistoryEntry = v.InferOutput<typeof historyEntrySchema>;

export const vbankSchema = v.object({
  num: v.string(),
  bank: v.string(),
  holder: v.string(),
  /** Deposit deadline, unix seconds (Iamport's `vbank_date`). */
  due: int,
});
export type VbankAccount = v.InferOutput<typeof vbankSchema>;

/**
 * A refund we started at Iamport (a tampered amount, or a second payment for an order already settled).
 * `requested` is a claim written *before* the cancel call so that concurrent verifications do not both
 * cancel; Iamport's checksum makes a retried cancel after a crash safe.
 */
export const refundSchema = v.object({
  /** The refunded attempt: `imp_uid` on a V1 order, `transaction_id` on a V2 one (orders/attemptIds.ts). */
  imp_uid: v.optional(v.string()),
  transaction_id: v.optional(v.string()),
  amount: finiteNumber,
  reason: v.picklist(['forgery', 'duplicate_payment']),
  status: v.picklist(['requested', 'done', 'failed']),
  requested_at: v.string(),
  completed_at: v.optional(v.string()),
  cancellation_id: v.optional(v.string()),
  message: v.optional(v.string()),
});
export type Refund = v.InferOutput<typeof refundSchema>;

/**
 * An event recorded on the item in the same write as its transition (the outbox): it cannot be lost
 * between the state change and the send. Removed once every target accepted it.
 */
export const outboxEntrySchema = v.object({
  id: v.string(),
  type: v.string(),
  previous_status: v.nullable(v.picklist(orderStatuses)),
  status: v.picklist(orderStatuses),
  imp_uid: v.nullable(v.string()),
  transaction_id: v.optional(v.nullable(v.string())),
  version: int,
  occurred_at: v.string(),
  /** Targets that already accepted it; a retry skips them. */
  delivered_to: v.optional(v.array(v.string()), () => []),
  attempts: v.optional(count, 0),
  /** Unix seconds; the event sweeper leaves it alone before then (backoff). */
  next_attempt_at: v.optional(count, 0),
});
export type OutboxEntry = v.InferOutput<typeof outboxEntrySchema>;

/**
 * An order item as stored. Items may also be written by the merchant's own systems, so fields we
 * add ourselves (`version`, `history`, `refunds`) are optional on read.
 */
export const orderSchema = v.object({
  merchant_uid: nonEmpty,
  amount: nonNegative,
  currency: v.optional(nonEmpty, 'KRW'),
  name: v.optional(v.string()),
  status: v.picklist(orderStatuses),
  /** Absent on orders written before V2: V1. */
  api: v.optional(v.picklist(orderApis)),
  /** The attempt that decided the status: V1 `imp_uid`, V2 `transaction_id`. */
  imp_uid: v.optional(v.string()),
  transaction_id: v.optional(v.string()),
  pay_method: v.optional(v.string()),
  /** What Iamport reports as cancelled on the decisive attempt, for partial refunds. */
  cancel_amount: v.optional(nonNegative),
  created_at: v.string(),
  updated_at: v.string(),
  /** Counts transitions: the event of a transition is `merchant_uid:version`. */
  version: v.optional(count, 0),
  /** Counts every write we make: the optimistic lock of read-decide-write. */
  revision: v.optional(count, 0),
  history: v.optional(v.array(historyEntrySchema), () => []),
  vbank: v.optional(vbankSchema),
  refunds: v.optional(v.array(refundSchema), () => []),
  /** Unix seconds when the lost-result check is due; present only while a check is pending (sparse GSI). */
  check_due_at: v.optional(int),
  /** Partition key of the sparse `due-checks` index; set together with `check_due_at`. */
  check_bucket: v.optional(v.string()),
  check_attempt: v.optional(count),
  /** Undelivered events by key `v<version>`; absent on items the merchant wrote directly. */
  outbox: v.optional(v.record(v.string(), outboxEntrySchema)),
  /** Partition and sort key of the sparse `outbox-pending` index, present while events wait. */
  outbox_bucket: v.optional(v.string()),
  outbox_since: v.optional(int),
});
export type Order = v.InferOutput<typeof orderSchema>;

/** Orders keep at most this many transitions; older ones are dropped first. */
export const HISTORY_LIMIT = 50;
