import { randomBytes } from 'node:crypto';
import { demoApiKey, demoApiSecret } from '../../sandbox/index';
import { type Child, startChild } from './child';
import type { InfraInfo } from './infra';

export type SutKind = 'ours' | 'reference';

export interface SutOptions {
  kind: SutKind;
  fn: 'complete' | 'webhook';
  /** Ours only: deliver order events to the infra's recording receiver (a signed merchant webhook). */
  eventTarget?: boolean;
}

export type Sut = Child<Record<string, never>, { url: string }>;

/** Nothing listens here: the retry queue is only used when Iamport is down, which never happens here. */
const UNUSED = 'http://127.0.0.1:9';

/**
 * The environment a deployed function gets, pointed at the benchmark's services: plain keys (no SSM
 * call), no EventBridge bus, and the merchant webhook only when asked for.
 */
export function functionEnv(infra: InfraInfo, eventTarget: boolean): NodeJS.ProcessEnv {
  return {
    STAGE: 'bench',
    AWS_REGION: 'ap-northeast-2',
    IAMPORT_BASE_URL: infra.sandboxUrl,
    IAMPORT_API_KEY: demoApiKey,
    IAMPORT_API_SECRET: demoApiSecret,
    ORDERS_TABLE: infra.ordersTable,
    DYNAMODB_ENDPOINT: infra.dynamoEndpoint,
    RETRY_QUEUE_URL: `${UNUSED}/000000000000/retry`,
    SQS_ENDPOINT: UNUSED,
    RESULT_PAGE_URL: `${UNUSED}/result`,
    EVENT_BUS_NAME: '',
    ...(eventTarget
      ? {
          MERCHANT_WEBHOOK_URL: infra.receiverUrl,
          MERCHANT_WEBHOOK_SECRET: `whsec_${randomBytes(32).toString('base64')}`,
        }
      : { MERCHANT_WEBHOOK_URL: '' }),
  };
}

export function startSut(infra: InfraInfo, options: SutOptions): Promise<Sut> {
  return startChild('bench/servers/main.ts', {
    ...functionEnv(infra, options.eventTarget ?? false),
    BENCH_SUT: options.kind,
    BENCH_FUNCTION: options.fn,
  });
}

export function describeSut(options: SutOptions): string {
  if (options.kind === 'reference') return 'guide pattern (reference)';
  return options.eventTarget ? 'ours, with an event target' : 'ours';
}
