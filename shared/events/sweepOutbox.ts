import type { OrderStore } from '../orders/store';
import { type DispatchDeps, dispatchOutbox, hasTimeToSend, OUTBOX_GRACE_SECONDS } from './dispatchOutbox';

export interface OutboxSweepResult {
  orders: number;
  delivered: number;
  waiting: number;
  /** Orders that could not be read or written: left as they were, for the next sweep (and the alarm). */
  failed: number;
  /** Orders found but not started, for want of time: the next sweep finds them first. */
  left: number;
}

/**
 * The safety net (docs/design.md §6b): re-sends events the stream did not deliver within its retry
 * window (a merchant endpoint down for longer, a record past its age, a delivery function that could
 * not run), with backoff. Found through the sparse `outbox-pending` index, never a scan.
 */
export async function sweepOutbox(
  deps: DispatchDeps & { orders: Pick<OrderStore, 'get'> },
  now: Date = new Date(),
  limit = 200,
): Promise<OutboxSweepResult> {
  const before = Math.floor(now.getTime() / 1000) - OUTBOX_GRACE_SECONDS;
  const merchantUids = await deps.outbox.findWaiting(before, limit);
  const result: OutboxSweepResult = {
    orders: merchantUids.length,
    delivered: 0,
    waiting: 0,
    failed: 0,
    left: 0,
  };
  for (const [index, merchantUid] of merchantUids.entries()) {
    // The orders left over are still in the index: the next sweep finds them first.
    if (!hasTimeToSend(deps.timeLeftMs)) {
      result.left = merchantUids.length - index;
      break;
    }
    // One order that cannot be read (an item the merchant's systems wrote badly) or written must not
    // keep the orders after it from being swept: it is the oldest, so it would come first every time.
    try {
      const order = await deps.orders.get(merchantUid);
      if (!order) continue;
      const sent = await dispatchOutbox({ ...deps, now: () => now }, order, 'sweep');
      result.delivered += sent.delivered;
      result.waiting += sent.waiting;
      // Everything went out (or nothing was left): leave the index so the next sweep skips this order.
      if (sent.waiting === 0) await deps.outbox.clearIfEmpty(merchantUid);
    } catch (error) {
      result.failed += 1;
      deps.onError?.(error);
    }
  }
  return result;
}
