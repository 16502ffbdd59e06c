import { apiOf, apiOfRef, attemptIdOf } from '../orders/attemptIds';
import { awaitsResult } from '../orders/transitions';
import type { Order, TransitionSource } from '../orders/types';
import type { VerifyOutcome } from '../payments/types';
import { verifyPayment } from '../payments/verifyPayment';
import { MAX_DELAY_SECONDS, type RetryMessage } from '../queue/types';
import { MAX_SPECULATIVE_ATTEMPTS, MAX_TRANSIENT_ATTEMPTS, retryDelaySeconds } from './schedule';
import { settleAwaitingOrder } from './settleAwaitingOrder';
import type { ProcessResult, ReconcileDeps } from './types';

export type { ProcessResult, ReconcileDeps } from './types';

/**
 * One message of the retry queue (docs/design.md §6): run the verification again, and keep the promise
 * "pending" made to a buyer by re-enqueueing until Iamport answers or the order can be closed.
 * Throws only for failures of our own (DynamoDB, the queue): the consumer then reports the message
 * as failed and SQS redelivers it, up to the dead-letter queue.
 */
export async function processRetryMessage(
  deps: ReconcileDeps,
  message: RetryMessage,
  now: Date = new Date(),
): Promise<ProcessResult> {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (message.not_before !== undefined && message.not_before > nowSeconds) {
    // SQS delays stop at 15 minutes: a longer wait is served in hops.
    const delaySeconds = Math.min(message.not_before - nowSeconds, MAX_DELAY_SECONDS);
    await deps.queue.send(message, delaySeconds);
    return { kind: 'deferred', delaySeconds };
  }
  const source: TransitionSource = message.reason === 'sweep' ? 'sweep' : 'reconcile';

  if (message.imp_uid !== undefined) {
    // A verification Iamport could not take: the imp_uid says which payment, its answer which order.
    const outcome = await verifyPayment(deps, { impUid: message.imp_uid, source });
    if (outcome.kind === 'retry_later') return retryLater(deps, message);
    return { kind: 'done', outcome: outcome.kind, ...statusOf(outcome) };
  }

  const merchantUid = message.merchant_uid;
  if (merchantUid === undefined) throw new TypeError('retry message without identifiers');
  // DynamoDB read: a check for an order that is already final costs no Iamport call.
  const order = await deps.orders.get(merchantUid);
  if (!order) return { kind: 'done', outcome: 'no_order' };
  // A notice or a return we could not verify (PortOne unreachable) may be the news that moves a final
  // order (a cancellation made in the console: V2 notices name only the order): it is verified again,
  // whatever the order says now. Only our own checks stop at a final order.
  const final = !awaitsResult(order.status);
  if (final && message.reason !== 'iamport_unavailable')
    return finishOpenRefunds(deps, message, order, source, now);
  // The order says which API holds its payment: a V2 order is looked up by its paymentId at V2.
  const outcome = await verifyPayment(deps, { api: apiOf(order), merchantUid, source });
  if (outcome.kind === 'retry_later') return retryLater(deps, message);
  // Then as for any final order, on the order as the verification left it (nothing wrote it otherwise):
  // a refund it claimed on another attempt (V1) is finished too.
  if (final)
    return finishOpenRefunds(deps, message, outcome.kind === 'decided' ? outcome.order : order, source, now);
  // An order with its lost-result check scheduled keeps that one chain of checks: a notice queued in an
  // outage is not another (each would poll until the order is final), nor may it push the check later.
  if (message.reason === 'iamport_unavailable' && order.check_due_at !== undefined)
    return { kind: 'done', outcome: outcome.kind, ...statusOf(outcome) };
  return settleAwaitingOrder(deps, merchantUid, message.attempt, source, now);
}

/**
 * A final order is left alone unless a refund it claimed never completed (the verification died, or
 * Iamport failed the cancel): each such payment is verified again by its imp_uid, which refunds what
 * is still held or records the refund Iamport already made.
 */
async function finishOpenRefunds(
  deps: ReconcileDeps,
  message: RetryMessage,
  order: Order,
  source: TransitionSource,
  now: Date,
): Promise<ProcessResult> {
  const open = order.refunds.filter((refund) => refund.status === 'requested');
  if (open.length === 0) {
    // Left over from before the order became final: take it out of the sweeper's index.
    if (order.check_due_at !== undefined) await deps.orders.scheduleCheck(order, undefined, now);
    return { kind: 'done', outcome: 'already_final', status: order.status };
  }
  for (const refund of open) {
    // V1 by the refunded attempt's imp_uid; V2 by the order's paymentId (V2 looks payments up by it).
    const request =
      apiOfRef(refund) === 'v2'
        ? { api: 'v2' as const, merchantUid: order.merchant_uid, source }
        : { impUid: attemptIdOf(refund) ?? '', source };
    const outcome = await verifyPayment(deps, request);
    if (outcome.kind === 'retry_later') return retryLater(deps, message);
  }
  return { kind: 'done', outcome: 'decided', status: order.status };
}

async function retryLater(deps: ReconcileDeps, message: RetryMessage): Promise<ProcessResult> {
  const attempt = message.attempt + 1;
  if (message.speculative && attempt > MAX_SPECULATIVE_ATTEMPTS)
    return { kind: 'abandoned', attempt: message.attempt };
  if (attempt > MAX_TRANSIENT_ATTEMPTS) {
    // Hours of outage: stop retrying on our own, leave it where the alarm and a person will see it.
    await deps.deadLetters.send(JSON.stringify(message));
    return { kind: 'dead_lettered' };
  }
  const delaySeconds = retryDelaySeconds(attempt, deps.settings.retryBaseSeconds);
  await deps.queue.send({ ...message, attempt, not_before: undefined }, delaySeconds);
  return { kind: 'retry_scheduled', attempt, delaySeconds };
}

function statusOf(outcome: VerifyOutcome): { status?: Order['status'] } {
  return outcome.kind === 'decided' || outcome.kind === 'sandbox_refused'
    ? { status: outcome.order.status }
    : {};
}
