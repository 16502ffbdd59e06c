import { randomBytes } from 'node:crypto';
import { demoApiKey, demoApiSecret } from '../../sandbox/index';
import { type Child, startChild } from './child';
import { type Delivery, startDelivery } from './delivery';
import type { Infra, InfraInfo } from './infra';

export type SutKind = 'ours' | 'reference';

export interface SutOptions {
  kind: SutKind;
  fn: 'complete' | 'webhook';
  /** Ours only: deliver order events to the infra's recording receiver (a signed merchant webhook). */
  eventTarget?: boolean;
  /**
   * With an event target: the stream holds its records while the requests are timed and hands them
   * to the delivery function after (deployed, the stream's consumer runs outside the request's machine;
   * here it would share its two cores).
   */
  holdStream?: boolean;
}

export type Sut = Child<Record<string, never>, { url: string }> & {
  /** With an event target: the stream's consumer (the delivery function's child), shared by such servers. */
  delivery?: Delivery;
  /** With an event target: holds the stream's records (true) or hands them out again (false). */
  holdStream?: (held: boolean) => Promise<void>;
};

/**
 * The infra whose stream each server with an event target writes to, by server URL. Events leave
 * after the request (the stream), so a load is over once what it caused was delivered: `drive`
 * waits here after timing its requests.
 */
const streams = new Map<string, Infra>();

/** Resolves once the events caused by requests to `url` so far were delivered (at once without a stream). */
export async function deliveredAfter(url: string): Promise<void> {
  await streams.get(url)?.call('settled', null);
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

/** The stream's one consumer per infra (one stream, one event source mapping), while a server needs it. */
const consumers = new Map<Infra, { delivery: Promise<Delivery>; users: number }>();

async function useConsumer(infra: Infra): Promise<{ delivery: Delivery; release: () => Promise<void> }> {
  let entry = consumers.get(infra);
  if (!entry) {
    const delivery = startDelivery(functionEnv(infra.info, true)).then(async (child) => {
      await infra.call('consumeWith', child.info.url);
      return child;
    });
    // A consumer that failed to start is not kept for the next server to reuse.
    delivery.catch(() => consumers.delete(infra));
    entry = { delivery, users: 0 };
    consumers.set(infra, entry);
  }
  entry.users += 1;
  const using = entry;
  const delivery = await using.delivery;
  return {
    delivery,
    release: async () => {
      using.users -= 1;
      if (using.users > 0) return;
      consumers.delete(infra);
      // Nothing may be left for it: what was written so far is delivered before it goes.
      await infra.call('settled', null);
      await delivery.stop();
    },
  };
}

/**
 * Starts the server under test. With an event target (ours), its events leave through the infra's
 * stream, whose consumer is the delivery function in a child of its own (`delivery.ts`), as deployed.
 * The server's DynamoDB is the infra's dynalite, unless `wrap` puts something in front (a counting
 * proxy that forwards to it).
 */
export async function startSut(
  infra: Infra,
  options: SutOptions,
  wrap: (endpoint: string) => Promise<string> = async (endpoint) => endpoint,
): Promise<Sut> {
  const eventTarget = options.kind === 'ours' && (options.eventTarget ?? false);
  const env = functionEnv(infra.info, eventTarget);
  const consumer = eventTarget ? await useConsumer(infra) : undefined;
  const dynamoEndpoint = await wrap(infra.info.dynamoEndpoint);
  const sut = await startChild<Record<string, never>, { url: string }>('bench/servers/main.ts', {
    ...env,
    DYNAMODB_ENDPOINT: dynamoEndpoint,
    BENCH_SUT: options.kind,
    BENCH_FUNCTION: options.fn,
  });
  if (!consumer) return sut;
  streams.set(sut.info.url, infra);
  return {
    ...sut,
    delivery: consumer.delivery,
    holdStream: async (held) => {
      await infra.call('hold', held);
    },
    stop: async () => {
      streams.delete(sut.info.url);
      await sut.stop();
      // A run that failed while the stream was held must not leave its records waiting forever.
      await infra.call('hold', false);
      await consumer.release();
    },
  };
}

export function describeSut(options: SutOptions): string {
  if (options.kind === 'reference') return 'guide pattern (reference)';
  if (!options.eventTarget) return 'ours';
  return options.holdStream
    ? 'ours, with an event target, stream held while timed'
    : 'ours, with an event target';
}
