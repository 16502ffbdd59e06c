import { Logger } from '@aws-lambda-powertools/logger';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { Pool } from 'undici';
import { createCompleteHandler } from '../../functions/complete/complete';
import { createCreateOrderHandler } from '../../functions/createOrder/createOrder';
import { createDeliverEvents } from '../../functions/deliverEvents/deliverEvents';
import { createMobileHandler } from '../../functions/mobile/mobile';
import { createRetryConsumer } from '../../functions/retryConsumer/retryConsumer';
import { createSweeper } from '../../functions/sweeper/sweeper';
import { createWebhookHandler } from '../../functions/webhook/webhook';
import { startChangeFeed } from '../../local/changeFeed';
import { type EventSource, startEventSource, startLocalSqs } from '../../local/sqs';
import { demoApiKey, demoApiSecret, type SandboxHandle, startSandbox } from '../../sandbox/index';
import { loadConfig } from '../../shared/config';
import { createIamportClient, type IamportClient } from '../../shared/iamport';
import type { OrderStore } from '../../shared/orders/store';
import { createSqsDeadLetterSink, createSqsRetryQueue } from '../../shared/queue/SqsRetryQueue';
import type { RetryQueue } from '../../shared/queue/types';
import type { ReconcileSettings } from '../../shared/reconcile/schedule';
import {
  reconcileDeps as buildReconcileDeps,
  createPorts,
  registerDeps,
  verifyDeps,
  verifyPorts,
} from '../../shared/runtime/deps';
import { createDispatchDeps } from '../../shared/runtime/events';
import { invoker, lambdaContext } from '../helpers/invoke';
import { serveHandlers } from '../helpers/lambdaHttp';
import { queueDepth } from '../helpers/queueDepth';
import { RecordingTarget } from '../helpers/recordingTarget';

/** Counts by key, kept in insertion order for the report. */
export class Tally {
  private readonly counts = new Map<string, number>();

  add(key: string, by = 1): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + by);
  }

  get(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  total(): number {
    let sum = 0;
    for (const value of this.counts.values()) sum += value;
    return sum;
  }

  entries(): [string, number][] {
    return [...this.counts.entries()];
  }
}

/**
 * A Powertools logger that stays quiet (unless `verbose`) and counts what the functions log as errors,
 * so the report can show them (the consumer's per-message results come from its result hook).
 */
export class CountingLogger extends Logger {
  constructor(
    serviceName: string,
    readonly errors: Tally,
    verbose: boolean,
  ) {
    super({ serviceName, logLevel: verbose ? 'WARN' : 'SILENT' });
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

export interface ChaosStackOptions {
  dynamoEndpoint: string;
  ordersTable: string;
  /** serverless.yml's `RetryQueue` resource; its visibility timeout and redrive count are used. */
  retryQueueResource?: unknown;
  settings: ReconcileSettings;
  /** Deadline of one Iamport call (`IAMPORT_TIMEOUT_MS`). */
  timeoutMs: number;
  /** Pollers of the retry queue, as Lambda scales an SQS event source out. */
  consumers: number;
  /** Sockets per Iamport client: many Lambda instances at once, not one. */
  connections: number;
  sweepEveryMs: number;
  /** Print the functions' warnings and errors. */
  verbose?: boolean;
}

type Invoke = ReturnType<typeof invoker>;

export interface ChaosCounters {
  /** Queue sends, `who: reason`. */
  enqueued: Tally;
  /** The consumer's results per message (done, retry_scheduled, check_scheduled, expired, …). */
  consumerResults: Tally;
  /** Records handed to the consumer, records it reported failed, event-source errors. */
  consumer: Tally;
  sweeps: Tally;
  /** Every Iamport API call the sandbox answered, by HTTP status (499: dropped while a delay held it). */
  apiStatuses: Tally;
  /** The same, only while faults were switched on. */
  apiStatusesUnderFaults: Tally;
  /** What our webhook function answered to the sandbox's deliveries. */
  webhookAnswers: Tally;
  /** Errors the functions logged, by message. */
  loggedErrors: Tally;
  /** Failed Iamport calls as the functions' clients saw them, by error. */
  iamportErrors: Tally;
}

export interface ChaosStack {
  sandbox: SandboxHandle;
  orders: OrderStore;
  /** Every order event the functions sent, as the merchant's receiver got them. */
  events: RecordingTarget;
  /** A separate client for the final checks (never shares a token or a pool with the functions). */
  checker: IamportClient;
  complete: Invoke;
  mobile: Invoke;
  createOrder: Invoke;
  queueUrl: string;
  dlqUrl: string;
  depth(queueUrl: string): Promise<number>;
  counters: ChaosCounters;
  /** Marks the start and end of the fault window for `apiStatusesUnderFaults`. */
  setFaultWindow(open: boolean): void;
  /** Moves the sandbox's request log into the counters now (it keeps only 10,000 entries). */
  collectRequests(): void;
  /** Resolves once every change so far reached the delivery function (the stream is idle). */
  delivered(): Promise<void>;
  close(): Promise<void>;
}

export const resultPageUrl = 'https://shop.example.com/payments/result';

function countingQueue(inner: RetryQueue, who: string, tally: Tally): RetryQueue {
  return {
    async send(message, delaySeconds) {
      await inner.send(message, delaySeconds);
      tally.add(`${who}: ${message.reason}`);
    },
  };
}

/**
 * The client as the functions see it, counting each failed call by kind: what Iamport's faults looked
 * like from our side (an injected 503, or a deadline that ran out, including while queued for a socket).
 */
function countingIamport(client: IamportClient, tally: Tally): IamportClient {
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
          tally.add(`${name}: ${message}`.slice(0, 120));
          throw error;
        }
      };
    },
  });
}

