import { inject } from 'vitest';
import { demoApiKey, demoApiSecret } from '../../sandbox';
import { type Config, loadConfig } from '../../shared/config';

/**
 * A configuration as a deployed function reads it, on the test run's dynalite (the order table the
 * global setup created), with the sandbox's demo keys; `env` sets the rest (the sandbox's URL, …).
 * Ports a test gives itself (a recording queue, its own event target) are passed to `createPorts`.
 */
export function testConfig(env: NodeJS.ProcessEnv = {}): Config {
  return loadConfig({
    STAGE: 'test',
    ORDERS_TABLE: inject('ordersTable'),
    DYNAMODB_ENDPOINT: inject('dynamoEndpoint'),
    // Never reached: every test stack gives its own queue (recording, or the local SQS).
    RETRY_QUEUE_URL: 'http://127.0.0.1:9/unused',
    RESULT_PAGE_URL: 'https://shop.test.kr/payments/result',
    IAMPORT_API_KEY: demoApiKey,
    IAMPORT_API_SECRET: demoApiSecret,
    ...env,
  });
}
