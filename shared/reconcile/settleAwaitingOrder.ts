import { retryOnConflict } from '../orders/retryOnConflict';
import { awaitsResult } from '../orders/transitions';
import type { Order, TransitionSource } from '../orders/types';
import { MAX_DELAY_SECONDS } from '../queue/types';
import { checkDelaySeconds, SWEEP_GRACE_SECONDS } from './schedule';
import type { ProcessResult, ReconcileDeps } from './types';

/** A vbank deposit may be booked a little after its deadline; give Iamport that long before expiring. */
const VBANK_DEADLINE_GRACE_SECONDS = 3600;

/**
 * After a lost-result check asked Iamport and the order is still not final: expire it when it is too
 * old, or schedule the next check (queue message + the sparse index's due time, for the sweeper).
 */
export async function settleAwaitingOrder(
  deps: ReconcileDeps,
  merchantUid: string,
  attempt: number,
  source: TransitionSource,
  now: Date,
): Promise<ProcessResult> {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  // A webhook or the buyer's redirect may change the order meanwhile: each round looks again.
  return retryOnConflict(merchantUid, 'reconciliation', async () => {
    // DynamoDB read: the verification may have just moved the order.
    const order = await deps.orders.get(merchantUid);
    if (!order) return { kind: 'done', outcome: 'no_order' };
    if (!awaitsResult(order.status)) return { kind: 'done', outcome: 'decided', status: order.status };
    return closeOrReschedule(deps, order, attempt, source, now, nowSeconds);
  });
}

async function closeOrReschedule(
  deps: ReconcileDeps,
  order: Order,
  attempt: number,
  source: TransitionSource,
  now: Date,
  nowSeconds: number,
): Promise<ProcessResult> {
  const ageSeconds = nowSeconds - Math.floor(Date.parse(order.created_at) / 1000);
  const tooOld = ageSeconds >= deps.settings.reconcileMaxAgeSeconds;
  if (order.status === 'vbank_issued' && order.vbank) {
    if (nowSeconds >= order.vbank.due + VBANK_DEADLINE_GRACE_SECONDS) return expire(deps, order, source, now);
  } else if (tooOld && order.status === 'pending') {
    return expire(deps, order, source, now);
  } else if (tooOld) {
    // A failed order stays failed; after the maximum age nobody expects its buyer to come back.
    await deps.orders.scheduleCheck(order, undefined, now);
    return { kind: 'done', outcome: 'decided', status: order.status };
  }
  const next = attempt + 1;
  let delay = checkDelaySeconds(next, deps.settings.reconcileAfterSeconds);
  if (order.status === 'vbank_issued' && order.vbank) {
    // Never sleep past the deposit deadline's grace: that is when the order can be closed.
    delay = Math.max(1, Math.min(delay, order.vbank.due + VBANK_DEADLINE_GRACE_SECONDS - nowSeconds));
  }
  const dueAt = nowSeconds + delay;
  // The index entry goes first: if the enqueue below fails, the sweeper still finds this order.
  await deps.orders.scheduleCheck(order, { dueAt: dueAt + SWEEP_GRACE_SECONDS, attempt: next }, now);
  await deps.queue.send(
    {
      merchant_uid: order.merchant_uid,
      reason: 'lost_result_check',
      attempt: next,
      ...(delay > MAX_DELAY_SECONDS ? { not_before: dueAt } : {}),
    },
    Math.min(delay, MAX_DELAY_SECONDS),
  );
  return { kind: 'check_scheduled', attempt: next, dueAt };
}

async function expire(
  deps: ReconcileDeps,
  order: Order,
  source: TransitionSource,
  now: Date,
): Promise<ProcessResult> {
  // Conditional on the version just read: a payment that lands at this instant wins over expiry.
  // Its event is in the outbox with it; the delivery function sends it (docs/design.md §6b).
  await deps.orders.transition(order, { to: 'expired', source, patch: {} }, now);
  return { kind: 'expired' };
}
