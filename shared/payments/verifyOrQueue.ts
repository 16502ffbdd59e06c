import type { RetryQueue } from '../queue/types';
import type { VerifyOutcome, VerifyRequest } from './types';
import { type VerifyDeps, verifyPayment } from './verifyPayment';

export interface VerifyOrQueueDeps extends VerifyDeps {
  queue: RetryQueue;
  retryBaseSeconds: number;
}

export type EntryOutcome =
  | Exclude<VerifyOutcome, { kind: 'retry_later' }>
  | { kind: 'queued'; reason: string }
  | { kind: 'queue_failed'; reason: string };

/**
 * What every entry point does: verify now, or, when Iamport cannot be asked, hand the work to the
 * retry queue so that the answer "pending" is a promise the system keeps.
 */
export async function verifyOrQueue(deps: VerifyOrQueueDeps, request: VerifyRequest): Promise<EntryOutcome> {
  const outcome = await verifyPayment(deps, request);
  if (outcome.kind !== 'retry_later') return outcome;
  try {
    await deps.queue.send(
      {
        ...(request.merchantUid ? { merchant_uid: request.merchantUid } : {}),
        ...(request.impUid ? { imp_uid: request.impUid } : {}),
        reason: 'iamport_unavailable',
        attempt: 1,
      },
      deps.retryBaseSeconds,
    );
    return { kind: 'queued', reason: outcome.reason };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { kind: 'queue_failed', reason: `${outcome.reason}; enqueue failed: ${message}` };
  }
}
