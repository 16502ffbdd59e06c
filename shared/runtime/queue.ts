import { SQSClient } from '@aws-sdk/client-sqs';
import type { Config } from '../config';
import { createSqsRetryQueue } from '../queue/SqsRetryQueue';
import type { RetryQueue } from '../queue/types';

/** The retry queue as configured: SQS by URL. */
export function createRetryQueueFromConfig(config: Pick<Config, 'retryQueueUrl'>): RetryQueue {
  return createSqsRetryQueue({ sqs: new SQSClient({}), queueUrl: config.retryQueueUrl });
}
