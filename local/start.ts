/**
 * `npm start`: the whole product on loopback, no AWS account, no internet (docs/design.md §8).
 * dynalite (tables from serverless.yml) + the Iamport sandbox + serverless-offline running the same
 * handler code as Lambda, behind a gateway that bounds each function's concurrency as Lambda's does.
 * Prints one ready line; Ctrl-C stops everything.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { demoApiKey, demoApiSecret, demoV2ApiSecret, demoV2StoreId, startSandbox } from '../sandbox';
import { startLocalDynamoWithStream } from './changeFeed';
import { startDemoShop } from './demoShop';
import { createTablesFromResources, tablesWithStreams } from './dynamo';
import { gatedRoutesOf } from './gateway/routes';
import { type GatewayHandle, startGateway } from './gateway/server';
import { lambdaInvoker } from './lambdaInvoke';
import { freePort } from './ports';
import { startLocalQueues } from './queues';
import { printServerlessConfig, projectRoot, serverlessBin } from './serverlessConfig';

const host = '127.0.0.1';
const apiPort = Number(process.env.PORT ?? 3000);
const sandboxPort = Number(process.env.SANDBOX_PORT ?? 3100);
const sandboxV2Port = Number(process.env.SANDBOX_V2_PORT ?? sandboxPort + 1);
const dynamoPort = Number(process.env.DYNAMODB_PORT ?? 8000);
const lambdaPort = Number(process.env.LAMBDA_PORT ?? 3002);
const queuePort = Number(process.env.QUEUE_PORT ?? 3300);
const shopPort = Number(process.env.SHOP_PORT ?? 3400);
const sweepIntervalSeconds = Number(process.env.SWEEP_INTERVAL_SECONDS ?? 30);
/** The ledger check's schedule (deployed: every 30 minutes; each run resumes or starts a due window). */
const ledgerIntervalSeconds = Number(process.env.LEDGER_INTERVAL_SECONDS ?? 1800);
/** Invocations at once per HTTP function without `reservedConcurrency` in serverless.yml. */
const functionConcurrency = Number(process.env.LOCAL_FUNCTION_CONCURRENCY ?? 8);
const gatewayMaxWaitMs = Number(process.env.LOCAL_GATEWAY_MAX_WAIT_MS ?? 29_000);
const apiUrl = `http://${host}:${apiPort}`;

