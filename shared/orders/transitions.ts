import type { OrderStatus } from './types';

/**
 * The state machine of docs/design.md §3. An order never moves backwards: a late `ready` or `failed`
 * never overwrites `paid`. Beyond the core edges listed there, each for a reason:
 * - `expired → paid`: money that really moved after we gave up must reach the merchant.
 * - `forgery → paid | vbank_issued | partially_cancelled`: a tampered attempt (refunded) followed by an honest one ends as the
 *   honest one, whichever notice came first, so the result does not depend on arrival order.
 * - `* → partially_cancelled` from any status without accepted money: an attempt first seen partly
 *   refunded still holds money for the order; `partially_cancelled → partially_cancelled` records a
 *   further partial refund.
 * - `failed → vbank_issued | forgery`: a buyer retrying with the same merchant_uid. A tampered payment
 *   after an honest vbank issue is refunded but leaves the order `vbank_issued`: the better fact stays.
 */
const allowed: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  pending: ['paid', 'vbank_issued', 'failed', 'forgery', 'cancelled', 'partially_cancelled', 'expired'],
  vbank_issued: ['paid', 'cancelled', 'partially_cancelled', 'expired'],
  failed: ['paid', 'vbank_issued', 'forgery', 'partially_cancelled'],
  paid: ['cancelled', 'partially_cancelled'],
  partially_cancelled: ['partially_cancelled', 'cancelled'],
  expired: ['paid', 'forgery', 'partially_cancelled'],
  forgery: ['paid', 'vbank_issued', 'partially_cancelled'],
  cancelled: [],
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return allowed[from].includes(to);
}

/**
 * Statuses the lost-result check keeps watching. `failed` is among them: the buyer may retry with the
 * same merchant_uid, and that payment's redirect and webhook can be lost like any other.
 */
export function awaitsResult(status: OrderStatus): boolean {
  return status === 'pending' || status === 'vbank_issued' || status === 'failed';
}
