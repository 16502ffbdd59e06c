import type { Order } from './types';

/** The order as the back-office API shows it: scheduling internals stay inside. */
export function toOrderView(order: Order) {
  const { check_due_at: _due, check_attempt: _attempt, check_bucket: _bucket, ...view } = order;
  return view;
}
