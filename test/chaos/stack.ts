import { Logger, type LogItem } from '@aws-lambda-powertools/logger';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, SQSEvent } from 'aws-lambda';
import { Pool } from 'undici';
import { createCompleteHandler } from '../../functions/complete/complete';
import { createCreateOrderHandler } from '../../functions/createOrder/createOrder';
import { createDeliverEvents } from '../../functions/deliverEvents/deliverEvents';
import { createLedgerCheckHandler } from '../../functions/ledgerCheck/ledgerCheck';
import { createMobileHandler } from '../../functions/mobile/mobile';
import { createRetryConsumer } from '../../functions/retryConsumer/retryConsumer';
import { createSweeper } from '../../functions/sweeper/sweeper';
import { createV2WebhookHandler } from '../../functions/webhook/v2Webhook';
import { createWebhookHandler } from '../../functions/webhook/webhook';
import { startChangeFeed } from '../../local/changeFeed';
import { type EventSource, startEventSource, startLocalSqs } from '../../local/sqs';
import {
  demoApiKey,
  demoApiSecret,
  demoV2ApiSecret,
  demoV2StoreId,
  demoV2WebhookSecret,
  type SandboxHandle,
  startSandbox,
} from '../../sandbox/index';
import { loadConfig } from '../../shared/config';
import {
  type DispatchDeps,
  OUTBOX_GRACE_SECONDS,
  OUTBOX_MAX_BACKOFF_SECONDS,
} from '../../shared/events/dispatchOutbox';
import { createEventBridgeTarget } from '../../shared/events/eventBridgeTarget';
import { sweepOutbox } from '../../shared/events/sweepOutbox';
import { createWebhookTarget } from '../../shared/events/webhookTarget';
import { createIamportClient, type IamportClient } from '../../shared/iamport';
import type { LedgerRun } from '../../shared/ledger/checkLedger';
import { createDynamoCheckpointStore } from '../../shared/ledger/checkpoint';
import type { OrderStore } from '../../shared/orders/store';
import type { OrderApi } from '../../shared/orders/types';
import { verifyPayment } from '../../shared/payments/verifyPayment';
import { iamportProvider } from '../../shared/providers/iamportProvider';
import { portoneProvider } from '../../shared/providers/portoneProvider';
import { createSqsDeadLetterSink, createSqsRetryQueue } from '../../shared/queue/SqsRetryQueue';
import type { RetryQueue } from '../../shared/queue/types';
import { type ReconcileSettings, SWEEP_LEASE_SECONDS } from '../../shared/reconcile/schedule';
import { clientOptions } from '../../shared/runtime/clientOptions';
import { createPorts } from '../../shared/runtime/deps';
import { createOrderStoreFromConfig, documentClient } from '../../shared/runtime/dynamo';
import { createDispatchDeps, EVENT_SOURCE } from '../../shared/runtime/events';
import {
  reconcileDeps as buildReconcileDeps,
  registerDeps,
  verifyDeps,
  verifyPorts,
} from '../../shared/runtime/flows';
import { createPortOneFromConfig } from '../../shared/runtime/portone';
import { invoker, lambdaContext } from '../helpers/invoke';
import { serveHandlers } from '../helpers/lambdaHttp';
import { queueDepth } from '../helpers/queueDepth';
import { type AwsFaultProxy, dynamoFaultMix, sqsFaultMix, startAwsFaultProxy } from './awsFaultProxy';
import { CrashInjector, InvocationKilled } from './crashes';
import { type EventSink, flakyEventBridge, startFlakyReceiver } from './eventFaults';
import { Random } from './random';
import { Tally } from './tally';

export { Tally };

/**
 * A Powertools logger that keeps every line the functions print (the run checks them for secrets and
 * buyer data), counts what they log as errors, and shows warnings and errors only when `verbose`.
 */
export class CountingLogger extends Logger {
  /** Every log line the functions printed, as JSON, INFO and above (the deployed level). */
  readonly lines: string[] = [];

  constructor(
    serviceName: string,
    readonly errors: Tally,
    private readonly verbose: boolean,
  ) {
    super({ serviceName, logLevel: 'INFO' });
  }

