import type { Order, OutboxEntry } from '../orders/types';
import { type OrderEvent, type OrderEventType, orderEventTypes } from './types';

/**
 * The event as sent: the outbox entry plus the order's amount and, for a refund, the refund as it
 * stands now (a forgery event sent after its cancel carries the cancel's result).
 */
export function buildEvent(order: Order, entry: OutboxEntry): OrderEvent {
  const refund = entry.imp_uid
    ? order.refunds.find((candidate) => candidate.imp_uid === entry.imp_uid)
    : undefined;
  return {
    id: entry.id,
    type: asEventType(entry.type),
    merchant_uid: order.merchant_uid,
    imp_uid: entry.imp_uid,
    amount: order.amount,
    currency: order.currency,
    status: entry.status,
    previous_status: entry.previous_status,
    version: entry.version,
    occurred_at: entry.occurred_at,
    ...(refund
      ? {
          refund: {
            imp_uid: refund.imp_uid,
            amount: refund.amount,
            status: refund.status,
            reason: refund.reason,
            ...(refund.cancellation_id ? { cancellation_id: refund.cancellation_id } : {}),
          },
        }
      : {}),
  };
}

function asEventType(type: string): OrderEventType {
  const known = orderEventTypes.find((candidate) => candidate === type);
  if (!known) throw new TypeError(`unknown event type ${type}`);
  return known;
}
