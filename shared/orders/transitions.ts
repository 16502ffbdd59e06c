/**
 * Order statuses of docs/design.md §3, and with them below all a status is to the state machine: a
 * new status is added here (its edges, whether it awaits a result), in `payments/messages.ts` (the
 * buyer's text) and in `payments/decide.ts` (the rule that leads to it); the compiler names what is
 * missing in the first two, and its event type follows from this list. `partially_cancelled` keeps a
 * partial refund apart from a full one.
 */
export const orderStatuses = [
  'pending',
  'paid',
  'vbank_issued',
  'failed',
  'forgery',
  'cancelled',
  'partially_cancelled',
  'expired',
] as const;
export type OrderStatus = (typeof orderStatuses)[number];

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
  return awaiting[status];
}

const awaiting: Readonly<Record<OrderStatus, boolean>> = {
  pending: true,
  vbank_issued: true,
  failed: true,
  paid: false,
  partially_cancelled: false,
  expired: false,
  forgery: false,
  cancelled: false,
};
