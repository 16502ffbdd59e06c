import * as v from 'valibot';
import { impUidSchema, merchantUidSchema } from '../identifiers';
import { count } from '../validation';

export const retryReasons = ['iamport_unavailable', 'lost_result_check', 'sweep'] as const;

/**
 * A unit of reconciliation work (docs/design.md §6). At least one identifier: an entry point that
 * only knew an imp_uid when Iamport was down cannot know the merchant_uid yet. With an imp_uid present, the
 * merchant_uid is only a label; the payment's own merchant_uid decides which order moves.
 */
export const retryMessageSchema = v.pipe(
  v.object({
    // The entry points' own rules: a message no request could have produced is malformed.
    merchant_uid: v.optional(merchantUidSchema),
    imp_uid: v.optional(impUidSchema),
    reason: v.picklist(retryReasons),
    attempt: v.pipe(count, v.maxValue(1000)),
    /** Unix seconds before which the work must not run: waits beyond SQS's 900 s cap are re-enqueued. */
    not_before: v.optional(count),
    /**
     * Public-route work whose ids named no order we hold (an imp_uid alone, from an unvouched sender):
     * retried a few times only, then dropped, not dead-lettered (shared/payments/verifyOrQueue.ts).
     */
    speculative: v.optional(v.literal(true)),
  }),
  v.check(
    (message) => message.merchant_uid !== undefined || message.imp_uid !== undefined,
    'merchant_uid or imp_uid is required',
  ),
);
export type RetryMessage = v.InferOutput<typeof retryMessageSchema>;

/** The retry queue as the domain needs it; SQS when deployed, a local queue server for `npm start`. */
export interface RetryQueue {
  /** Resolves once the queue has durably accepted the message; rejects otherwise. */
  send(message: RetryMessage, delaySeconds: number): Promise<void>;
}

/** SQS caps a message delay at 15 minutes; longer waits are re-enqueued by the consumer. */
export const MAX_DELAY_SECONDS = 900;
