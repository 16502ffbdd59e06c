import type { Config } from '../config';
import type { DeadLetterSink } from '../queue/deadLetters';
import type { RetryQueue } from '../queue/types';

type SqsAdapters = ReturnType<typeof import('./sqs').sqsAdapters>;

let adapters: Promise<SqsAdapters> | undefined;

/**
 * One SQS client per process, imported when the first queue is built (still within the cold start of
 * a function that builds one), so a function that never queues (the order view) never loads it.
 */
function sqs(
  config: Pick<Config, 'sqsEndpoint'> & Partial<Pick<Config, 'awsRequestTimeoutMs'>>,
): Promise<SqsAdapters> {
  adapters ??= import('./sqs').then(({ sqsAdapters }) => sqsAdapters(config));
  return adapters;
}

/** The retry queue as configured. */
export function createRetryQueueFromConfig(
  config: Pick<Config, 'retryQueueUrl' | 'sqsEndpoint'> & Partial<Pick<Config, 'awsRequestTimeoutMs'>>,
): RetryQueue {
  const queue = sqs(config).then((sqs) => sqs.retryQueue(config.retryQueueUrl));
  return { send: async (message, delaySeconds) => (await queue).send(message, delaySeconds) };
}

/** The retry queue's dead-letter queue; only the consumer writes to it directly. */
export function createDeadLetterSinkFromConfig(
  config: Pick<Config, 'retryDlqUrl' | 'sqsEndpoint'> & Partial<Pick<Config, 'awsRequestTimeoutMs'>>,
): DeadLetterSink {
  const { retryDlqUrl } = config;
  if (!retryDlqUrl) throw new Error('RETRY_DLQ_URL is required by the retry consumer');
  const sink = sqs(config).then((sqs) => sqs.deadLetterSink(retryDlqUrl));
  return { send: async (body) => (await sink).send(body) };
}
