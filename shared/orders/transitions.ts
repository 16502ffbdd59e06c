import type { OrderStatus } from './types';

/**
 * The state machine of design §3. An order never moves backwards: a late `ready` or `failed` never
 * overwrites `paid`. `expired → paid` is allowed on purpose: when money really moved after we gave
 * up waiting, the merchant must learn it rather than keep a paid buyer marked as expired.
 * `partially_cancelled → partially_cancelled` records a further partial refund; `pending →
 * partially_cancelled` is a payment we first hear of after the merchant partly refunded it.
 */
const allowed: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  pending: ['paid', 'vbank_issued', 'failed', 'forgery', 'cancelled', 'partially_cancelled', 'expired'],
  vbank_issued: ['paid', 'cancelled', 'expired', 'forgery'],
  failed: ['paid', 'vbank_issued', 'forgery'],
  paid: ['cancelled', 'partially_cancelled'],
  partially_cancelled: ['partially_cancelled', 'cancelled'],
  expired: ['paid', 'forgery'],
  forgery: [],
  cancelled: [],
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return allowed[from].includes(to);
}

/** Statuses from which the buyer's money is settled and a further payment would be a second charge. */
export function isSettled(status: OrderStatus): boolean {
  return (
    status === 'paid' || status === 'partially_cancelled' || status === 'cancelled' || status === 'forgery'
  );
}

/**
 * Statuses the lost-result check keeps watching. `failed` is among them: the buyer may retry with the
 * same merchant_uid, and that payment's redirect and webhook can be lost like any other.
 */
export function awaitsResult(status: OrderStatus): boolean {
  return status === 'pending' || status === 'vbank_issued' || status === 'failed';
}
