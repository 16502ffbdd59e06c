import type { OrderStore } from '../orders/store';
import { type DispatchDeps, dispatchOutbox } from './dispatchOutbox';

/** Events younger than this belong to the verification that wrote them, which is sending them now. */
export const OUTBOX_GRACE_SECONDS = 60;

export interface OutboxSweepResult {
  orders: number;
  delivered: number;
  waiting: number;
}

/**
 * Re-sends events that were written but not delivered: the process died between the transition and
 * the send, or a target was down. Found through the sparse `outbox-pending` index, never a scan.
 */
export async function sweepOutbox(
  deps: DispatchDeps & { orders: Pick<OrderStore, 'get'> },
  now: Date = new Date(),
  limit = 200,
): Promise<OutboxSweepResult> {
  const before = Math.floor(now.getTime() / 1000) - OUTBOX_GRACE_SECONDS;
  const merchantUids = await deps.outbox.findWaiting(before, limit);
  const result: OutboxSweepResult = { orders: merchantUids.length, delivered: 0, waiting: 0 };
  for (const merchantUid of merchantUids) {
    const order = await deps.orders.get(merchantUid);
    if (!order) continue;
    const sent = await dispatchOutbox({ ...deps, now: () => now }, order, { dueOnly: true });
    result.delivered += sent.delivered;
    result.waiting += sent.waiting;
    // Everything went out (or nothing was left): leave the index so the next sweep skips this order.
    if (sent.waiting === 0) await deps.outbox.clearIfEmpty(merchantUid);
  }
  return result;
}
