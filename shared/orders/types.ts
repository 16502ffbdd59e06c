import * as z from 'zod/mini';
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

export const historyEntrySchema = z.object({
  at: z.string(),
  from: z.nullable(z.enum(orderStatuses)),
  to: z.enum(orderStatuses),
  imp_uid: z.nullable(z.string()),
  /** V2 orders: the attempt, by the name V2 merchants know (`imp_uid` is then null). */
  transaction_id: z.optional(z.nullable(z.string())),
  source: z.enum(transitionSources),
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

export const vbankSchema = z.object({
  num: z.string(),
  bank: z.string(),
  holder: z.string(),
  /** Deposit deadline, unix seconds (Iamport's `vbank_date`). */
  due: z.int(),
});
export type VbankAccount = z.infer<typeof vbankSchema>;

/**
 * A refund we started at Iamport (a tampered amount, or a second payment for an order already settled).
 * `requested` is a claim written *before* the cancel call so that concurrent verifications do not both
 * cancel; Iamport's checksum makes a retried cancel after a crash safe.
 */
export const refundSchema = z.object({
  /** The refunded attempt: `imp_uid` on a V1 order, `transaction_id` on a V2 one (orders/attemptIds.ts). */
  imp_uid: z.optional(z.string()),
  transaction_id: z.optional(z.string()),
  amount: z.number(),
  reason: z.enum(['forgery', 'duplicate_payment']),
  status: z.enum(['requested', 'done', 'failed']),
  requested_at: z.string(),
  completed_at: z.optional(z.string()),
  cancellation_id: z.optional(z.string()),
  message: z.optional(z.string()),
});
export type Refund = z.infer<typeof refundSchema>;

const count = z.int().check(z.nonnegative());

/**
 * An event recorded on the item in the same write as its transition (the outbox): it cannot be lost
 * between the state change and the send. Removed once every target accepted it.
 */
export const outboxEntrySchema = z.object({
  id: z.string(),
  type: z.string(),
  previous_status: z.nullable(z.enum(orderStatuses)),
  status: z.enum(orderStatuses),
  imp_uid: z.nullable(z.string()),
  transaction_id: z.optional(z.nullable(z.string())),
  version: z.int(),
  occurred_at: z.string(),
  /** Targets that already accepted it; a retry skips them. */
  delivered_to: z._default(z.array(z.string()), []),
  attempts: z._default(count, 0),
  /** Unix seconds; the event sweeper leaves it alone before then (backoff). */
  next_attempt_at: z._default(count, 0),
});
export type OutboxEntry = z.infer<typeof outboxEntrySchema>;

/**
 * An order item as stored. Items may also be written by the merchant's own systems, so fields we
 * add ourselves (`version`, `history`, `refunds`) are optional on read.
 */
export const orderSchema = z.object({
  merchant_uid: z.string().check(z.minLength(1)),
  amount: z.number().check(z.nonnegative()),
  currency: z._default(z.string().check(z.minLength(1)), 'KRW'),
  name: z.optional(z.string()),
  status: z.enum(orderStatuses),
  /** Absent on orders written before V2: V1. */
  api: z.optional(z.enum(orderApis)),
  /** The attempt that decided the status: V1 `imp_uid`, V2 `transaction_id`. */
  imp_uid: z.optional(z.string()),
  transaction_id: z.optional(z.string()),
  pay_method: z.optional(z.string()),
  /** What Iamport reports as cancelled on the decisive attempt, for partial refunds. */
  cancel_amount: z.optional(z.number().check(z.nonnegative())),
  created_at: z.string(),
  updated_at: z.string(),
  /** Counts transitions: the event of a transition is `merchant_uid:version`. */
  version: z._default(count, 0),
  /** Counts every write we make: the optimistic lock of read-decide-write. */
  revision: z._default(count, 0),
  history: z._default(z.array(historyEntrySchema), []),
  vbank: z.optional(vbankSchema),
  refunds: z._default(z.array(refundSchema), []),
  /** Unix seconds when the lost-result check is due; present only while a check is pending (sparse GSI). */
  check_due_at: z.optional(z.int()),
  /** Partition key of the sparse `due-checks` index; set together with `check_due_at`. */
  check_bucket: z.optional(z.string()),
  check_attempt: z.optional(count),
  /** Undelivered events by key `v<version>`; absent on items the merchant wrote directly. */
  outbox: z.optional(z.record(z.string(), outboxEntrySchema)),
  /** Partition and sort key of the sparse `outbox-pending` index, present while events wait. */
  outbox_bucket: z.optional(z.string()),
  outbox_since: z.optional(z.int()),
});
export type Order = z.infer<typeof orderSchema>;

/** Orders keep at most this many transitions; older ones are dropped first. */
export const HISTORY_LIMIT = 50;