function queueSettings(resource: unknown): { visibilityTimeout: number; maxReceiveCount: number } {
  const properties =
    typeof resource === 'object' && resource !== null && 'Properties' in resource
      ? (resource.Properties as {
          VisibilityTimeout?: unknown;
          RedrivePolicy?: { maxReceiveCount?: unknown };
        })
      : {};
  // The same defaults as local/queues.ts, which are serverless.yml's values.
  return {
    visibilityTimeout: Number(properties.VisibilityTimeout ?? 120),
    maxReceiveCount: Number(properties.RedrivePolicy?.maxReceiveCount ?? 8),
  };
}

/**
 * Everything the reconciliation loop needs, on loopback and in this process: the sandbox (faults,
 * webhooks to our webhook function over HTTP), the order table, the local SQS with the template's
 * redrive to a DLQ, several pollers feeding the real retry consumer, and the sweeper on a timer.
 */
export async function startChaosStack(options: ChaosStackOptions): Promise<ChaosStack> {
  const counters: ChaosCounters = {
    enqueued: new Tally(),
    consumerResults: new Tally(),
    consumer: new Tally(),
    sweeps: new Tally(),
    apiStatuses: new Tally(),
    apiStatusesUnderFaults: new Tally(),
    webhookAnswers: new Tally(),
    loggedErrors: new Tally(),
    iamportErrors: new Tally(),
  };
  const logger = new CountingLogger('chaos', counters.loggedErrors, options.verbose ?? false);
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
  };

  try {
    const routes: Parameters<typeof serveHandlers>[0] = {};
    const webhookServer = await serveHandlers(routes);
    closers.push(() => webhookServer.close());
    const sandbox = await startSandbox({ webhookUrl: `${webhookServer.url}/payments/webhook` });
    closers.push(() => sandbox.close());

    const pools: Pool[] = [];
    const client = (connections: number, counted = true): IamportClient => {
      const pool = new Pool(sandbox.url, {
        connections,
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
      return counted ? countingIamport(created, counters.iamportErrors) : created;
    };
    closers.push(async () => {
      await Promise.all(pools.map((pool) => pool.destroy()));
    });
    // One client per function, as each Lambda function has its own instances and token cache.
    const entryIamport = client(options.connections);
    const registerIamport = client(options.connections);
    const consumerIamport = client(options.connections);
    const checker = client(options.connections, false);

    const local = await startLocalSqs({ port: 0 });
    closers.push(() => local.close());
    const sqs = new SQSClient({
      endpoint: local.endpoint,
      region: 'ap-northeast-2',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    closers.push(async () => sqs.destroy());
    const { visibilityTimeout, maxReceiveCount } = queueSettings(options.retryQueueResource);
    const dlqUrl = await local.createQueue('retry-dlq');
    const queueUrl = await local.createQueue('retry', {
      VisibilityTimeout: String(visibilityTimeout),
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: 'arn:aws:sqs:ap-northeast-2:000000000000:retry-dlq',
        maxReceiveCount,
      }),
    });
    const sqsQueue = createSqsRetryQueue({ sqs, queueUrl });

    // The orders table's stream, locally: every function writes through the change feed, which hands
    // each change to the delivery function, as DynamoDB Streams does deployed.
    const feed = await startChangeFeed({ target: options.dynamoEndpoint, tables: [options.ordersTable] });
    closers.push(() => feed.close());

    // Every function wired as deployed (createPorts), with order events on: one recording target
    // stands for the merchant. Each function gets its own Iamport client and a counting queue.
    const config = loadConfig({
      STAGE: 'chaos',
      ORDERS_TABLE: options.ordersTable,
      DYNAMODB_ENDPOINT: feed.endpoint,
      RETRY_QUEUE_URL: queueUrl,
      RESULT_PAGE_URL: resultPageUrl,
      IAMPORT_BASE_URL: sandbox.url,
      IAMPORT_API_KEY: demoApiKey,
      IAMPORT_API_SECRET: demoApiSecret,
      IAMPORT_TIMEOUT_MS: String(options.timeoutMs),
      RECONCILE_AFTER_SECONDS: String(options.settings.reconcileAfterSeconds),
      RECONCILE_MAX_AGE_SECONDS: String(options.settings.reconcileMaxAgeSeconds),
      RETRY_BASE_SECONDS: String(options.settings.retryBaseSeconds),
    });
    const events = new RecordingTarget();
    const dispatch = createDispatchDeps(config, [events], logger);
    const portsOf = (role: string, iamport: IamportClient) =>
      createPorts(config, logger, [...verifyPorts, 'deadLetters'], {
        iamport,
        queue: countingQueue(sqsQueue, role, counters.enqueued),
        deadLetters: createSqsDeadLetterSink({ sqs, queueUrl: dlqUrl }),
        dispatch,
      });
    const entryPorts = await portsOf('entry point', entryIamport);
    const registerPorts = await portsOf('register', registerIamport);
    const consumerPorts = await portsOf('consumer', consumerIamport);
    const sweeperPorts = await createPorts(config, logger, ['orders', 'queue', 'dispatch'], {
      queue: countingQueue(sqsQueue, 'sweeper', counters.enqueued),
      dispatch,
    });
    const { orders } = entryPorts;
    feed.start(createDeliverEvents({ ...dispatch, orders }, logger));

    const entryDeps = verifyDeps(config, entryPorts);
    const complete = invoker(createCompleteHandler(entryDeps, logger, []));
    const mobile = invoker(createMobileHandler(entryDeps, logger, new URL(resultPageUrl)));
    const webhook = invoker(createWebhookHandler(entryDeps, logger, { allowedIps: [] }));
    routes['POST /payments/webhook'] = async (event) => {
      const answer = await webhook(event);
      counters.webhookAnswers.add(String(answer.statusCode ?? 200));
      return answer;
    };
    const createOrder = invoker(
      createCreateOrderHandler(registerDeps(config, registerPorts, logger), logger),
    );

    const reconcileDeps = buildReconcileDeps(config, consumerPorts);
    const consumer = createRetryConsumer(reconcileDeps, logger, undefined, {
      onResult: (result) => counters.consumerResults.add(result.kind),
    });
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
            const response = await consumer(event, lambdaContext('retryConsumer'));
            counters.consumer.add('records reported failed', response.batchItemFailures.length);
            return response;
          },
          onError: (error) => {
            counters.consumer.add(`event source error: ${error instanceof Error ? error.message : error}`);
          },
        }),
      );
    }
    closers.push(async () => {
      await Promise.all(sources.map((source) => source.stop()));
    });

    const sweep = createSweeper(
      { orders: sweeperPorts.orders, queue: sweeperPorts.queue, events: sweeperPorts.dispatch },
      logger,
    );
    let sweeping = true;
    const sweeper = (async () => {
      while (sweeping) {
        await new Promise((resolve) => setTimeout(resolve, options.sweepEveryMs));
        if (!sweeping) break;
        try {
          const { checks } = await sweep();
          counters.sweeps.add('runs');
          counters.sweeps.add('found', checks.found);
          counters.sweeps.add('queued', checks.queued);
        } catch (error) {
          counters.sweeps.add(`error: ${error instanceof Error ? error.message : error}`);
        }
      }
    })();
    closers.push(async () => {
      sweeping = false;
      await sweeper;
    });

    let faultWindow = false;
    const collectRequests = () => {
      // list() and clear() in one synchronous step: no entry can slip in between.
      const entries = sandbox.state.requests.list();
      sandbox.state.requests.clear();
      for (const entry of entries) {
        counters.apiStatuses.add(String(entry.status));
        if (faultWindow) counters.apiStatusesUnderFaults.add(String(entry.status));
      }
    };
    const collector = setInterval(collectRequests, 200);
    closers.push(async () => clearInterval(collector));

    return {
      sandbox,
      orders,
      events,
      checker,
      complete,
      mobile,
      createOrder,
      queueUrl,
      dlqUrl,
      counters,
      setFaultWindow(open) {
        collectRequests();
        faultWindow = open;
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
export async function cloneOrdersTable(endpoint: string, source: string, name: string): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'ap-northeast-2',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
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
    await client.send(new CreateTableCommand(input));
  } finally {
    client.destroy();
  }
}
