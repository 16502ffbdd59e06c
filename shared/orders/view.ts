import type { Order } from './types';

/** The order as the back-office API shows it: scheduling, locking and outbox internals stay inside. */
export function toOrderView(order: Order) {
  const {
    check_due_at: _due,
    check_attempt: _attempt,
    check_bucket: _bucket,
    revision: _revision,
    outbox: _outbox,
    outbox_bucket: _outboxBucket,
    outbox_since: _outboxSince,
    ...view
  } = order;
  return view;
}
