import { type OrderStatus, orderStatuses, type Refund } from '../orders/types';

/** Every status an order can move into (all but the one it is registered in) has its event. */
export type EventStatus = Exclude<OrderStatus, 'pending'>;
export type OrderEventType = `order.${EventStatus}`;

/** Derived from the statuses, so a new status has its event type without a second list to keep. */
export const orderEventTypes: readonly OrderEventType[] = orderStatuses
  .filter((status): status is EventStatus => status !== 'pending')
  .map((status) => `order.${status}` as const);

/**
 * What the merchant receives for every order transition (docs/design.md §6b). `id` =
 * `merchant_uid:version` stays the same across re-deliveries, so a receiver can drop duplicates. No
 * buyer data, no secrets.
 */
export interface OrderEvent {
  id: string;
  type: OrderEventType;
  merchant_uid: string;
  imp_uid: string | null;
  /** V2 orders only: the API, the paymentId (= merchant_uid) and the deciding transaction. */
  api?: 'v2';
  payment_id?: string;
  transaction_id?: string | null;
  amount: number;
  currency: string;
  status: OrderStatus;
  previous_status: OrderStatus | null;
  version: number;
  /** ISO 8601, when the transition was written. */
  occurred_at: string;
  /** `order.forgery` (and refunds of second payments): the refund as it stands when sent. */
  refund?: Pick<Refund, 'imp_uid' | 'transaction_id' | 'amount' | 'status' | 'reason' | 'cancellation_id'>;
}

/**
 * A place events go: resolves once the target accepted the event, throws otherwise (the outbox keeps
 * it and tries again later). Implementations may retry briefly inside `deliver`.
 */
export interface EventTarget {
  /** Stable name, recorded per event so a target that accepted it is not sent it again. */
  readonly name: string;
  deliver(event: OrderEvent): Promise<void>;
}
