import type { OrderStore } from '../orders/store';
import { type DispatchDeps, dispatchOutbox } from './dispatchOutbox';

/**
 * How long the stream may keep retrying a record (serverless.yml `maximumRecordAgeInSeconds` of the
 * delivery function's stream, checked equal by test/deploy): past it the record goes to the
 * on-failure queue and the event is the sweeper's.
 */
export const STREAM_MAX_RECORD_AGE_SECONDS = 300;

/** Events younger than this are the stream's (twice its whole retry window): the sweeper leaves them. */
export const OUTBOX_GRACE_SECONDS = 2 * STREAM_MAX_RECORD_AGE_SECONDS;

export interface OutboxSweepResult {
  orders: number;
  delivered: number;
  waiting: number;
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
  const result: OutboxSweepResult = { orders: merchantUids.length, delivered: 0, waiting: 0 };
  for (const merchantUid of merchantUids) {
    const order = await deps.orders.get(merchantUid);
    if (!order) continue;
    const sent = await dispatchOutbox({ ...deps, now: () => now }, order, 'sweep');
    result.delivered += sent.delivered;
    result.waiting += sent.waiting;
    // Everything went out (or nothing was left): leave the index so the next sweep skips this order.
    if (sent.waiting === 0) await deps.outbox.clearIfEmpty(merchantUid);
  }
  return result;
}