  protected override printLog(logLevel: number, log: LogItem): void {
    log.prepareForPrint();
    const line = JSON.stringify(log.getAttributes(), (_key, value: unknown) =>
      value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value,
    );
    this.lines.push(line);
    // 16: WARN in Powertools' thresholds.
    if (this.verbose && logLevel >= 16) console.error(line);
  }

  override error(...args: Parameters<Logger['error']>): void {
    const [input, ...extra] = args;
    const message = typeof input === 'string' ? input : String(input.message);
    const detail = extra.find(
      (item): item is { error: unknown } => typeof item === 'object' && item !== null && 'error' in item,
    );
    const cause = detail?.error instanceof Error ? `: ${detail.error.message}` : '';
    this.errors.add(`${message}${cause}`.slice(0, 160));
    super.error(input, ...extra);
  }
}

/** Shares of calls that fail at each dependency while faults are on; 0 switches a class off. */
export interface FaultRates {
  /** Iamport and PortOne V2 APIs (the sandbox's one fault sequence). */
  portone: number;
  dynamodb: number;
  sqs: number;
  /** The merchant's webhook receiver and EventBridge PutEvents. */
  events: number;
  /** Chance of a crash at each crash point an invocation passes. */
  crash: number;
  /** Chance that a received batch has one message made visible again while its consumer still runs. */
  redelivery: number;
}

export interface ChaosStackOptions {
  dynamoEndpoint: string;
  ordersTable: string;
  /** The ledger check's checkpoint table (`LedgerChecksTable`). */
  ledgerTable: string;
  /** serverless.yml's `RetryQueue` resource; its redrive count is used. */
  retryQueueResource?: unknown;
  /** The retry queue's visibility timeout here: the template's 120 s, scaled down with the other timings. */
  visibilityTimeoutSeconds: number;
  settings: ReconcileSettings;
  /** Deadline of one Iamport/PortOne call (`IAMPORT_TIMEOUT_MS`), of one DynamoDB/SQS attempt, and of one event delivery attempt. */
  timeoutMs: number;
  /** Pollers of the retry queue, as Lambda scales an SQS event source out. */
  consumers: number;
  /** Sockets per Iamport client: many Lambda instances at once, not one. */
  connections: number;
  sweepEveryMs: number;
  /** Seeds the fault draws of every dependency and the crash points. */
  seed: number;
  /** Print the functions' warnings and errors. */
  verbose?: boolean;
}

type HttpInvoke = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

export interface ChaosCounters {
  /** Queue sends, `who: reason`. */
  enqueued: Tally;
  /** The consumer's results per message (done, retry_scheduled, check_scheduled, expired, …). */
  consumerResults: Tally;
  /** Records handed to the consumer, records it reported failed, event-source errors. */
  consumer: Tally;
  sweeps: Tally;
  /** Every Iamport/PortOne API call the sandbox answered, by API and HTTP status (499: dropped while held). */
  apiStatuses: Tally;
  /** The same, only while faults were switched on. */
  apiStatusesUnderFaults: Tally;
  /** Calls the sandbox handled and then dropped the answer of (`lose_answer`), by API and path. */
  lostAnswers: Tally;
  /** What our webhook functions answered to the sandbox's deliveries, `v1 200`, `v2 500`, … */
  webhookAnswers: Tally;
  /** Errors the functions logged, by message. */
  loggedErrors: Tally;
  /** Failed Iamport/PortOne calls as the functions' clients saw them, by error. */
  iamportErrors: Tally;
  /** Retry-queue messages made visible again while their first consumer still ran. */
  redeliveries: Tally;
  /** The stream: records handed over, batches retried, records given up on (the on-failure queue). */
  stream: Tally;
  /** The outbox safety net: events the sweeper delivered. */
  safetyNet: Tally;
}