async function main() {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  // dynalite with its own stream (DynamoDB Streams' stand-in: its engine reports each stored write).
  const dynamo = await startLocalDynamoWithStream({ port: dynamoPort, host });
  // PortOne V2 beside V1: the sandbox signs its V2 notices with the first webhook secret, which the
  // handlers verify with. Given in the environment, or made here and printed on the ready line.
  const v2WebhookSecrets =
    process.env.PORTONE_WEBHOOK_SECRETS ?? `whsec_${randomBytes(24).toString('base64')}`;
  const sandbox = await startSandbox({
    host,
    port: sandboxPort,
    apiKey: process.env.IAMPORT_API_KEY ?? demoApiKey,
    apiSecret: process.env.IAMPORT_API_SECRET ?? demoApiSecret,
    webhookUrl: process.env.SANDBOX_WEBHOOK_URL ?? `${apiUrl}/payments/webhook`,
    v2Port: sandboxV2Port,
    v2ApiSecret: process.env.PORTONE_API_SECRET ?? demoV2ApiSecret,
    v2StoreId: process.env.PORTONE_STORE_ID ?? demoV2StoreId,
    v2WebhookUrl: process.env.SANDBOX_V2_WEBHOOK_URL ?? `${apiUrl}/v2/payments/webhook`,
    v2WebhookSecret: v2WebhookSecrets.split(',')[0]?.trim() ?? v2WebhookSecrets,
  });
  const shop = await startDemoShop({
    host,
    port: shopPort,
    apiUrl,
    sandboxUrl: sandbox.url,
    portoneStoreId: sandbox.state.v2.config.storeId,
  });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // The demo shop is the local merchant: its result page, and its origin for CORS (localhost too).
    RESULT_PAGE_URL: process.env.RESULT_PAGE_URL ?? `${shop.url}/result`,
    ALLOWED_ORIGINS: process.env.ALLOWED_ORIGINS ?? `${shop.url},http://localhost:${shop.port}`,
    IAMPORT_BASE_URL: process.env.IAMPORT_BASE_URL ?? sandbox.url,
    IAMPORT_API_KEY: process.env.IAMPORT_API_KEY ?? demoApiKey,
    IAMPORT_API_SECRET: process.env.IAMPORT_API_SECRET ?? demoApiSecret,
    PORTONE_BASE_URL: process.env.PORTONE_BASE_URL ?? sandbox.v2Url,
    PORTONE_API_SECRET: process.env.PORTONE_API_SECRET ?? demoV2ApiSecret,
    PORTONE_STORE_ID: process.env.PORTONE_STORE_ID ?? demoV2StoreId,
    PORTONE_WEBHOOK_SECRETS: v2WebhookSecrets,
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    AWS_REGION: 'ap-northeast-2',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    // Node 20 is supported here until the deploy target's Node 22 is everywhere; the notice is noise.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    // Every order event shows as a log line; MERCHANT_WEBHOOK_URL (+ _SECRET) delivers them signed too.
    EVENT_LOG: process.env.EVENT_LOG ?? 'true',
  };
  const config = await printServerlessConfig('local', env);
  const resources = config.resources?.Resources ?? {};
  const tables = await createTablesFromResources(dynamo.client, resources);
  for (const table of tablesWithStreams(resources)) dynamo.stream.watch(table);
  const queues = await startLocalQueues(queuePort, host, resources);
  Object.assign(env, {
    SQS_ENDPOINT: queues.sqs.endpoint,
    RETRY_QUEUE_URL: queues.retryQueueUrl,
    RETRY_DLQ_URL: queues.retryDlqUrl,
  });

  // serverless-offline listens on a port of its own; the gateway takes the API's port in front of it.
  const offlinePort = Number(process.env.OFFLINE_PORT ?? (await freePort(host)));
  const offline = spawn(
    serverlessBin,
    [
      'offline',
      'start',
      '--stage',
      'local',
      '--host',
      host,
      '--httpPort',
      String(offlinePort),
      '--lambdaPort',
      String(lambdaPort),
      // Back-office routes use IAM auth when deployed; on loopback they are open (docs/design.md §5).
      '--noAuth',
      '--noPrependStageInUrl',
      // Handlers read DYNAMODB_ENDPOINT and the plain sandbox keys from this environment.
      '--localEnvironment',
    ],
    {
      cwd: projectRoot,
      // CORS as deployed: only the handlers' own headers (local/offlineCors.mjs says why).
      env: {
        ...env,
        NODE_OPTIONS: withImport(env.NODE_OPTIONS, offlineCorsPreload),
        // serverless-esbuild's esbuild service (a Go process) stays up for the file watcher; without a
        // limit it keeps the heap of bundling every function (about 1.4 GB) for the stack's whole life.
        GOMEMLIMIT: env.GOMEMLIMIT ?? '256MiB',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stopping = false;
  const timers: NodeJS.Timeout[] = [];
  let gateway: GatewayHandle | undefined;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await gateway?.close();
    offline.kill('SIGTERM');
    for (const timer of timers) clearInterval(timer);
    await queues.close();
    await Promise.allSettled([shop.close(), sandbox.close(), dynamo.close()]);
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  offline.on('exit', (code) => {
    if (!stopping) {
      console.error(`serverless-offline exited (${code ?? 'signal'})`);
      void stop(1);
    }
  });
  await waitForReady(offline);
  gateway = await startGateway({
    host,
    port: apiPort,
    upstream: `http://${host}:${offlinePort}`,
    routes: gatedRoutesOf(config, functionConcurrency),
    maxWaitMs: gatewayMaxWaitMs,
  });
  // Lambda's SQS event source and EventBridge schedule, locally: same handlers, invoked the same way.
  const lambdaUrl = `http://${host}:${lambdaPort}`;
  queues.startConsumer(lambdaInvoker(lambdaUrl, 'iamport-verify-local-retryConsumer'));
  // DynamoDB Streams' event source, locally: the orders table's changes to the delivery function.
  dynamo.stream.start(lambdaInvoker(lambdaUrl, 'iamport-verify-local-deliverEvents'));
  // One run at a time, like a scheduled Lambda with reserved concurrency 1: a slow run skips ticks
  // instead of piling up on a busy machine.
  timers.push(
    everyInterval('sweeper', lambdaInvoker(lambdaUrl, 'iamport-verify-local-sweeper'), sweepIntervalSeconds),
    everyInterval(
      'ledger check',
      lambdaInvoker(lambdaUrl, 'iamport-verify-local-ledgerCheck'),
      ledgerIntervalSeconds,
    ),
  );
  console.log(
    `ready: api ${apiUrl} · shop ${shop.url} · iamport sandbox ${sandbox.url} · portone v2 sandbox ${sandbox.v2Url} (webhook secret ${v2WebhookSecrets.split(',')[0]}) · queue ${queues.sqs.endpoint} · dynamodb ${dynamo.endpoint} (tables: ${tables.join(', ')})`,
  );
}

/** A scheduled function, locally: invoked every `seconds`, never twice at once. */
function everyInterval(
  name: string,
  invoke: (event: unknown) => Promise<unknown>,
  seconds: number,
): NodeJS.Timeout {
  let running = false;
  return setInterval(() => {
    if (running) return;
    running = true;
    invoke({})
      .catch((error: unknown) => console.error(`[${name}]`, error instanceof Error ? error.message : error))
      .finally(() => {
        running = false;
      });
  }, seconds * 1000);
}

/** A file URL: percent-encoded, so NODE_OPTIONS (split on spaces) keeps it whole. */
const offlineCorsPreload = new URL('./offlineCors.mjs', import.meta.url).href;

function withImport(nodeOptions: string | undefined, url: string): string {
  return [nodeOptions, `--import=${url}`].filter(Boolean).join(' ');
}

/** Forwards serverless-offline's output (requests, handler logs) and resolves at its ready banner. */
function waitForReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let ready = false;
    // serverless-offline writes its banner to stderr and handler output to stdout; before the
    // banner only errors are worth showing, after it everything is the developer's log.
    const forward = (sink: NodeJS.WriteStream) => (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      if (ready || process.env.LOCAL_VERBOSE || /error/i.test(text)) sink.write(text);
      if (!ready && text.includes('Server ready')) {
        ready = true;
        resolve();
      }
    };
    child.stdout?.on('data', forward(process.stdout));
    child.stderr?.on('data', forward(process.stderr));
    child.on('exit', () => {
      if (!ready) reject(new Error('serverless-offline stopped before it was ready'));
    });
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
