import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { type EventSource, type LocalSqs, startEventSource, startLocalSqs } from './sqs';

export interface LocalQueues {
  sqs: LocalSqs;
  retryQueueUrl: string;
  retryDlqUrl: string;
  /** Starts feeding the retry queue to the consumer (once the functions are up). */
  startConsumer(invoke: (event: SQSEvent) => Promise<unknown>): EventSource;
  close(): Promise<void>;
}

interface QueueResource {
  Type?: string;
  Properties?: { VisibilityTimeout?: number; RedrivePolicy?: { maxReceiveCount?: number } };
}

/**
 * The retry queue and its dead-letter queue as `serverless.yml` declares them (visibility timeout,
 * redrive after maxReceiveCount), on the local SQS look-alike.
 */
export async function startLocalQueues(
  port: number,
  host: string,
  resources: Record<string, unknown>,
): Promise<LocalQueues> {
  const sqs = await startLocalSqs({ port, host });
  const retry = (resources.RetryQueue ?? {}) as QueueResource;
  const dlqUrl = await sqs.createQueue('retry-dlq');
  const retryQueueUrl = await sqs.createQueue('retry', {
    VisibilityTimeout: String(retry.Properties?.VisibilityTimeout ?? 120),
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: 'arn:aws:sqs:ap-northeast-2:000000000000:retry-dlq',
      maxReceiveCount: retry.Properties?.RedrivePolicy?.maxReceiveCount ?? 8,
    }),
  });
  const client = new SQSClient({
    endpoint: sqs.endpoint,
    region: 'ap-northeast-2',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const sources: EventSource[] = [];
  return {
    sqs,
    retryQueueUrl,
    retryDlqUrl: dlqUrl,
    startConsumer(invoke) {
      const source = startEventSource({
        sqs: client,
        queueUrl: retryQueueUrl,
        batchSize: 10,
        waitTimeSeconds: 1,
        // The event source validates the answer at run time, as Lambda does.
        invoke: (event) => invoke(event) as Promise<SQSBatchResponse | undefined>,
        onError: (error) => console.error('[retry-consumer]', error instanceof Error ? error.message : error),
      });
      sources.push(source);
      return source;
    },
    async close() {
      await Promise.allSettled(sources.map((source) => source.stop()));
      client.destroy();
      await sqs.close();
    },
  };
}
