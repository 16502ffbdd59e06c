import { SQSClient } from '@aws-sdk/client-sqs';
import type { Config } from '../config';
import type { DeadLetterSink } from '../queue/deadLetters';
import { createSqsDeadLetterSink, createSqsRetryQueue } from '../queue/SqsRetryQueue';
import type { RetryQueue } from '../queue/types';

let client: SQSClient | undefined;

/** One SQS client per process; a local endpoint (the `npm start` queue server) gets placeholder keys. */
function sqsClient(config: Pick<Config, 'sqsEndpoint'>): SQSClient {
  client ??= config.sqsEndpoint
    ? new SQSClient({
        endpoint: config.sqsEndpoint,
        region: process.env.AWS_REGION ?? 'ap-northeast-2',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      })
    : new SQSClient({});
  return client;
}

/** The retry queue as configured. */
export function createRetryQueueFromConfig(
  config: Pick<Config, 'retryQueueUrl' | 'sqsEndpoint'>,
): RetryQueue {
  return createSqsRetryQueue({ sqs: sqsClient(config), queueUrl: config.retryQueueUrl });
}

/** The retry queue's dead-letter queue; only the consumer writes to it directly. */
export function createDeadLetterSinkFromConfig(
  config: Pick<Config, 'retryDlqUrl' | 'sqsEndpoint'>,
): DeadLetterSink {
  if (!config.retryDlqUrl) throw new Error('RETRY_DLQ_URL is required by the retry consumer');
  return createSqsDeadLetterSink({ sqs: sqsClient(config), queueUrl: config.retryDlqUrl });
}
