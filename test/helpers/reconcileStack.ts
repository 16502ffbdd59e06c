import { SQSClient as Client, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { createRetryConsumer } from '../../functions/retryConsumer/retryConsumer';
import { createSweeper } from '../../functions/sweeper/sweeper';
import { startEventSource } from '../../local/sqs/eventSource';
import { startLocalSqs } from '../../local/sqs/server';
import { createLogger } from '../../shared/logger';
import { createSqsDeadLetterSink, createSqsRetryQueue } from '../../shared/queue/SqsRetryQueue';
import type { ReconcileDeps } from '../../shared/reconcile/processRetryMessage';
import type { ReconcileSettings } from '../../shared/reconcile/schedule';
import { reconcileDeps as buildReconcileDeps } from '../../shared/runtime/flows';
import { lambdaContext } from './invoke';
import { queueDepth } from './queueDepth';
import { startTestStack, type TestStack } from './stack';

export interface ReconcileStack extends TestStack {
  sqs: SQSClient;
  queueUrl: string;
  dlqUrl: string;
  reconcileDeps: ReconcileDeps;
  sweep: ReturnType<typeof createSweeper>;
  /** Messages waiting in a queue, visible or not. */
  depth(queueUrl: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * The whole reconciliation loop on loopback: dynalite, the sandbox, the local SQS with a DLQ and
 * redrive, and the consumer fed by a local event source mapping, with short timings.
 */
export async function startReconcileStack(
  settings: ReconcileSettings,
  options: { webhookUrl?: string; timeoutMs?: number; maxReceiveCount?: number } = {},
): Promise<ReconcileStack> {
  const local = await startLocalSqs({ port: 0 });
  const sqs = new Client({
    endpoint: local.endpoint,
    region: 'ap-northeast-2',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const dlqUrl = await local.createQueue('retry-dlq');
  const queueUrl = await local.createQueue('retry', {
    VisibilityTimeout: '5',
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: 'arn:aws:sqs:ap-northeast-2:000000000000:retry-dlq',
      maxReceiveCount: options.maxReceiveCount ?? 3,
    }),
  });
  const queue = createSqsRetryQueue({ sqs, queueUrl });
  // Entry points in these tests enqueue to the real local queue, not a recording one.
  const base = await startTestStack({
    ...options,
    queue,
    env: {
      RECONCILE_AFTER_SECONDS: String(settings.reconcileAfterSeconds),
      RECONCILE_MAX_AGE_SECONDS: String(settings.reconcileMaxAgeSeconds),
      RETRY_BASE_SECONDS: String(settings.retryBaseSeconds),
    },
  });
  const reconcileDeps: ReconcileDeps = buildReconcileDeps(base.config, {
    ...base.ports,
    deadLetters: createSqsDeadLetterSink({ sqs, queueUrl: dlqUrl }),
  });
  const logger = createLogger('test-reconcile');
  const consumer = createRetryConsumer(reconcileDeps, logger);
  const source = startEventSource({
    sqs,
    queueUrl,
    batchSize: 10,
    waitTimeSeconds: 1,
    invoke: (event: SQSEvent) => consumer(event, lambdaContext('retryConsumer')),
  });
  const sweep = createSweeper({ orders: base.orders, queue, events: base.dispatch }, logger);
  return {
    ...base,
    sqs,
    queueUrl,
    dlqUrl,
    reconcileDeps,
    sweep,
    depth: (url: string) => queueDepth(sqs, url),
    async close() {
      await source.stop();
      sqs.destroy();
      await local.close();
      await base.close();
    },
  };
}

/** Polls until `check` returns a value (not undefined) or the deadline passes. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 15_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
