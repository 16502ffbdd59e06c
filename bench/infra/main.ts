/**
 * The services a verification calls, in one child process of the benchmark: dynalite (tables from
 * serverless.yml) with the orders table's stream (`local/changeFeed.ts`: dynalite's engine reports
 * its writes, as DynamoDB Streams sees them; the writer reaches dynalite directly), the Iamport sandbox, and a
 * merchant webhook receiver that records order events. The stream's consumer (the delivery function)
 * runs in a child of its own and is invoked over HTTP, as Lambda's event source mapping would.
 * Every request each of them receives is COUNTED here, on the server side: DynamoDB requests by
 * operation (the `X-Amz-Target` header, so SDK retries count too), Iamport API calls by kind (the
 * sandbox's own request log) and event deliveries by event id.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startLocalDynamoWithStream } from '../../local/changeFeed';
import { createTablesFromResources } from '../../local/dynamo';
import { lambdaInvoker } from '../../local/lambdaInvoke';
import { printServerlessConfig } from '../../local/serverlessConfig';
import { startSandbox } from '../../sandbox/index';
import { serveChild } from '../lib/child';
import { DELIVERY_FUNCTION } from '../lib/delivery';
import type { Counts, InfraApi, InfraInfo } from '../lib/infra';

const counts: Counts = { dynamo: {}, iamport: {}, deliveries: 0 };
let deliveredIds = new Map<string, number>();
const bump = (record: Record<string, number>, key: string) => {
  record[key] = (record[key] ?? 0) + 1;
};

// DynamoDB: dynalite is an http.Server; a second 'request' listener only counts.
const dynamo = await startLocalDynamoWithStream({
  onFailure: (record, reason) => console.error(`[bench stream] gave up on ${record.eventID}: ${reason}`),
});
dynamo.server.on('request', (req: IncomingMessage) => {
  const target = String(req.headers['x-amz-target'] ?? 'unknown');
  bump(counts.dynamo, target.slice(target.indexOf('.') + 1));
});
const config = await printServerlessConfig('bench');
const tables = await createTablesFromResources(dynamo.client, config.resources?.Resources ?? {});
const ordersTable = tables.find((name) => name.endsWith('-orders'));
if (!ordersTable) throw new Error('serverless.yml declares no orders table');
dynamo.stream.watch(ordersTable);

// Iamport: the sandbox logs every API call (never control calls); its log is bounded, so count as it grows.
const sandbox = await startSandbox();
const log = sandbox.state.requests;
const push = log.push.bind(log);
log.push = (entry) => {
  bump(counts.iamport, iamportCallKind(entry.method, entry.path));
  return push(entry);
};

// The merchant's endpoint for signed order events: records each delivery's event id, answers 204.
const receiver = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    try {
      const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id?: unknown };
      const id = String(event.id);
      deliveredIds.set(id, (deliveredIds.get(id) ?? 0) + 1);
      counts.deliveries += 1;
      res.writeHead(204).end();
    } catch {
      res.writeHead(400).end();
    }
  });
});
receiver.listen(0, '127.0.0.1');
await once(receiver, 'listening');

const info: InfraInfo = {
  dynamoEndpoint: dynamo.endpoint,
  ordersTable,
  sandboxUrl: sandbox.url,
  sandboxV2Url: sandbox.v2Url,
  receiverUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/events`,
};

const api: InfraApi = {
  counts: async () => structuredClone(counts),
  reset: async () => {
    counts.dynamo = {};
    counts.iamport = {};
    counts.deliveries = 0;
    deliveredIds = new Map();
    return null;
  },
  deliveries: async () => Object.fromEntries(deliveredIds),
  consumeWith: async (lambdaUrl) => {
    dynamo.stream.start(lambdaInvoker(lambdaUrl, DELIVERY_FUNCTION));
    return null;
  },
  settled: async () => {
    await dynamo.stream.settled();
    return { ...dynamo.stream.stats };
  },
  hold: async (held) => {
    if (held) dynamo.stream.hold();
    else dynamo.stream.release();
    return null;
  },
};

serveChild(api, info, async () => {
  receiver.closeAllConnections();
  receiver.close();
  await sandbox.close();
  await dynamo.close();
});

function iamportCallKind(method: string, path: string): string {
  if (path === '/users/getToken') return 'getToken';
  if (method === 'GET' && /^\/payments\/[^/]+$/.test(path) && path !== '/payments/prepare')
    return 'getPayment';
  return `${method} ${path.split('/').slice(0, 3).join('/')}`;
}
