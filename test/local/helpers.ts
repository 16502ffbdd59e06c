import { createHash, randomUUID } from 'node:crypto';
import { GetQueueAttributesCommand, SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';
import { expect } from 'vitest';
import { startLocalSqs } from '../../local/sqs';

export const region = 'ap-northeast-2';

export function sqsClient(config: SQSClientConfig = {}): SQSClient {
  return new SQSClient({
    region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    ...config,
  });
}

/** A clock the tests move by hand: delays and visibility timeouts pass without waiting. */
export function testClock(start = Date.UTC(2026, 0, 1)) {
  let now = start;
  return {
    now: () => now,
    advance(seconds: number) {
      now += seconds * 1000;
    },
  };
}

export const uniqueName = (prefix = 'q'): string => `${prefix}-${randomUUID().slice(0, 8)}`;

export const md5 = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

/** Polls until `check` passes (it may throw or return false meanwhile). */
export async function eventually(check: () => unknown, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await check()) !== false) return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export async function counts(sqs: SQSClient, queueUrl: string) {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible),
    delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed),
  };
}

/** The rejection of `promise`, asserted to be one. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(Error);
  return error;
}

/** A local SQS on a free port with a hand-moved clock, and a client pointed at it. */
export async function startTestSqs() {
  const clock = testClock();
  const server = await startLocalSqs({ port: 0, now: clock.now });
  const sqs = sqsClient({ endpoint: server.endpoint });
  return {
    clock,
    server,
    sqs,
    async close() {
      sqs.destroy();
      await server.close();
    },
  };
}
