import type { Config } from '../config';
import type { VerifyOrQueueDeps } from '../payments/verifyOrQueue';
import { createOrderStoreFromConfig } from './dynamo';
import { createIamportFromConfig } from './iamport';
import { createRetryQueueFromConfig } from './queue';

/** Everything a verifying entry point needs, built once per cold start. */
export async function createVerifyOrQueueDeps(config: Config): Promise<VerifyOrQueueDeps> {
  return {
    iamport: await createIamportFromConfig(config),
    orders: createOrderStoreFromConfig(config),
    queue: createRetryQueueFromConfig(config),
    acceptSandboxPayments: config.acceptSandboxPayments,
    retryBaseSeconds: config.retryBaseSeconds,
  };
}
