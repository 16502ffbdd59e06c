/**
 * Lambda's SQS event source mapping, locally: long-poll a queue, hand each batch to the handler as a
 * real-shaped SQSEvent, and delete what succeeded (ReportBatchItemFailures semantics). Works against
 * any SQS endpoint, so the same consumer code runs on loopback and against AWS.
 */

import { setTimeout as sleep } from 'node:timers/promises';
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { z } from 'zod';

export interface EventSourceOptions {
  sqs: SQSClient;
  queueUrl: string;
  /** The event's eventSourceARN; asked of the queue (GetQueueAttributes) when not given. */
  queueArn?: string;
  /** 1–10 (one ReceiveMessage call per batch). */
  batchSize?: number;
  waitTimeSeconds?: number;
  // biome-ignore lint/suspicious/noConfusingVoidType: the SQSHandler return type, so real handlers fit as-is.
  invoke: (event: SQSEvent) => Promise<SQSBatchResponse | void>;
  /** Receive/delete failures and handler errors; the loop carries on. Defaults to console.error. */
  onError?: (error: unknown) => void;
}

export interface EventSource {
  /** Ends a pending long poll at once; a batch already handed to `invoke` is finished (and deleted) first. */
  stop(): Promise<void>;
}

const backoffMs = 500;

// What Lambda accepts back: null/empty means all succeeded; a bad or unknown identifier fails the batch.
const batchResponseSchema = z.object({
  batchItemFailures: z.array(z.object({ itemIdentifier: z.string().min(1) })).nullish(),
});

/** Message ids to keep on the queue, or 'all' when the response is one Lambda rejects as a whole. */
function failedIds(response: unknown, batch: ReadonlySet<string>): Set<string> | 'all' {
  if (typeof response !== 'object' || response === null) return new Set();
  const parsed = batchResponseSchema.safeParse(response);
  if (!parsed.success) return 'all';
  const ids = (parsed.data.batchItemFailures ?? []).map((failure) => failure.itemIdentifier);
  return ids.every((id) => batch.has(id)) ? new Set(ids) : 'all';
}

function toRecord(message: Message, eventSourceARN: string, awsRegion: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? '',
      SenderId: attributes.SenderId ?? '',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? '',
      ...(attributes.AWSTraceHeader && { AWSTraceHeader: attributes.AWSTraceHeader }),
      ...(attributes.DeadLetterQueueSourceArn && {
        DeadLetterQueueSourceArn: attributes.DeadLetterQueueSourceArn,
      }),
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN,
    awsRegion,
  };
}

export function startEventSource(options: EventSourceOptions): EventSource {
  const { sqs, queueUrl, invoke, batchSize = 10, waitTimeSeconds = 1 } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10) {
    throw new RangeError(`batchSize must be an integer from 1 to 10, got ${batchSize}`);
  }
  const stopping = new AbortController();
  const report = (error: unknown): void => {
    try {
      (options.onError ?? ((e: unknown) => console.error('[local-sqs event source]', e)))(error);
    } catch {
      // A throwing onError must not end the loop either.
    }
  };

  async function queueArn(): Promise<string> {
    if (options.queueArn) return options.queueArn;
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
      { abortSignal: stopping.signal },
    );
    if (!Attributes?.QueueArn) throw new Error(`${queueUrl} reported no QueueArn`);
    return Attributes.QueueArn;
  }

  async function handleBatch(messages: Message[], arn: string): Promise<void> {
    // arn:aws:sqs:<region>:<account>:<name>
    const region = arn.split(':')[3] || (await sqs.config.region());
    const event: SQSEvent = { Records: messages.map((message) => toRecord(message, arn, region)) };
    let response: unknown;
    try {
      response = await invoke(event);
    } catch (error) {
      // Like Lambda: nothing is deleted; the batch comes back once its visibility timeout ends.
      report(error);
      return;
    }
    const failed = failedIds(response, new Set(event.Records.map((record) => record.messageId)));
    if (failed === 'all') {
      report(new Error('invalid batchItemFailures in the handler response: the whole batch is retried'));
      return;
    }
    const done = event.Records.filter((record) => !failed.has(record.messageId));
    if (done.length === 0) return;
    // Not tied to `stopping`: work the handler finished must not be redelivered because of a stop.
    const result = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: done.map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle })),
      }),
    );
    for (const failure of result.Failed ?? []) {
      report(new Error(`delete failed for entry ${failure.Id}: ${failure.Code} ${failure.Message ?? ''}`));
    }
  }

  async function loop(): Promise<void> {
    let arn: string | undefined;
    while (!stopping.signal.aborted) {
      try {
        arn ??= await queueArn();
        const { Messages } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: batchSize,
            WaitTimeSeconds: waitTimeSeconds,
            MessageSystemAttributeNames: ['All'],
          }),
          { abortSignal: stopping.signal },
        );
        if (Messages && Messages.length > 0) await handleBatch(Messages, arn);
      } catch (error) {
        if (stopping.signal.aborted) break;
        report(error);
        await sleep(backoffMs, undefined, { signal: stopping.signal, ref: false }).catch(() => undefined);
      }
    }
  }

  const running = loop();
  return {
    async stop() {
      stopping.abort();
      await running;
    },
  };
}