export interface ChaosStack {
  sandbox: SandboxHandle;
  /** The order table without faults, for the harness's own writes and the final checks. */
  orders: OrderStore;
  /** Where the merchant got order events: its webhook receiver and EventBridge. */
  sinks: readonly EventSink[];
  /** A separate client for the final checks (never shares a token or a pool with the functions). */
  checker: IamportClient;
  complete: HttpInvoke;
  mobile: HttpInvoke;
  completeV2: HttpInvoke;
  redirectV2: HttpInvoke;
  createOrder: HttpInvoke;
  /** One run of the ledger check over both APIs, as its schedule would start it. */
  ledgerCheck(): Promise<readonly { api: OrderApi; state: LedgerRun['state'] }[]>;
  queueUrl: string;
  dlqUrl: string;
  depth(queueUrl: string): Promise<number>;
  counters: ChaosCounters;
  crashes: CrashInjector;
  dynamoFaults: AwsFaultProxy;
  sqsFaults: AwsFaultProxy;
  logger: CountingLogger;
  /** Switches every fault class on (at `rates`) or off, and marks the window for the counters. */
  setFaults(rates: FaultRates | null): Promise<void>;
  /** Starts the outbox safety net: the sweeper's event half with its clock past the grace period. */
  startSafetyNet(): void;
  /**
   * One sweep with its clock past the 15-minute lease a sweep takes before it queues a check: for the
   * orders still waiting once the queue is empty (a sweep killed after its lease), time-scaled.
   */
  sweepPastLeases(): Promise<void>;
  /**
   * One outbox sweep with its clock past the safety net's longest backoff (6 h): for an event whose
   * deliveries failed while the faults were on, once they are off, time-scaled.
   */
  sweepPastBackoff(): Promise<void>;
  /** Moves the sandbox's request log into the counters now (it keeps only 10,000 entries). */
  collectRequests(): void;
  /** Resolves once every change so far reached the delivery function (the stream is idle). */
  delivered(): Promise<void>;
  close(): Promise<void>;
}

export const resultPageUrl = 'https://shop.example.com/payments/result';
/** The merchant's event webhook secret in the chaos run (a log line must never show it). */
export const merchantWebhookSecret = `whsec_${Buffer.from('chaos-merchant-webhook-key!').toString('base64')}`;

function countingQueue(inner: RetryQueue, who: string, tally: Tally): RetryQueue {
  return {
    async send(message, delaySeconds) {
      await inner.send(message, delaySeconds);
      tally.add(`${who}: ${message.reason}`);
    },
  };
}

/**
 * A client as the functions see it, counting each failed call by kind: what the API's faults looked
 * like from our side (an injected 503, a deadline that ran out, a connection closed without an answer).
 */
function countingClient<T extends object>(client: T, tally: Tally, api: string): T {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || property === 'close') return value;
      return async (...args: unknown[]) => {
        try {
          return await Reflect.apply(value, target, args);
        } catch (error) {
          const message = error instanceof Error ? error.message.replace(/^[A-Za-z]+: /, '') : String(error);
          const name = error instanceof Error ? error.name : 'Error';
          tally.add(`${api} ${name}: ${message}`.slice(0, 120));
          throw error;
        }
      };
    },
  });
}

function maxReceiveCountOf(resource: unknown): number {
  const properties =
    typeof resource === 'object' && resource !== null && 'Properties' in resource
      ? (resource.Properties as { RedrivePolicy?: { maxReceiveCount?: unknown } })
      : {};
  // serverless.yml's value, as local/queues.ts reads it.
  return Number(properties.RedrivePolicy?.maxReceiveCount ?? 8);
}

/**
 * How long a refund the ledger check claimed is left to the run that claimed it, time-scaled like the
 * runs themselves (30 minutes apart deployed; the harness waits a little longer than this between them).
 */
export const LEDGER_REFUND_LEASE_MS = 2_000;

/** API Gateway's answer to a Lambda function that failed (HTTP API). */
export const gatewayError: APIGatewayProxyStructuredResultV2 = {
  statusCode: 500,
  headers: { 'content-type': 'application/json' },
  body: '{"message":"Internal Server Error"}',
};

/** The function names crash points are drawn for. */
export const chaosFunctions = {
  complete: 'complete',
  mobile: 'mobile',
  webhook: 'webhook',
  completeV2: 'v2-complete',
  redirectV2: 'v2-redirect',
  webhookV2: 'v2-webhook',
  consumer: 'retryConsumer',
  deliverEvents: 'deliverEvents',
  sweeper: 'sweeper',
  ledgerCheck: 'ledgerCheck',
} as const;
const entryFunctions = [
  chaosFunctions.complete,
  chaosFunctions.mobile,
  chaosFunctions.webhook,
  chaosFunctions.completeV2,
  chaosFunctions.redirectV2,
  chaosFunctions.webhookV2,
];

