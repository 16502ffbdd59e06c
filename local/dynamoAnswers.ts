import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';
import { request } from 'undici';

/**
 * DynamoDB's answer to a refused condition, in front of dynalite. Asked for it with
 * `ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`, DynamoDB puts the item as it stood into the
 * ConditionalCheckFailedException (`{"__type": "…#ConditionalCheckFailedException", "message": …,
 * "Item": {…}}`); dynalite ignores the parameter and answers without `Item`. This proxy answers as
 * DynamoDB does: on such a refusal it reads the item (a consistent GetItem of its own, not counted) and
 * adds it to the error body, so the real SDK deserializes the exception DynamoDB would send. Everything
 * else passes through untouched.
 *
 * It is a test double of the engine, for the tests and the round-trip benchmark (docs/decisions.md,
 * "Duplicates"): `counts` holds the requests its clients sent, by operation. Unlike DynamoDB, the read
 * comes after the refusal, not atomically with it; a writer in between makes the answer newer, never
 * older, which the optimistic lock on `revision` tolerates.
 */
export interface DynamoAnswersProxy {
  endpoint: string;
  /** Requests received from clients since the last reset, by operation (`UpdateItem`, `GetItem`, …). */
  counts: Record<string, number>;
  /** Refusals answered with the item. */
  itemsReturned: number;
  reset(): void;
  close(): Promise<void>;
}

const PREFIX = 'DynamoDB_20120810.';
const KEYED = new Set(['UpdateItem', 'PutItem', 'DeleteItem']);

/**
 * `honourAllOld: false` answers as dynalite does (a counting pass-through), so one harness counts both
 * engines the same way.
 */
export async function startDynamoAnswersProxy(
  target: string,
  { honourAllOld = true }: { honourAllOld?: boolean } = {},
): Promise<DynamoAnswersProxy> {
  const keySchemas = new Map<string, string[]>();
  const state = { counts: {} as Record<string, number>, itemsReturned: 0 };

  async function call(headers: IncomingHttpHeaders, operation: string, body: unknown) {
    const answer = await request(target, {
      method: 'POST',
      headers: forwarded(headers, operation),
      body: JSON.stringify(body),
    });
    return { status: answer.statusCode, json: await answer.body.json() };
  }

  /** The key of the item a write names: its `Key`, or for PutItem the key attributes of its `Item`. */
  async function keyOf(headers: IncomingHttpHeaders, operation: string, input: Record<string, unknown>) {
    if (operation !== 'PutItem') return input.Key;
    const table = String(input.TableName);
    let names = keySchemas.get(table);
    if (!names) {
      const { json } = await call(headers, 'DescribeTable', { TableName: table });
      names = keyNames(json);
      keySchemas.set(table, names);
    }
    const item = isRecord(input.Item) ? input.Item : {};
    return Object.fromEntries(names.map((name) => [name, item[name]]));
  }

  async function answer(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(Buffer.from(chunk));
    const raw = Buffer.concat(chunks);
    const operation = String(req.headers['x-amz-target'] ?? '').replace(PREFIX, '');
    state.counts[operation] = (state.counts[operation] ?? 0) + 1;
    const passed = await request(target, { method: 'POST', headers: forwarded(req.headers), body: raw });
    let body = Buffer.from(await passed.body.arrayBuffer());
    if (honourAllOld && passed.statusCode === 400 && KEYED.has(operation)) {
      const input: unknown = JSON.parse(raw.toString('utf8'));
      const refusal: unknown = JSON.parse(body.toString('utf8'));
      if (
        isRecord(input) &&
        input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' &&
        isRecord(refusal) &&
        String(refusal.__type).endsWith('#ConditionalCheckFailedException')
      ) {
        const Key = await keyOf(req.headers, operation, input);
        const { json } = await call(req.headers, 'GetItem', {
          TableName: input.TableName,
          Key,
          ConsistentRead: true,
        });
        if (isRecord(json) && isRecord(json.Item)) {
          body = Buffer.from(JSON.stringify({ ...refusal, Item: json.Item }));
          state.itemsReturned += 1;
        }
      }
    }
    res.writeHead(passed.statusCode, {
      'content-type': String(passed.headers['content-type'] ?? 'application/x-amz-json-1.0'),
      'x-amzn-requestid': String(passed.headers['x-amzn-requestid'] ?? ''),
      'x-amz-crc32': String(crc32(body)),
      'content-length': String(body.length),
    });
    res.end(body);
  }

  const server = createServer((req, res) => {
    answer(req, res).catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get counts() {
      return state.counts;
    },
    get itemsReturned() {
      return state.itemsReturned;
    },
    reset() {
      state.counts = {};
      state.itemsReturned = 0;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The client's headers for dynalite (which checks that a signature is there, not what it signs). */
function forwarded(headers: IncomingHttpHeaders, operation?: string): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of ['authorization', 'x-amz-date', 'content-type', 'x-amz-target']) {
    const value = headers[name];
    if (typeof value === 'string') kept[name] = value;
  }
  if (operation) kept['x-amz-target'] = `${PREFIX}${operation}`;
  return kept;
}

function keyNames(describe: unknown): string[] {
  const table = isRecord(describe) && isRecord(describe.Table) ? describe.Table : {};
  const schema = Array.isArray(table.KeySchema) ? table.KeySchema : [];
  return schema.flatMap((key: unknown) =>
    isRecord(key) && typeof key.AttributeName === 'string' ? [key.AttributeName] : [],
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
