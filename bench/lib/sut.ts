import { randomBytes } from 'node:crypto';
import { demoApiKey, demoApiSecret } from '../../sandbox/index';
import { type Child, startChild } from './child';
import { type Delivery, startDelivery } from './delivery';
import type { InfraInfo } from './infra';

export type SutKind = 'ours' | 'reference';

export interface SutOptions {
  kind: SutKind;
  fn: 'complete' | 'webhook';
  /** Ours only: deliver order events to the infra's recording receiver (a signed merchant webhook). */
  eventTarget?: boolean;
}

export type Sut = Child<Record<string, never>, { url: string }> & {
  /** With an event target: the stream and delivery child the server writes through. */
  delivery?: Delivery;
};

/**
 * Event deliveries still under way per server URL. Events leave after the request (the stream), so a
 * load is over once what it caused was delivered: `drive` waits here after timing its requests.
 */
const deliveries = new Map<string, Delivery>();

/** Resolves once the events caused by requests to `url` so far were delivered (at once without a stream). */
export async function deliveredAfter(url: string): Promise<void> {
  await deliveries.get(url)?.call('settled', null);
}

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

/**
 * Starts the server under test. With an event target (ours), also the stream's stand-in and the
 * delivery function in a child of their own (`delivery.ts`), as deployed: the server writes through
 * it, unless `dynamoEndpoint` names what sits in front (a counting proxy that forwards to it).
 */
export async function startSut(
  infra: InfraInfo,
  options: SutOptions,
  wrap: (endpoint: string) => Promise<string> = async (endpoint) => endpoint,
): Promise<Sut> {
  const eventTarget = options.kind === 'ours' && (options.eventTarget ?? false);
  const env = functionEnv(infra, eventTarget);
  const delivery = eventTarget ? await startDelivery(infra, env) : undefined;
  const dynamoEndpoint = await wrap(delivery?.info.endpoint ?? infra.dynamoEndpoint);
  const sut = await startChild<Record<string, never>, { url: string }>('bench/servers/main.ts', {
    ...env,
    DYNAMODB_ENDPOINT: dynamoEndpoint,
    BENCH_SUT: options.kind,
    BENCH_FUNCTION: options.fn,
  });
  if (!delivery) return sut;
  deliveries.set(sut.info.url, delivery);
  return {
    ...sut,
    delivery,
    stop: async () => {
      deliveries.delete(sut.info.url);
      await sut.stop();
      await delivery.stop();
    },
  };
}

export function describeSut(options: SutOptions): string {
  if (options.kind === 'reference') return 'guide pattern (reference)';
  return options.eventTarget ? 'ours, with an event target' : 'ours';
}