/**
 * Everything the verification loop needs, on loopback and in this process, with a fault at every
 * dependency: the sandbox (V1 and V2 APIs, faults, webhooks to our webhook functions over HTTP), the
 * order table behind a DynamoDB fault proxy and the change feed, the local SQS behind an SQS fault
 * proxy with the template's redrive to a DLQ, several pollers feeding the real retry consumer, the
 * delivery function on the change feed sending to a flaky merchant receiver and a flaky EventBridge,
 * the sweeper and the ledger check; every function's ports wrapped by the crash injector.
 */
export async function startChaosStack(options: ChaosStackOptions): Promise<ChaosStack> {
  const counters: ChaosCounters = {
    enqueued: new Tally(),
    consumerResults: new Tally(),
    consumer: new Tally(),
    sweeps: new Tally(),
    apiStatuses: new Tally(),
    apiStatusesUnderFaults: new Tally(),
    lostAnswers: new Tally(),
    webhookAnswers: new Tally(),
    loggedErrors: new Tally(),
    iamportErrors: new Tally(),
    redeliveries: new Tally(),
    stream: new Tally(),
    safetyNet: new Tally(),
  };
  const logger = new CountingLogger('chaos', counters.loggedErrors, options.verbose ?? false);
  const crashes = new CrashInjector(options.seed ^ 0x5eed);
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
  };

  try {
    const routes: Parameters<typeof serveHandlers>[0] = {};
    const webhookServer = await serveHandlers(routes);
    closers.push(() => webhookServer.close());
    const sandbox = await startSandbox({
      webhookUrl: `${webhookServer.url}/payments/webhook`,
      v2WebhookUrl: `${webhookServer.url}/v2/payments/webhook`,
    });
    closers.push(() => sandbox.close());

    const pools: Pool[] = [];
    const iamportClient = (counted = true): IamportClient => {
      const pool = new Pool(sandbox.url, {
        connections: options.connections,
        keepAliveTimeout: 10_000,
        connect: { timeout: options.timeoutMs },
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
      });
      pools.push(pool);
      const created = createIamportClient({
        baseUrl: sandbox.url,
        apiKey: demoApiKey,
        apiSecret: demoApiSecret,
        timeoutMs: options.timeoutMs,
        dispatcher: pool,
      });
      return counted ? countingClient(created, counters.iamportErrors, 'V1') : created;
    };
    closers.push(async () => {
      await Promise.all(pools.map((pool) => pool.destroy()));
    });
    const checker = iamportClient(false);

    // DynamoDB: functions → fault proxy → change feed (the stream) → dynalite.
    const feed = await startChangeFeed({
      target: options.dynamoEndpoint,
      tables: [options.ordersTable],
      onFailure: (_record, reason) =>
        counters.stream.add(`given up (on-failure queue): ${reason}`.slice(0, 100)),
    });
    closers.push(() => feed.close());
    const dynamoFaults = await startAwsFaultProxy({
      target: feed.endpoint,
      targetPrefix: 'DynamoDB_20120810.',
    });
    closers.push(() => dynamoFaults.close());

    // SQS: the functions' client → fault proxy → local SQS; Lambda's pollers go straight to the queue.
    const local = await startLocalSqs({ port: 0 });
    closers.push(() => local.close());
    const sqsFaults = await startAwsFaultProxy({ target: local.endpoint, targetPrefix: 'AmazonSQS.' });
    closers.push(() => sqsFaults.close());
    const sqsOptions = (endpoint: string) => ({
      endpoint,
      region: 'ap-northeast-2',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const sqs = new SQSClient(sqsOptions(local.endpoint));
    closers.push(async () => sqs.destroy());
    // As shared/runtime/sqs.ts builds it: the same per-attempt deadline, the SDK's retries.
    const functionSqs = new SQSClient(clientOptions(sqsFaults.endpoint, options.timeoutMs));
    closers.push(async () => functionSqs.destroy());
    const dlqUrl = await local.createQueue('retry-dlq');
    const queueUrl = await local.createQueue('retry', {
      VisibilityTimeout: String(options.visibilityTimeoutSeconds),
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: 'arn:aws:sqs:ap-northeast-2:000000000000:retry-dlq',
        maxReceiveCount: maxReceiveCountOf(options.retryQueueResource),
      }),
    });
    const sqsQueue = createSqsRetryQueue({ sqs: functionSqs, queueUrl });
    const deadLetters = createSqsDeadLetterSink({ sqs: functionSqs, queueUrl: dlqUrl });

    // Every function wired as deployed (createPorts), with V1 and V2 served and order events on.
    const config = loadConfig({
      STAGE: 'chaos',
      ORDERS_TABLE: options.ordersTable,
      DYNAMODB_ENDPOINT: dynamoFaults.endpoint,
      AWS_REQUEST_TIMEOUT_MS: String(options.timeoutMs),
      RETRY_QUEUE_URL: queueUrl,
      RESULT_PAGE_URL: resultPageUrl,
      IAMPORT_BASE_URL: sandbox.url,
      IAMPORT_API_KEY: demoApiKey,
      IAMPORT_API_SECRET: demoApiSecret,
      IAMPORT_TIMEOUT_MS: String(options.timeoutMs),
      PORTONE_BASE_URL: sandbox.v2Url,
      PORTONE_API_SECRET: demoV2ApiSecret,
      PORTONE_STORE_ID: demoV2StoreId,
      PORTONE_WEBHOOK_SECRETS: demoV2WebhookSecret,
      PORTONE_TIMEOUT_MS: String(options.timeoutMs),
      RECONCILE_AFTER_SECONDS: String(options.settings.reconcileAfterSeconds),
      RECONCILE_MAX_AGE_SECONDS: String(options.settings.reconcileMaxAgeSeconds),
      RETRY_BASE_SECONDS: String(options.settings.retryBaseSeconds),
    });
    // The harness's own view of the table: no faults, but through the change feed like every writer.
    const checkConfig = { ...config, dynamoEndpoint: feed.endpoint };
    const orders = createOrderStoreFromConfig(checkConfig, { recordEvents: true });

    const receiver = await startFlakyReceiver({
      secret: merchantWebhookSecret,
      seed: options.seed ^ 0xe7e7,
      senderTimeoutMs: options.timeoutMs,
    });
    closers.push(() => receiver.close());
    const bus = flakyEventBridge(options.seed ^ 0xb055);
    const webhookTarget = createWebhookTarget({
      url: receiver.url,
      secret: merchantWebhookSecret,
      timeoutMs: options.timeoutMs,
      maxAttempts: 2,
    });
    closers.push(() => webhookTarget.close());
    const sent = {
      point: 'afterEventSent' as const,
      fns: [chaosFunctions.deliverEvents, chaosFunctions.sweeper],
    };
    const targets = [
      crashes.wrap(webhookTarget, { deliver: sent }),
      crashes.wrap(
        createEventBridgeTarget({ client: bus.sender, busName: 'chaos-bus', source: EVENT_SOURCE }),
        {
          deliver: sent,
        },
      ),
    ];
    const dispatch = createDispatchDeps(config, targets, logger);
    const crashingDispatch: DispatchDeps = { ...dispatch, outbox: crashes.wrap(dispatch.outbox) };

    const portOnes: { close(): Promise<void> }[] = [];
    closers.push(async () => {
      await Promise.all(portOnes.map((client) => client.close()));
    });
    /** One function's ports: its own clients and token cache, the faulty table and queue, crash points. */
    const portsOf = async (role: string, queueWho = role) => {
      const portone = await createPortOneFromConfig(config);
      if (!portone) throw new Error('the chaos stage serves V2');
      portOnes.push(portone);
      const built = await createPorts(config, [...verifyPorts, 'deadLetters'], {
        iamport: iamportClient(),
        portone: countingClient(portone, counters.iamportErrors, 'V2'),
        queue: countingQueue(sqsQueue, queueWho, counters.enqueued),
        deadLetters,
        dispatch,
      });
      const cancel = { point: 'afterCancel' as const };
      const received = { point: 'afterReceive' as const, fns: [chaosFunctions.consumer] };
      const transition = { point: 'afterTransition' as const, fns: entryFunctions };
      const midSweep = { point: 'midSweep' as const, fns: [chaosFunctions.sweeper] };
      return {
        iamport: crashes.wrap(built.iamport, {
          cancelPayment: cancel,
          getPayment: received,
          findPayment: received,
          findAllPayments: received,
        }),
        portone: crashes.wrap(built.portone ?? portone, { cancelPayment: cancel, getPayment: received }),
        orders: crashes.wrap(built.orders, {
          transition,
          transitionFromPending: transition,
          findDueChecks: midSweep,
          leaseCheck: midSweep,
        }),
        queue: crashes.wrap(built.queue, {
          send: { point: 'midSweep' as const, fns: [chaosFunctions.sweeper] },
        }),
        deadLetters: crashes.wrap(built.deadLetters),
      };
    };
    const entryPorts = await portsOf('entry point');
    const registerPorts = await portsOf('register');
    const consumerPorts = await portsOf('consumer');
    const sweeperPorts = await portsOf('sweeper');
    const ledgerPorts = await portsOf('ledger');

    const deliver = createDeliverEvents({ ...crashingDispatch, orders: entryPorts.orders }, logger);
    feed.start(async (event) => {
      counters.stream.add('records', event.Records.length);
      try {
        return await crashes.invoke(chaosFunctions.deliverEvents, () => deliver(event));
      } catch (error) {
        counters.stream.add('batches failed (retried by the stream)');
        throw error;
      }
    });

    const http =
      (
        fn: string,
        handler: (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>,
      ): HttpInvoke =>
      async (event) => {
        try {
          return await crashes.invoke(fn, () => handler(event));
        } catch (error) {
          if (error instanceof InvocationKilled) return gatewayError;
          throw error;
        }
      };
    const entryDeps = verifyDeps(config, entryPorts);
    const complete = http(chaosFunctions.complete, invoker(createCompleteHandler(entryDeps, logger, [])));
    const mobile = http(
      chaosFunctions.mobile,
      invoker(createMobileHandler(entryDeps, logger, new URL(resultPageUrl))),
    );
    const completeV2 = http(
      chaosFunctions.completeV2,
      invoker(createCompleteHandler(entryDeps, logger, [], 'v2')),
    );
    const redirectV2 = http(
      chaosFunctions.redirectV2,
      invoker(createMobileHandler(entryDeps, logger, new URL(resultPageUrl), 'v2')),
    );
    const webhook = http(
      chaosFunctions.webhook,
      invoker(createWebhookHandler(entryDeps, logger, { allowedIps: [] })),
    );
    const webhookV2 = http(
      chaosFunctions.webhookV2,
      invoker(
        createV2WebhookHandler(entryDeps, logger, { secrets: [demoV2WebhookSecret], storeId: demoV2StoreId }),
      ),
    );
    routes['POST /payments/webhook'] = async (event) => {
      const answer = await webhook(event);
      counters.webhookAnswers.add(`V1 ${answer.statusCode ?? 200}`);
      return answer;
    };
    routes['POST /v2/payments/webhook'] = async (event) => {
      const answer = await webhookV2(event);
      counters.webhookAnswers.add(`V2 ${answer.statusCode ?? 200}`);
      return answer;
    };
    const createOrder = invoker(
      createCreateOrderHandler(registerDeps(config, registerPorts, logger), logger),
    );

    const reconcileDeps = buildReconcileDeps(config, consumerPorts);
    const consumer = createRetryConsumer(reconcileDeps, logger, undefined, {
      onResult: (result) => counters.consumerResults.add(result.kind),
    });
    let redeliveryRate = 0;
    const redeliveryRandom = new Random(options.seed ^ 0x51a5);
    const sources: EventSource[] = [];
    for (let i = 0; i < options.consumers; i++) {
      sources.push(
        startEventSource({
          sqs,
          queueUrl,
          batchSize: 10,
          waitTimeSeconds: 1,
          invoke: async (event: SQSEvent) => {
            counters.consumer.add('records', event.Records.length);
            counters.consumer.add('invocations');
            const first = event.Records[0];
            if (first && redeliveryRate > 0 && redeliveryRandom.chance(redeliveryRate)) {
              // Its visibility timeout ends now, while this consumer runs: another poller receives it too.
              const record = redeliveryRandom.pick(event.Records);
              await sqs.send(
                new ChangeMessageVisibilityCommand({
                  QueueUrl: queueUrl,
                  ReceiptHandle: record.receiptHandle,
                  VisibilityTimeout: 0,
                }),
              );
              counters.redeliveries.add('made visible while its consumer ran');
            }
            try {
              const response = await crashes.invoke(chaosFunctions.consumer, () =>
                consumer(event, lambdaContext('retryConsumer')),
              );
              counters.consumer.add('records reported failed', response.batchItemFailures.length);
              return response;
            } catch (error) {
              counters.consumer.add(
                error instanceof InvocationKilled
                  ? 'invocations killed (batch redelivered)'
                  : 'invocations failed',
              );
              throw error;
            }
          },
          onError: (error) => {
            if (error instanceof InvocationKilled) return;
            counters.consumer.add(`event source error: ${error instanceof Error ? error.message : error}`);
          },
        }),
      );
    }
    closers.push(async () => {
      await Promise.all(sources.map((source) => source.stop()));
    });

    const sweep = createSweeper(
      { orders: sweeperPorts.orders, queue: sweeperPorts.queue, events: crashingDispatch },
      logger,
    );
    // Time-scaled: the 15-minute lease a sweep takes before it queues a check, crossed at once.
    const leaseAhead = (SWEEP_LEASE_SECONDS + 1) * 1000;
    const sweepAhead = createSweeper(
      { orders: sweeperPorts.orders, queue: sweeperPorts.queue, events: crashingDispatch },
      logger,
      () => new Date(Date.now() + leaseAhead),
    );
    /** The outbox safety net's sweep, with its clock `seconds` ahead; how many events it delivered. */
    const sweepOutboxAhead = async (seconds: number): Promise<number> =>
      (await sweepOutbox({ ...dispatch, orders }, new Date(Date.now() + seconds * 1000))).delivered;
    let sweeping = true;
    let safetyNet = false;
    const sweeper = (async () => {
      while (sweeping) {
        await new Promise((resolve) => setTimeout(resolve, options.sweepEveryMs));
        if (!sweeping) break;
        try {
          const { checks } = await crashes.invoke(chaosFunctions.sweeper, () => sweep());
          counters.sweeps.add('runs');
          counters.sweeps.add('found', checks.found);
          counters.sweeps.add('queued', checks.queued);
        } catch (error) {
          counters.sweeps.add(
            error instanceof InvocationKilled
              ? 'runs killed mid-sweep'
              : `error: ${error instanceof Error ? error.message : error}`,
          );
        }
        if (safetyNet) {
          // Time-scaled: once the faults end, every event still waiting counts as past the grace period.
          try {
            counters.safetyNet.add('events delivered', await sweepOutboxAhead(OUTBOX_GRACE_SECONDS + 1));
          } catch (error) {
            counters.safetyNet.add(`error: ${error instanceof Error ? error.message : error}`);
          }
        }
      }
    })();
    closers.push(async () => {
      sweeping = false;
      await sweeper;
    });

    const ledgerHandler = createLedgerCheckHandler(
      {
        orders: ledgerPorts.orders,
        providerOf: (api) =>
          api === 'v1' ? iamportProvider(ledgerPorts.iamport) : portoneProvider(ledgerPorts.portone),
        verify: (request) =>
          verifyPayment(
            { ...verifyDeps(config, ledgerPorts), refundLeaseMs: LEDGER_REFUND_LEASE_MS },
            request,
          ),
        checkpoints: createDynamoCheckpointStore(documentClient(config), options.ledgerTable),
        acceptSandboxPayments: false,
        refundLeaseMs: LEDGER_REFUND_LEASE_MS,
        // A moment later than the payments: a payment of this very second is in its window.
        now: () => new Date(Date.now() + 5_000),
      },
      { windowMs: 86_400_000, overlapMs: 3_600_000, maxPagesPerRun: 20 },
      logger,
    );
    // serverless.yml gives the ledger check 5 minutes; it keeps 30 s of them back.
    const ledgerContext = { ...lambdaContext('ledgerCheck'), getRemainingTimeInMillis: () => 300_000 };
    const ledgerCheck = () =>
      crashes.invoke(chaosFunctions.ledgerCheck, () => ledgerHandler({}, ledgerContext));

    let faultWindow = false;
    const collectRequests = () => {
      // list() and clear() in one synchronous step: no entry can slip in between.
      const entries = sandbox.state.requests.list();
      sandbox.state.requests.clear();
      for (const entry of entries) {
        const api = entry.api === 'v2' ? 'V2' : 'V1';
        counters.apiStatuses.add(`${api} ${entry.status}`);
        if (faultWindow) counters.apiStatusesUnderFaults.add(`${api} ${entry.status}`);
        if (entry.answer_lost) {
          // Ids (any segment with a digit) folded, so the same call counts as one kind.
          const path = entry.path
            .split('/')
            .map((segment) => (/\d/.test(segment) ? '…' : segment))
            .join('/');
          counters.lostAnswers.add(`${api} ${entry.method} ${path}`);
        }
      }
    };
    const collector = setInterval(collectRequests, 200);
    closers.push(async () => clearInterval(collector));

    return {
      sandbox,
      orders,
      sinks: [receiver, bus],
      checker,
      complete,
      mobile,
      completeV2,
      redirectV2,
      createOrder,
      ledgerCheck,
      queueUrl,
      dlqUrl,
      counters,
      crashes,
      dynamoFaults,
      sqsFaults,
      logger,
      async setFaults(rates) {
        collectRequests();
        faultWindow = rates !== null;
        const seed = options.seed;
        if (rates && rates.portone > 0) {
          const response = await fetch(`${sandbox.url}/__sandbox/faults`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              rate: rates.portone,
              seed,
              mix: [
                { status: 503 },
                { status: 429 },
                { delay_ms: options.timeoutMs + 500 },
                { lose_answer: true },
              ],
            }),
          });
          if (response.status !== 200)
            throw new Error(`the sandbox refused the fault mix: ${response.status}`);
        } else {
          await fetch(`${sandbox.url}/__sandbox/faults`, { method: 'DELETE' });
        }
        dynamoFaults.set(
          rates && rates.dynamodb > 0
            ? { seed: seed ^ 0xd1, rules: [{ operations: 'all', rate: rates.dynamodb, mix: dynamoFaultMix }] }
            : null,
        );
        sqsFaults.set(
          rates && rates.sqs > 0
            ? {
                seed: seed ^ 0x59,
                rules: [{ operations: ['SendMessage'], rate: rates.sqs, mix: sqsFaultMix }],
              }
            : null,
        );
        for (const sink of [receiver, bus]) sink.setFaults(rates?.events ?? 0);
        crashes.setRate(rates?.crash ?? 0);
        redeliveryRate = rates?.redelivery ?? 0;
      },
      startSafetyNet() {
        safetyNet = true;
      },
      async sweepPastBackoff() {
        const delivered = await sweepOutboxAhead(OUTBOX_MAX_BACKOFF_SECONDS + OUTBOX_GRACE_SECONDS + 1);
        counters.safetyNet.add('events delivered past their backoff', delivered);
      },
      async sweepPastLeases() {
        const { checks } = await sweepAhead();
        counters.sweeps.add('runs past the leases (queue empty, orders waiting)');
        counters.sweeps.add('queued past the leases', checks.queued);
      },
      collectRequests,
      delivered: () => feed.settled(),
      depth: (url) => queueDepth(sqs, url),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * A fresh orders table shaped like `source` (keys and indexes), so a run inside the test suite has its
 * own table: the sweeper must not pick up, and settle against the wrong sandbox, other tests' orders.
 */
export async function cloneOrdersTable(
  endpoint: string,
  source: string,
  name: string,
  /** Where to create it (another dynalite); by default beside its source. */
  into = endpoint,
): Promise<void> {
  const options = (at: string) => ({
    endpoint: at,
    region: 'ap-northeast-2',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const client = new DynamoDBClient(options(endpoint));
  const target = into === endpoint ? client : new DynamoDBClient(options(into));
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: source }));
    if (!Table?.KeySchema || !Table.AttributeDefinitions) throw new Error(`cannot describe ${source}`);
    const input: CreateTableCommandInput = {
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: Table.KeySchema,
      AttributeDefinitions: Table.AttributeDefinitions,
      ...(Table.GlobalSecondaryIndexes?.length
        ? {
            GlobalSecondaryIndexes: Table.GlobalSecondaryIndexes.map((index) => ({
              IndexName: index.IndexName,
              KeySchema: index.KeySchema,
              Projection: index.Projection,
            })),
          }
        : {}),
    };
    await target.send(new CreateTableCommand(input));
  } finally {
    client.destroy();
    target.destroy();
  }
}
