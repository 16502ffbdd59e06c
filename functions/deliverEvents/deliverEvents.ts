import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context, DynamoDBBatchResponse } from 'aws-lambda';
import { type ChangeDeliveryDeps, deliverChanges } from '../../shared/events/deliverChanges';

/**
 * The delivery function (docs/design.md §6b): DynamoDB Streams on the orders table, filtered to changes
 * whose new image has an event waiting, hands it batches in shard order; it sends each changed order's
 * waiting events and answers which record to retry (ReportBatchItemFailures). Locally the change feed
 * (`local/changeFeed.ts`) invokes the same handler with records of the same shape.
 */
export function createDeliverEvents(deps: Omit<ChangeDeliveryDeps, 'onMalformed'>, logger: Logger) {
  // A DynamoDBStreamEvent; each record is validated where it is read (shared/events/changes.ts).
  return async function deliverEvents(
    event: { Records: readonly unknown[] },
    context?: Pick<Context, 'getRemainingTimeInMillis'>,
  ): Promise<DynamoDBBatchResponse> {
    const response = await deliverChanges(
      {
        ...deps,
        ...(context ? { timeLeftMs: () => context.getRemainingTimeInMillis() } : {}),
        onMalformed: (error) =>
          logger.error('not a change of an order item; skipped', {
            error: error instanceof Error ? error.message : String(error),
          }),
      },
      event.Records,
    );
    if (response.batchItemFailures.length > 0)
      logger.warn('events not delivered yet; the stream retries', { retry_from: response.batchItemFailures });
    return response;
  };
}
