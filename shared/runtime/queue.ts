import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Config } from '../config';
import type { DeadLetterSink } from '../queue/deadLetters';
import type { RetryQueue } from '../queue/types';

type SqsConfig = Pick<Config, 'sqsEndpoint'>;
type SqsModule = typeof import('../queue/SqsRetryQueue');

let loaded: Promise<{ sqs: SQSClient; adapters: SqsModule }> | undefined;

/**
 * One SQS client per process; a local endpoint (the `npm start` queue server) gets placeholder keys.
 * Imported when the first queue is built (still within the cold start of a function that builds one),
 * so a function that never queues (the order view) never loads the SQS client.
 */
function sqs(config: SqsConfig) {
  loaded ??= Promise.all([import('@aws-sdk/client-sqs'), import('../queue/SqsRetryQueue')]).then(
    ([{ SQSClient }, adapters]) => ({
      sqs: config.sqsEndpoint
        ? new SQSClient({
            endpoint: config.sqsEndpoint,
            region: process.env.AWS_REGION ?? 'ap-northeast-2',
            credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
          })
        : new SQSClient({}),
      adapters,
    }),
  );
  return loaded;
}

/** The retry queue as configured. */
export function createRetryQueueFromConfig(
  config: Pick<Config, 'retryQueueUrl' | 'sqsEndpoint'>,
): RetryQueue {
  const queue = sqs(config).then(({ sqs, adapters }) =>
    adapters.createSqsRetryQueue({ sqs, queueUrl: config.retryQueueUrl }),
  );
  return { send: async (message, delaySeconds) => (await queue).send(message, delaySeconds) };
}

/** The retry queue's dead-letter queue; only the consumer writes to it directly. */
export function createDeadLetterSinkFromConfig(
  config: Pick<Config, 'retryDlqUrl' | 'sqsEndpoint'>,
): DeadLetterSink {
  const { retryDlqUrl } = config;
  if (!retryDlqUrl) throw new Error('RETRY_DLQ_URL is required by the retry consumer');
  const sink = sqs(config).then(({ sqs, adapters }) =>
    adapters.createSqsDeadLetterSink({ sqs, queueUrl: retryDlqUrl }),
  );
  return { send: async (body) => (await sink).send(body) };
}
