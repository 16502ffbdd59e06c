import { SQSClient } from '@aws-sdk/client-sqs';
import type { Config } from '../config';
import { createSqsDeadLetterSink, createSqsRetryQueue } from '../queue/SqsRetryQueue';
import { clientOptions } from './clientOptions';

/**
 * The SQS client and its adapters. Its own module, imported by `./queue` when the first queue is built:
 * a dynamic import of our ESM module (not of the SDK's CommonJS package) reads the same in a bundle,
 * split or not, and under the test runner.
 */
export function sqsAdapters(
  config: Pick<Config, 'sqsEndpoint'> & Partial<Pick<Config, 'awsRequestTimeoutMs'>>,
) {
  const sqs = new SQSClient(clientOptions(config.sqsEndpoint, config.awsRequestTimeoutMs));
  return {
    retryQueue: (queueUrl: string) => createSqsRetryQueue({ sqs, queueUrl }),
    deadLetterSink: (queueUrl: string) => createSqsDeadLetterSink({ sqs, queueUrl }),
  };
}
