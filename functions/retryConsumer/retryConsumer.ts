import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as v from 'valibot';
import { type RetryMessage, retryMessageSchema } from '../../shared/queue/types';
import {
  type ProcessResult,
  processRetryMessage,
  type ReconcileDeps,
} from '../../shared/reconcile/processRetryMessage';

export interface RetryConsumerHooks {
  /** Told each message's result, after it is logged (tests and the chaos run count them here). */
  onResult?(result: ProcessResult, message: RetryMessage): void;
}

/**
 * The retry queue's consumer (docs/design.md §6): each record is one verification or lost-result check.
 * Records fail one by one (partial batch response), so one bad message never replays its batch.
 */
export function createRetryConsumer(
  deps: ReconcileDeps,
  logger: Logger,
  now: () => Date = () => new Date(),
  hooks: RetryConsumerHooks = {},
) {
  const processor = new BatchProcessor(EventType.SQS);

  async function processRecord(record: SQSRecord): Promise<void> {
    const message = parseMessage(record.body);
    if (!message) {
      // It can never succeed: straight to the dead-letter queue, not eight receives first.
      logger.error('malformed retry message sent to the dead-letter queue', { messageId: record.messageId });
      await deps.deadLetters.send(record.body);
      return;
    }
    const result = await processRetryMessage(deps, message, now());
    logger.info('retry message processed', {
      merchant_uid: message.merchant_uid,
      imp_uid: message.imp_uid,
      reason: message.reason,
      attempt: message.attempt,
      result: result.kind,
      ...('status' in result ? { status: result.status } : {}),
    });
    if (result.kind === 'dead_lettered')
      logger.error('retries exhausted; message dead-lettered', { ...message });
    if (result.kind === 'abandoned')
      logger.warn('speculative retry dropped: its ids named no order we hold', { ...message });
    hooks.onResult?.(result, message);
  }

  return async function retryConsumer(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
    logger.addContext(context);
    return processPartialResponse(event, processRecord, processor, {
      context,
      throwOnFullBatchFailure: false,
    });
  };
}

function parseMessage(body: string) {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  const parsed = v.safeParse(retryMessageSchema, json);
  return parsed.success ? parsed.output : undefined;
}
