import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DeadLetterSink } from './deadLetters';
import { MAX_DELAY_SECONDS, type RetryMessage, type RetryQueue } from './types';

/** RetryQueue on an SQS standard queue. */
export function createSqsRetryQueue({ sqs, queueUrl }: { sqs: SQSClient; queueUrl: string }): RetryQueue {
  return {
    async send(message: RetryMessage, delaySeconds: number): Promise<void> {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: JSON.stringify(message),
          DelaySeconds: Math.max(0, Math.min(MAX_DELAY_SECONDS, Math.floor(delaySeconds))),
        }),
      );
    },
  };
}

/** The dead-letter queue, written directly for messages that can never succeed. */
export function createSqsDeadLetterSink({
  sqs,
  queueUrl,
}: {
  sqs: SQSClient;
  queueUrl: string;
}): DeadLetterSink {
  return {
    async send(body: string): Promise<void> {
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    },
  };
}
