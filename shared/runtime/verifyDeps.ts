import type { Logger } from '@aws-lambda-powertools/logger';
import type { Config } from '../config';
import type { VerifyOrQueueDeps } from '../payments/verifyOrQueue';
import { createOrderStoreFromConfig } from './dynamo';
import { createEventTargetsFromConfig, createOrderEventsFromConfig } from './events';
import { createIamportFromConfig } from './iamport';
import { createRetryQueueFromConfig } from './queue';

/** Everything a verifying entry point needs, built once per cold start. */
export async function createVerifyOrQueueDeps(config: Config, logger: Logger): Promise<VerifyOrQueueDeps> {
  // Both read SSM at a cold start: side by side, not one after the other.
  const [targets, iamport] = await Promise.all([
    createEventTargetsFromConfig(config, logger),
    createIamportFromConfig(config),
  ]);
  const events = createOrderEventsFromConfig(config, targets, logger);
  return {
    iamport,
    orders: createOrderStoreFromConfig(config, { recordEvents: targets.length > 0 }),
    ...(events ? { events } : {}),
    queue: createRetryQueueFromConfig(config),
    acceptSandboxPayments: config.acceptSandboxPayments,
    retryBaseSeconds: config.retryBaseSeconds,
  };
}
