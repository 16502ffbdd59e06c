import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';
import { Agent, request } from 'undici';

/**
 * A DynamoDB endpoint in front of dynalite that passes every request through and lets `intercept`
 * look at it: rewrite the input before it goes, rewrite the output before it comes back, or act on
 * the write it saw. What dynalite lacks is emulated on top of it: DynamoDB's refusal answers
 * (`dynamoAnswers.ts`) and DynamoDB Streams (`changeFeed.ts`). It counts what its clients sent.
 */
export interface DynamoCall {
  /** `UpdateItem`, `GetItem`, … */
  operation: string;
  /** The request's JSON body; undefined when it is not JSON. */
  input: Record<string, unknown> | undefined;
  /** dynalite, for the interceptor's own reads (not counted). */
  engine: Engine;
}

export interface Intercepted {
  /** What to send dynalite instead of the client's input. */
  input?: Record<string, unknown>;
  /** Called with dynalite's answer; returns the output the client gets (undefined: as it came). */
  output?: (
    status: number,
    output: Record<string, unknown> | undefined,
  ) => Promise<Record<string, unknown> | undefined>;
}

export interface Engine {
  call(operation: string, input: Record<string, unknown>): Promise<Record<string, unknown> | undefined>;
  /** A consistent read of one item; undefined when there is none. */
  readItem(table: string, key: unknown): Promise<Record<string, unknown> | undefined>;
  /** The key of an item of `table` (its key attributes), from the table's schema. */
  keyOf(table: string, item: unknown): Promise<Record<string, unknown> | undefined>;
}

export interface DynamoProxy {
  endpoint: string;
  /** Requests received from clients since the last reset, by operation. */
  readonly counts: Record<string, number>;
  reset(): void;
  close(): Promise<void>;
}

const PREFIX = 'DynamoDB_20120810.';

export async function startDynamoProxy(options: {
  /** dynalite's endpoint URL; with `socketPath`, the Unix socket it listens on (the URL names only the path). */
  target: string;
  socketPath?: string;
  /** The operations `intercept` looks at; every other request passes untouched, unparsed. */
  operations: ReadonlySet<string>;
  intercept: (call: DynamoCall) => Intercepted | undefined;
  host?: string;
  port?: number;
}): Promise<DynamoProxy> {
  const { target, intercept } = options;
  const dispatcher = options.socketPath
    ? new Agent({ connect: { socketPath: options.socketPath } })
    : undefined;
  const host = options.host ?? '127.0.0.1';
  let counts: Record<string, number> = {};
  const keySchemas = new Map<string, string[]>();
  // dynalite checks that a request is signed, not what it signs: the proxy's own calls reuse a header.
  let signature: Record<string, string> = {};

  async function send(operation: string, body: string, headers: Record<string, string>) {
    const answer = await request(target, {
      ...(dispatcher ? { dispatcher } : {}),
      method: 'POST',
      headers: { ...headers, 'x-amz-target': `${PREFIX}${operation}` },
      body,
    });
    return {
      status: answer.statusCode,
      headers: answer.headers,
      body: Buffer.from(await answer.body.arrayBuffer()),
    };
  }

  const engine: Engine = {
    async call(operation, input) {
      const { body } = await send(operation, JSON.stringify(input), signature);
      return asRecord(parse(body));
    },
    async readItem(table, key) {
      const output = await engine.call('GetItem', { TableName: table, Key: key, ConsistentRead: true });
      return asRecord(output?.Item);
    },
    async keyOf(table, item) {
      let names = keySchemas.get(table);
      if (!names) {
        const described = asRecord((await engine.call('DescribeTable', { TableName: table }))?.Table);
        const schema: unknown[] = Array.isArray(described?.KeySchema) ? described.KeySchema : [];
        names = schema.flatMap((key) => {
          const name = asRecord(key)?.AttributeName;
          return typeof name === 'string' ? [name] : [];
        });
        keySchemas.set(table, names);
      }
      const fields = asRecord(item);
      return fields && Object.fromEntries(names.map((name) => [name, fields[name]]));
    },
  };

  const server = createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(Buffer.from(chunk));
      const raw = Buffer.concat(chunks);
      const operation = String(req.headers['x-amz-target'] ?? '').replace(PREFIX, '');
      counts[operation] = (counts[operation] ?? 0) + 1;
      const headers = forwarded(req.headers);
      signature = headers;
      const plan = options.operations.has(operation)
        ? intercept({ operation, input: asRecord(parse(raw)), engine })
        : undefined;
      const passed = await send(
        operation,
        plan?.input ? JSON.stringify(plan.input) : raw.toString('utf8'),
        headers,
      );
      let body = passed.body;
      if (plan?.output) {
        const output = await plan.output(passed.status, asRecord(parse(body)));
        if (output) body = Buffer.from(JSON.stringify(output));
      }
      res.writeHead(passed.status, {
        'content-type': String(passed.headers['content-type'] ?? 'application/x-amz-json-1.0'),
        'x-amzn-requestid': String(passed.headers['x-amzn-requestid'] ?? ''),
        'x-amz-crc32': String(crc32(body)),
        'content-length': String(body.length),
      });
      res.end(body);
    })().catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    });
  });
  server.listen(options.port ?? 0, host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${host}:${port}`,
    get counts() {
      return counts;
    },
    reset() {
      counts = {};
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await dispatcher?.close();
    },
  };
}

/** The client's headers for dynalite; the target is set per call. */
function forwarded(headers: IncomingHttpHeaders): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of ['authorization', 'x-amz-date', 'content-type']) {
    const value = headers[name];
    if (typeof value === 'string') kept[name] = value;
  }
  return kept;
}

function parse(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
}

export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
