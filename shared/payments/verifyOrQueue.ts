import { awaitsResult } from '../orders/transitions';
import type { Order } from '../orders/types';
import type { RetryMessage, RetryQueue } from '../queue/types';
import type { VerifyOutcome, VerifyRequest } from './types';
import { type VerifyDeps, verifyPayment } from './verifyPayment';

export interface VerifyOrQueueDeps extends VerifyDeps {
  queue: RetryQueue;
  retryBaseSeconds: number;
}

/** What an entry point knows about a request beyond its identifiers, for the queue's sake only. */
export interface Admission {
  /**
   * The merchant_uid the request names when it is not the verification's own (a webhook's body with an
   * imp_uid): only looked up, to know whether the work can matter, never used to decide anything.
   */
  orderHint?: string;
  /** The sender is one we trust (a webhook from an allowed address): queue what it names as is. */
  vouched?: boolean;
}

export type EntryOutcome =
  | Exclude<VerifyOutcome, { kind: 'retry_later' }>
  | { kind: 'queued'; reason: string }
  | { kind: 'order_not_held'; reason: string }
  /**
   * Neither decided nor queued. `ownCheck`: the order awaits its result, so its own lost-result check
   * (queued at registration, due in the sweeper's index) settles the payment without this message.
   */
  | { kind: 'queue_failed'; reason: string; ownCheck: boolean };

/**
 * What every entry point does: verify now, or, when Iamport cannot be asked, hand the work to the
 * retry queue so that the answer "pending" is a promise the system keeps.
 *
 * The public routes are open to anyone, and each retry costs an Iamport call on the shop's one key,
 * so work is queued only where it can matter (docs/decisions.md, "Admission to the retry queue"):
 * a request naming an order we do not hold is not queued; an id naming no order (an imp_uid alone,
 * from a sender we cannot vouch for) is queued for a few retries only. Nothing is lost by that:
 * every order we hold has its own lost-result check, which finds its payment by merchant_uid.
 */
export async function verifyOrQueue(
  deps: VerifyOrQueueDeps,
  request: VerifyRequest,
  admission: Admission = {},
): Promise<EntryOutcome> {
  const outcome = await verifyPayment(deps, request);
  if (outcome.kind !== 'retry_later') return outcome;
  const named = request.merchantUid ?? admission.orderHint;
  const order = named === undefined ? undefined : await heldOrder(deps, named);
  const held = order === undefined ? undefined : order !== null;
  if (held === false) return { kind: 'order_not_held', reason: outcome.reason };
  const message: RetryMessage = {
    ...(request.merchantUid ? { merchant_uid: request.merchantUid } : {}),
    ...(request.impUid ? { imp_uid: request.impUid } : {}),
    reason: 'iamport_unavailable',
    attempt: 1,
    ...(held === undefined && !admission.vouched ? { speculative: true } : {}),
  };
  try {
    await deps.queue.send(message, deps.retryBaseSeconds);
    return { kind: 'queued', reason: outcome.reason };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      kind: 'queue_failed',
      reason: `${outcome.reason}; enqueue failed: ${message}`,
      ownCheck: order !== null && order !== undefined && awaitsResult(order.status),
    };
  }
}

/**
 * The order, `null` when we hold none, `undefined` when the store cannot say (it failed too): the work
 * is then queued as speculative.
 */
async function heldOrder(deps: VerifyOrQueueDeps, merchantUid: string): Promise<Order | null | undefined> {
  try {
    return (await deps.orders.get(merchantUid)) ?? null;
  } catch {
    return undefined;
  }
}
