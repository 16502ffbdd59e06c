/**
 * A small SQS look-alike on loopback for `npm start` and tests: the JSON protocol that
 * @aws-sdk/client-sqs v3 speaks (`POST /`, `X-Amz-Target: AmazonSQS.<Operation>`), standard queues
 * only, state in memory. Point an SQSClient at `endpoint`; queue URLs are
 * `<endpoint>/000000000000/<name>`, so a client without an endpoint override (the SDK then sends to
 * the QueueUrl's host) reaches the same server.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { maxPayloadBytes } from './attributes';
import { batchOperations } from './batchOperations';
import { errorResponse, errors, SqsError } from './errors';
import { messageOperations, type Operation } from './messageOperations';
import { queueOperations } from './queueOperations';
import { QueueRegistry } from './registry';

export interface LocalSqsOptions {
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Epoch milliseconds; inject to move delays and visibility timeouts without waiting. */
  now?: () => number;
  /** Only shows in queue ARNs. */
  region?: string;
}

export interface LocalSqs {
  endpoint: string;
  port: number;
  /** Drops open connections (pending long polls answer empty first) and stops the server. */
  close(): Promise<void>;
  /** CreateQueue without going through HTTP; resolves with the queue URL. */
  createQueue(name: string, attributes?: Record<string, string>): Promise<string>;
}

const operations: Record<string, Operation> = {
  ...queueOperations,
  ...messageOperations,
  ...batchOperations,
};
const jsonContentType = 'application/x-amz-json-1.0';
// A batch of ten messages at the payload limit, JSON-escaped, fits; anything larger is not SQS traffic.
const maxRequestBytes = 4 * maxPayloadBytes;

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > maxRequestBytes) throw errors.invalidParameterValue('Request body is too large.');
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw errors.invalidParameterValue('The request body is not valid JSON.');
  }
}

function reply(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    ...headers,
    'content-type': jsonContentType,
    'content-length': String(Buffer.byteLength(body)),
    'x-amzn-requestid': randomUUID(),
  });
  res.end(body);
}

function operationFor(req: IncomingMessage): Operation {
  const target = req.headers['x-amz-target'];
  const name = typeof target === 'string' && target.startsWith('AmazonSQS.') ? target.slice(10) : '';
  const operation = Object.hasOwn(operations, name) ? operations[name] : undefined;
  if (req.method !== 'POST' || !operation) {
    throw new SqsError(
      'UnknownOperationException',
      'InvalidAction',
      `Unsupported operation: ${String(target)}.`,
    );
  }
  if (!String(req.headers['content-type'] ?? '').startsWith(jsonContentType)) {
    throw errors.unsupported(`Only the JSON protocol (Content-Type: ${jsonContentType}) is spoken`);
  }
  return operation;
}

export async function startLocalSqs(options: LocalSqsOptions = {}): Promise<LocalSqs> {
  const host = options.host ?? '127.0.0.1';
  const closing = new AbortController();
  let endpoint = '';
  const registry = new QueueRegistry(
    () => endpoint,
    options.region ?? 'ap-northeast-2',
    options.now ?? Date.now,
  );

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const clientGone = new AbortController();
    res.once('close', () => clientGone.abort());
    try {
      const operation = operationFor(req);
      const input = await readJson(req);
      const signal = AbortSignal.any([closing.signal, clientGone.signal]);
      reply(res, 200, JSON.stringify(await operation(input, { registry, signal })));
    } catch (error) {
      if (error instanceof SqsError) {
        const wire = errorResponse(error);
        reply(res, wire.status, wire.body, wire.headers);
        return;
      }
      if (clientGone.signal.aborted || req.destroyed) return;
      console.error('[local-sqs] unexpected error', error);
      reply(res, 500, JSON.stringify({ __type: 'com.amazonaws.sqs#InternalError', message: String(error) }), {
        'x-amzn-query-error': 'InternalError;Receiver',
      });
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  server.listen(options.port ?? 0, host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  endpoint = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    endpoint,
    port,
    async close() {
      closing.abort();
      // One turn for the aborted long polls to write their empty answers before connections go.
      await new Promise((resolve) => setImmediate(resolve));
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const force = setTimeout(() => server.closeAllConnections(), 100).unref();
      server.closeIdleConnections();
      await closed;
      clearTimeout(force);
    },
    async createQueue(name, attributes) {
      return registry.create(name, attributes).url;
    },
  };
}
