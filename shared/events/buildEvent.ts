import { attemptIdOf } from '../orders/attemptIds';
import type { Order, OutboxEntry } from '../orders/types';
import { type OrderEvent, type OrderEventType, orderEventTypes } from './types';

/**
 * The event as sent: the outbox entry plus the order's amount and, for a refund, the refund as it
 * stands now (a forgery event sent after its cancel carries the cancel's result).
 */
export function buildEvent(order: Order, entry: OutboxEntry): OrderEvent {
  const attemptId = attemptIdOf(entry);
  const refund = attemptId
    ? order.refunds.find((candidate) => attemptIdOf(candidate) === attemptId)
    : undefined;
  return {
    id: entry.id,
    type: asEventType(entry.type),
    merchant_uid: order.merchant_uid,
    imp_uid: entry.imp_uid,
    // V2 orders say so, with the ids V2 merchants know; V1 events stay exactly as they were.
    ...(order.api === 'v2'
      ? { api: 'v2' as const, payment_id: order.merchant_uid, transaction_id: entry.transaction_id ?? null }
      : {}),
    amount: order.amount,
    currency: order.currency,
    status: entry.status,
    previous_status: entry.previous_status,
    version: entry.version,
    occurred_at: entry.occurred_at,
    ...(refund
      ? {
          refund: {
            ...(refund.imp_uid ? { imp_uid: refund.imp_uid } : {}),
            ...(refund.transaction_id ? { transaction_id: refund.transaction_id } : {}),
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
