import * as z from 'zod/mini';
import { impUidSchema, merchantUidSchema } from '../identifiers';

export const retryReasons = ['iamport_unavailable', 'lost_result_check', 'sweep'] as const;

/**
 * A unit of reconciliation work (docs/design.md §6). At least one identifier: an entry point that
 * only knew an imp_uid when Iamport was down cannot know the merchant_uid yet. With an imp_uid present, the
 * merchant_uid is only a label; the payment's own merchant_uid decides which order moves.
 *
 * Built on first use (the consumer's first message): every function imports this module for its
 * constants, few ever read a message.
 */
export const retryMessageSchema = z.lazy(() =>
  z
    .object({
      // The entry points' own rules: a message no request could have produced is malformed.
      merchant_uid: z.optional(merchantUidSchema),
      imp_uid: z.optional(impUidSchema),
      reason: z.enum(retryReasons),
      attempt: z.int().check(z.nonnegative(), z.lte(1000)),
      /** Unix seconds before which the work must not run: waits beyond SQS's 900 s cap are re-enqueued. */
      not_before: z.optional(z.int().check(z.nonnegative())),
      /**
       * Public-route work whose ids named no order we hold (an imp_uid alone, from an unvouched sender):
       * retried a few times only, then dropped, not dead-lettered (shared/payments/verifyOrQueue.ts).
       */
      speculative: z.optional(z.literal(true)),
    })
    .check(
      z.refine((message) => message.merchant_uid !== undefined || message.imp_uid !== undefined, {
        message: 'merchant_uid or imp_uid is required',
      }),
    ),
);
export type RetryMessage = z.infer<typeof retryMessageSchema>;

/** The retry queue as the domain needs it; SQS when deployed, a local queue server for `npm start`. */
export interface RetryQueue {
  /** Resolves once the queue has durably accepted the message; rejects otherwise. */
  send(message: RetryMessage, delaySeconds: number): Promise<void>;
}

/** SQS caps a message delay at 15 minutes; longer waits are re-enqueued by the consumer. */
export const MAX_DELAY_SECONDS = 900;
