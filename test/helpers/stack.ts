import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { createDeliverEvents } from '../../functions/deliverEvents/deliverEvents';
import { type ChangeFeed, startChangeFeed } from '../../local/changeFeed';
import {
  demoV2ApiSecret,
  demoV2StoreId,
  demoV2WebhookSecret,
  type SandboxHandle,
  startSandbox,
} from '../../sandbox';
import type { Config } from '../../shared/config';
import type { DispatchDeps } from '../../shared/events/dispatchOutbox';
import type { IamportApi, Payment } from '../../shared/iamport/types';
import { createLogger } from '../../shared/logger';
import type { OrderStore } from '../../shared/orders/store';
import type { VerifyOrQueueDeps } from '../../shared/payments/verifyOrQueue';
import type { RetryMessage, RetryQueue } from '../../shared/queue/types';
import { createPorts, type Ports } from '../../shared/runtime/deps';
import { createDispatchDeps } from '../../shared/runtime/events';
import { verifyDeps, verifyPorts } from '../../shared/runtime/flows';
import { RecordingTarget } from './recordingTarget';
import { testConfig } from './testConfig';

/** A queue that keeps what it was given; `failing` makes it refuse like an unreachable SQS. */
export class RecordingQueue implements RetryQueue {
  readonly sent: { message: RetryMessage; delaySeconds: number }[] = [];
  failing = false;
  async send(message: RetryMessage, delaySeconds: number): Promise<void> {
    if (this.failing) throw new Error('queue unreachable');
    this.sent.push({ message, delaySeconds });
  }
}

export interface TestStack {
  sandbox: SandboxHandle;
  config: Config;
  iamport: IamportApi;
  orders: OrderStore;
  queue: RecordingQueue;
  /** Every order event the verifications sent (order events are on, as deployed). */
  events: RecordingTarget;
  /** The dispatcher over `events` and the table's outbox, as the sweeper gets it. */
  dispatch: DispatchDeps;
  /**
   * The orders table's change feed (DynamoDB Streams' stand-in) feeding the delivery function, wired
   * as deployed: the stack's DynamoDB clients write through it.
   */
  feed: ChangeFeed;
  /** Resolves once every change so far reached the delivery function (its events sent or failed). */
  delivered(): Promise<void>;
  deps: VerifyOrQueueDeps;
  /** The ports as built (or given), for stacks that wire more functions on the same ones. */
  ports: Pick<Ports, (typeof verifyPorts)[number]>;
  close(): Promise<void>;
}

export interface TestStackOptions {
  webhookUrl?: string;
  timeoutMs?: number;
  /** More of the configuration (reconcile timings, …), as the environment would set it. */
  env?: NodeJS.ProcessEnv;
  /** Instead of the recording queue (the reconcile stack gives the local SQS). */
  queue?: RetryQueue;
}

/** Retries of a refused record, kept short in tests (deployed: Lambda's, serverless.yml). */
const FEED_RETRY_DELAY_MS = 5;

/**
 * The real thing on loopback, wired as the deployed functions are (`createPorts`): the shared
 * dynalite, a fresh sandbox, our Iamport client over HTTP; the queue and the event target are the
 * test's own, so it can read what was sent.
 */
export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const sandbox = await startSandbox(options.webhookUrl ? { webhookUrl: options.webhookUrl } : {});
  const feed = await startChangeFeed({
    target: inject('dynamoEndpoint'),
    tables: [inject('ordersTable')],
    retryDelayMs: FEED_RETRY_DELAY_MS,
    onFailure: () => undefined,
  });
  const config = testConfig({
    DYNAMODB_ENDPOINT: feed.endpoint,
    IAMPORT_BASE_URL: sandbox.url,
    // PortOne V2 beside V1, on the same sandbox (its second port).
    PORTONE_BASE_URL: sandbox.v2Url,
    PORTONE_API_SECRET: demoV2ApiSecret,
    PORTONE_STORE_ID: demoV2StoreId,
    PORTONE_WEBHOOK_SECRETS: demoV2WebhookSecret,
    PORTONE_TIMEOUT_MS: String(options.timeoutMs ?? 2000),
    IAMPORT_TIMEOUT_MS: String(options.timeoutMs ?? 2000),
    RETRY_BASE_SECONDS: '1',
    ...options.env,
  });
  const logger = createLogger('test');
  const queue = new RecordingQueue();
  const events = new RecordingTarget();
  const dispatch = createDispatchDeps(config, [events], logger);
  const ports = await createPorts(config, verifyPorts, {
    queue: options.queue ?? queue,
    dispatch,
  });
  feed.start(createDeliverEvents({ ...dispatch, orders: ports.orders }, logger));
  return {
    sandbox,
    config,
    iamport: ports.iamport,
    orders: ports.orders,
    queue,
    events,
    dispatch,
    feed,
    delivered: () => feed.settled(),
    deps: verifyDeps(config, ports),
    ports,
    close: async () => {
      await feed.settled();
      await ports.close();
      await feed.close();
      await sandbox.close();
    },
  };
}

export function uniqueMerchantUid(prefix = 'order'): string {
  return `${prefix}_${randomUUID().slice(0, 18)}`;
}

export interface SandboxPaymentInput {
  merchant_uid: string;
  amount: number;
  status?: 'paid' | 'ready' | 'failed';
  pay_method?: string;
  currency?: string;
  sandbox?: boolean;
  notify?: boolean;
  webhook_format?: 'json' | 'form';
}

/** Through the sandbox's control API, as if a buyer finished the payment window. */
export async function payInSandbox(sandbox: SandboxHandle, input: SandboxPaymentInput): Promise<Payment> {
  const response = await fetch(`${sandbox.url}/__sandbox/payments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ notify: false, ...input }),
  });
  if (response.status !== 201)
    throw new Error(`sandbox refused the payment: ${response.status} ${await response.text()}`);
  return (await response.json()) as Payment;
}

export async function sandboxControl(sandbox: SandboxHandle, path: string, body?: unknown, method = 'POST') {
  const response = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

export async function sandboxRequests(
  sandbox: SandboxHandle,
): Promise<{ method: string; path: string; status: number }[]> {
  const response = await fetch(`${sandbox.url}/__sandbox/requests`);
  return (await response.json()) as { method: string; path: string; status: number }[];
}
