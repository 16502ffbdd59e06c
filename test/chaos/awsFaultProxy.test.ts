import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DynamoDBClient,
  type DynamoDBClientConfig,
  InternalServerError,
  ListTablesCommand,
  ProvisionedThroughputExceededException,
  ThrottlingException,
} from '@aws-sdk/client-dynamodb';
import {
  QueueDoesNotExist,
  ReceiveMessageCommand,
  RequestThrottled,
  SendMessageCommand,
  SQSClient,
  type SQSClientConfig,
  SQSServiceException,
} from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { startDynaliteOnSocket } from '../../local/dynamo';
import { type LocalSqs, startLocalSqs } from '../../local/sqs';
import { clientOptions } from '../../shared/runtime/clientOptions';
import {
  type AwsFault,
  type AwsFaultMixEntry,
  type AwsFaultProxy,
  type AwsFaultRule,
  dynamoFaultMix,
  faultDraws,
  sqsFaultMix,
  startAwsFaultProxy,
} from './awsFaultProxy';

/**
 * The fault proxy against the real SDK clients, dynalite and local SQS: what each fault looks like to
 * the SDK (name, status, whether and how often it retries), what reaches the target, and that a seed
 * gives the same faults again.
 */
const region = 'ap-northeast-2';
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const quiet = { debug() {}, info() {}, warn() {}, error() {}, trace() {} };
/** A deadline that ends the attempt: without `throwOnRequestTimeout` the SDK only logs (see below). */
const deadline = { requestTimeout: 300, throwOnRequestTimeout: true };

let dynamoEndpoint: string;
let table: string;
let direct: DynamoDBDocumentClient;
let dynamoProxy: AwsFaultProxy;
let sqs: LocalSqs;
let sqsProxy: AwsFaultProxy;
const clients: { destroy(): void }[] = [];

beforeAll(async () => {
  dynamoEndpoint = inject('dynamoEndpoint');
  table = `fault-proxy-${process.pid}-${Date.now()}`;
  const raw = new DynamoDBClient({ endpoint: dynamoEndpoint, region, credentials });
  clients.push(raw);
  await raw.send(
    new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  direct = DynamoDBDocumentClient.from(raw);
  dynamoProxy = await startAwsFaultProxy({ target: dynamoEndpoint, targetPrefix: 'DynamoDB_20120810.' });
  sqs = await startLocalSqs();
  sqsProxy = await startAwsFaultProxy({ target: sqs.endpoint, targetPrefix: 'AmazonSQS.' });
});

afterAll(async () => {
  for (const client of clients) client.destroy();
  await dynamoProxy?.close();
  await sqsProxy?.close();
  await sqs?.close();
});

function dynamo(config: DynamoDBClientConfig = {}) {
  const client = new DynamoDBClient({ endpoint: dynamoProxy.endpoint, region, credentials, ...config });
  clients.push(client);
  return DynamoDBDocumentClient.from(client);
}

function sqsClient(config: SQSClientConfig = {}) {
  const client = new SQSClient({ endpoint: sqsProxy.endpoint, region, credentials, ...config });
  clients.push(client);
  return client;
}

let keys = 0;
const newKey = () => `k-${++keys}`;
const newQueue = () => sqs.createQueue(`fault-proxy-${++keys}`);

const rule = (operations: AwsFaultRule['operations'], fault: AwsFault, rate = 1): AwsFaultRule => ({
  operations,
  rate,
  mix: [{ fault, weight: 1 }],
});

/** A seed whose first draws for `rule` are `pattern` (true: faulted), found with the proxy's own draws. */
function seedFor(faultRule: AwsFaultRule, operation: string, pattern: boolean[]): number {
  for (let seed = 1; seed < 10_000; seed++) {
    const draw = faultDraws({ seed, rules: [faultRule] });
    if (pattern.every((faulted) => (draw(operation) !== undefined) === faulted)) return seed;
  }
  throw new Error('no seed gives that pattern');
}

async function failure(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error as Error & Record<string, unknown>;
    throw new Error(`not an Error: ${String(error)}`);
  }
  throw new Error('expected a failure');
}

const attempts = (error: Record<string, unknown>) => (error.$metadata as { attempts?: number }).attempts;

/** Messages in a queue, read around the proxy. */
async function bodies(queueUrl: string): Promise<string[]> {
  const reader = new SQSClient({ endpoint: sqs.endpoint, region, credentials });
  const { Messages = [] } = await reader.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
  );
  reader.destroy();
  return Messages.map((message) => message.Body ?? '');
}

const get = async (key: string) =>
  (await direct.send(new GetCommand({ TableName: table, Key: { pk: key } }))).Item;

function errorOf(mix: readonly AwsFaultMixEntry[], name: string): AwsFault {
  const entry = mix.find(({ fault }) => fault.kind === 'error' && fault.type.endsWith(`#${name}`));
  if (!entry) throw new Error(`no ${name} in the mix`);
  return entry.fault;
}

describe('pass-through', () => {
  it('forwards method, path, headers and body bytes, and the answer, untouched', async () => {
    const seen: { method?: string; url?: string; headers?: IncomingHttpHeaders; body?: Buffer } = {};
    const answerBody = Buffer.from([0xff, 0x00, 0xfe, 0x7b, 0x80]);
    const target = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(Buffer.from(chunk));
      Object.assign(seen, {
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: Buffer.concat(chunks),
      });
      // A checksum that does not match: the proxy must pass the target's headers as they are.
      res.writeHead(418, {
        'x-amz-crc32': '12345',
        'x-amzn-requestid': 'rid-1',
        'set-cookie': ['a=1', 'b=2'],
      });
      res.end(answerBody);
    });
    target.listen(0, '127.0.0.1');
    await once(target, 'listening');
    const proxy = await startAwsFaultProxy({
      target: `http://127.0.0.1:${(target.address() as AddressInfo).port}`,
      targetPrefix: 'AmazonSQS.',
    });
    // Faults on, for other operations.
    proxy.set({ seed: 1, rules: [rule(['SendMessage'], { kind: 'timeout' })] });
    const body = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

    const answer = await request(`${proxy.endpoint}/some/path?x=1&y=%20`, {
      method: 'PUT',
      headers: { 'x-amz-target': 'AmazonSQS.ListQueues', 'X-Custom': 'Value', authorization: 'AWS4 sig' },
      body,
    });
    const received = Buffer.from(await answer.body.arrayBuffer());
    await proxy.close();
    target.close();

    expect(seen.method).toBe('PUT');
    expect(seen.url).toBe('/some/path?x=1&y=%20');
    expect(seen.body?.equals(body)).toBe(true);
    expect(seen.headers).toMatchObject({
      'x-amz-target': 'AmazonSQS.ListQueues',
      'x-custom': 'Value',
      authorization: 'AWS4 sig',
      'content-length': '256',
      host: new URL(proxy.endpoint).host,
    });
    expect(answer.statusCode).toBe(418);
    expect(received.equals(answerBody)).toBe(true);
    expect(answer.headers).toMatchObject({
      'x-amz-crc32': '12345',
      'x-amzn-requestid': 'rid-1',
      'set-cookie': ['a=1', 'b=2'],
    });
    expect(proxy.requests.get('ListQueues')).toBe(1);
    expect(proxy.injected.size).toBe(0);
  });

  it('serves the real DynamoDB clients, through TCP or a Unix socket', async () => {
    const key = newKey();
    const client = dynamo();
    const before = dynamoProxy.requests.get('GetItem') ?? 0;
    await client.send(new PutCommand({ TableName: table, Item: { pk: key, n: 1, s: 'ü' } }));
    const { Item } = await client.send(new GetCommand({ TableName: table, Key: { pk: key } }));
    expect(Item).toEqual({ pk: key, n: 1, s: 'ü' });
    expect(dynamoProxy.requests.get('GetItem')).toBe(before + 1);

    const dynalite = await startDynaliteOnSocket();
    const proxy = await startAwsFaultProxy({
      target: 'http://localhost',
      socketPath: dynalite.socketPath,
      targetPrefix: 'DynamoDB_20120810.',
    });
    const overSocket = new DynamoDBClient({ endpoint: proxy.endpoint, region, credentials });
    const { TableNames } = await overSocket.send(new ListTablesCommand({}));
    overSocket.destroy();
    await proxy.close();
    await dynalite.close();
    expect(TableNames).toEqual([]);
    expect(proxy.requests.get('ListTables')).toBe(1);
  });
});

describe('routing SQS through the proxy', () => {
  it('a client with `endpoint` (the product’s clientOptions) goes through it whatever the queue URL names', async () => {
    const queueUrl = await newQueue();
    expect(queueUrl.startsWith(sqs.endpoint)).toBe(true);
    const before = sqsProxy.requests.get('SendMessage') ?? 0;
    const client = new SQSClient({ ...clientOptions(sqsProxy.endpoint), logger: quiet });
    clients.push(client);
    await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'via endpoint' }));
    expect(sqsProxy.requests.get('SendMessage')).toBe(before + 1);
    expect(await bodies(queueUrl)).toEqual(['via endpoint']);
  });

  it('a client without `endpoint` follows the queue URL: it goes through only with the proxy’s origin in it', async () => {
    const queueUrl = await newQueue();
    const client = new SQSClient({ region, credentials, logger: quiet });
    clients.push(client);
    const before = sqsProxy.requests.get('SendMessage') ?? 0;
    await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'around' }));
    expect(sqsProxy.requests.get('SendMessage') ?? 0).toBe(before);

    const viaProxy = queueUrl.replace(sqs.endpoint, sqsProxy.endpoint);
    await client.send(new SendMessageCommand({ QueueUrl: viaProxy, MessageBody: 'through' }));
    expect(sqsProxy.requests.get('SendMessage')).toBe(before + 1);
    expect(await bodies(queueUrl)).toEqual(['around', 'through']);
  });
});

describe('error faults', () => {
  it.each([
    ['ProvisionedThroughputExceededException', ProvisionedThroughputExceededException, 400],
    ['ThrottlingException', ThrottlingException, 400],
    ['InternalServerError', InternalServerError, 500],
  ])(
    'DynamoDB %s reaches the client as that error, without reaching the table',
    async (name, type, status) => {
      const key = newKey();
      dynamoProxy.set({ seed: 1, rules: [rule(['PutItem'], errorOf(dynamoFaultMix, name))] });
      const before = dynamoProxy.injected.get(`PutItem: ${name}`) ?? 0;
      const error = await failure(
        dynamo({ maxAttempts: 1 }).send(new PutCommand({ TableName: table, Item: { pk: key } })),
      );
      dynamoProxy.set(null);
      expect(error).toBeInstanceOf(type);
      expect(error.name).toBe(name);
      expect(error.$metadata).toMatchObject({ httpStatusCode: status, attempts: 1 });
      expect(dynamoProxy.injected.get(`PutItem: ${name}`)).toBe(before + 1);
      expect(await get(key)).toBeUndefined();
    },
  );

  it('a DynamoDB error answer carries the x-amz-crc32 of its body', async () => {
    dynamoProxy.set({ seed: 1, rules: [rule('all', errorOf(dynamoFaultMix, 'ThrottlingException'))] });
    const answer = await request(dynamoProxy.endpoint, {
      method: 'POST',
      headers: { 'x-amz-target': 'DynamoDB_20120810.GetItem', 'content-type': 'application/x-amz-json-1.0' },
      body: '{}',
    });
    const body = Buffer.from(await answer.body.arrayBuffer());
    dynamoProxy.set(null);
    expect(answer.statusCode).toBe(400);
    expect(answer.headers['x-amz-crc32']).toBe(String(crc32(body)));
    expect(JSON.parse(body.toString())).toMatchObject({
      __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException',
    });
  });

  it('SQS RequestThrottled and InternalError reach the client as those errors, with the query code', async () => {
    const queueUrl = await newQueue();
    const client = sqsClient({ maxAttempts: 1 });
    sqsProxy.set({ seed: 1, rules: [rule(['SendMessage'], errorOf(sqsFaultMix, 'RequestThrottled'))] });
    const throttled = await failure(
      client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'a' })),
    );
    sqsProxy.set({ seed: 1, rules: [rule(['SendMessage'], errorOf(sqsFaultMix, 'InternalError'))] });
    const internal = await failure(
      client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'b' })),
    );
    sqsProxy.set(null);

    expect(throttled).toBeInstanceOf(RequestThrottled);
    expect(throttled).toMatchObject({ name: 'RequestThrottled', Code: 'RequestThrottled' });
    expect(throttled.$metadata).toMatchObject({ httpStatusCode: 403, attempts: 1 });
    // Unmodeled: the service's base exception, named by the code.
    expect(internal).toBeInstanceOf(SQSServiceException);
    expect(internal).toMatchObject({ name: 'InternalError', Code: 'InternalError', $fault: 'server' });
    expect(internal.$metadata).toMatchObject({ httpStatusCode: 500, attempts: 1 });
    expect(await bodies(queueUrl)).toEqual([]);
  });

  it('the SDKs retry every error of the mixes, and not a client error', async () => {
    const validation: AwsFault = {
      kind: 'error',
      status: 400,
      type: 'com.amazonaws.dynamodb.v20120810#ValidationException',
      message: 'One or more parameter values were invalid',
    };
    const nonExistent: AwsFault = {
      kind: 'error',
      status: 400,
      type: 'com.amazonaws.sqs#QueueDoesNotExist',
      message: 'The specified queue does not exist.',
      queryError: 'AWS.SimpleQueueService.NonExistentQueue;Sender',
    };
    const errorsOf = (mix: readonly AwsFaultMixEntry[]) =>
      mix.flatMap(({ fault }) => (fault.kind === 'error' ? [{ fault, retried: true }] : []));
    const cases = [
      ...[...errorsOf(dynamoFaultMix), { fault: validation, retried: false }].map((c) => ({
        ...c,
        sqs: false,
      })),
      ...[...errorsOf(sqsFaultMix), { fault: nonExistent, retried: false }].map((c) => ({ ...c, sqs: true })),
    ];
    const queueUrl = await newQueue();
    // A proxy per case, all at once: a throttled retry waits up to 1 s (its back-off base), once each.
    const outcomes = await Promise.all(
      cases.map(async ({ fault, sqs: isSqs }) => {
        const proxy = await startAwsFaultProxy(
          isSqs
            ? { target: sqs.endpoint, targetPrefix: 'AmazonSQS.' }
            : { target: dynamoEndpoint, targetPrefix: 'DynamoDB_20120810.' },
        );
        proxy.set({ seed: 1, rules: [rule('all', fault)] });
        const config = { endpoint: proxy.endpoint, region, credentials, maxAttempts: 2 };
        const client = isSqs ? new SQSClient(config) : new DynamoDBClient(config);
        const error = await failure(
          client instanceof SQSClient
            ? client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'x' }))
            : DynamoDBDocumentClient.from(client).send(
                new PutCommand({ TableName: table, Item: { pk: newKey() } }),
              ),
        );
        client.destroy();
        await proxy.close();
        return { error, requests: [...proxy.requests.values()].reduce((sum, n) => sum + n, 0) };
      }),
    );

    expect(outcomes.map(({ error, requests }) => [error.name, attempts(error), requests])).toEqual(
      cases.map(({ fault, retried }) => [
        fault.kind === 'error' ? fault.type.split('#')[1] : '',
        retried ? 2 : 1,
        retried ? 2 : 1,
      ]),
    );
    expect(outcomes.at(-1)?.error).toBeInstanceOf(QueueDoesNotExist);
  });

  it('by default DynamoDB makes 4 attempts and SQS 3', async () => {
    const queueUrl = await newQueue();
    dynamoProxy.set({ seed: 1, rules: [rule('all', errorOf(dynamoFaultMix, 'InternalServerError'))] });
    sqsProxy.set({ seed: 1, rules: [rule('all', errorOf(sqsFaultMix, 'InternalError'))] });
    const [dynamoError, sqsError] = await Promise.all([
      failure(dynamo().send(new PutCommand({ TableName: table, Item: { pk: newKey() } }))),
      failure(sqsClient().send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'x' }))),
    ]);
    dynamoProxy.set(null);
    sqsProxy.set(null);
    expect([dynamoError.name, attempts(dynamoError)]).toEqual(['InternalServerError', 4]);
    expect([sqsError.name, attempts(sqsError)]).toEqual(['InternalError', 3]);
  });

  it('with the default retries a DynamoDB call gets through a 500, a throttle and a timeout', async () => {
    for (const fault of [
      errorOf(dynamoFaultMix, 'InternalServerError'),
      errorOf(dynamoFaultMix, 'ProvisionedThroughputExceededException'),
      { kind: 'timeout' } as const,
    ]) {
      const faultRule = rule(['PutItem'], fault, 0.5);
      dynamoProxy.set({ seed: seedFor(faultRule, 'PutItem', [true, false]), rules: [faultRule] });
      const key = newKey();
      const put = await dynamo({ requestHandler: deadline }).send(
        new PutCommand({ TableName: table, Item: { pk: key } }),
      );
      expect(put.$metadata.attempts).toBe(2);
      expect(await get(key)).toEqual({ pk: key });
    }
    dynamoProxy.set(null);
    expect(dynamoProxy.holding).toBe(0);
  });
});

describe('lost answers', () => {
  it('DynamoDB: the write is applied, the client sees a reset; retried, a conditional put is refused', async () => {
    const key = newKey();
    const lost = rule(['PutItem'], { kind: 'lostAnswer' }, 0.5);
    dynamoProxy.set({ seed: seedFor(lost, 'PutItem', [true]), rules: [lost] });
    const error = await failure(
      dynamo({ maxAttempts: 1 }).send(new PutCommand({ TableName: table, Item: { pk: key, n: 1 } })),
    );
    expect(error).toMatchObject({ code: 'ECONNRESET', message: 'socket hang up' });
    expect(await get(key)).toEqual({ pk: key, n: 1 });

    const once = newKey();
    const before = dynamoProxy.injected.get('PutItem: lostAnswer') ?? 0;
    dynamoProxy.set({ seed: seedFor(lost, 'PutItem', [true, false]), rules: [lost] });
    const refused = await failure(
      dynamo().send(
        new PutCommand({
          TableName: table,
          Item: { pk: once, n: 2 },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
    dynamoProxy.set(null);
    expect(refused).toBeInstanceOf(ConditionalCheckFailedException);
    expect(attempts(refused)).toBe(2);
    expect(dynamoProxy.injected.get('PutItem: lostAnswer')).toBe(before + 1);
    expect(await get(once)).toEqual({ pk: once, n: 2 });
  });

  it('SQS: the message is sent, the client sees a reset; retried, it is sent twice', async () => {
    const queueUrl = await newQueue();
    const lost = rule(['SendMessage'], { kind: 'lostAnswer' }, 0.5);
    sqsProxy.set({ seed: seedFor(lost, 'SendMessage', [true]), rules: [lost] });
    const error = await failure(
      sqsClient({ maxAttempts: 1 }).send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'one' })),
    );
    expect(error).toMatchObject({ code: 'ECONNRESET' });

    sqsProxy.set({ seed: seedFor(lost, 'SendMessage', [true, false]), rules: [lost] });
    const sent = await sqsClient().send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'two' }));
    sqsProxy.set(null);
    expect(sent.$metadata.attempts).toBe(2);
    expect((await bodies(queueUrl)).sort()).toEqual(['one', 'two', 'two']);
  });
});

describe('timeouts', () => {
  it('held until the client’s deadline: a TimeoutError, nothing sent on, nothing held after', async () => {
    const key = newKey();
    const queueUrl = await newQueue();
    dynamoProxy.set({ seed: 1, rules: [rule(['PutItem'], { kind: 'timeout' })] });
    sqsProxy.set({ seed: 1, rules: [rule(['SendMessage'], { kind: 'timeout' })] });
    const started = Date.now();
    const [dynamoError, sqsError] = await Promise.all([
      failure(
        dynamo({ maxAttempts: 1, requestHandler: deadline }).send(
          new PutCommand({ TableName: table, Item: { pk: key } }),
        ),
      ),
      failure(
        sqsClient({ maxAttempts: 1, requestHandler: deadline }).send(
          new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'held' }),
        ),
      ),
    ]);
    dynamoProxy.set(null);
    sqsProxy.set(null);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(dynamoError.name).toBe('TimeoutError');
    expect(sqsError.name).toBe('TimeoutError');
    await vi.waitFor(() => {
      expect(dynamoProxy.holding).toBe(0);
      expect(sqsProxy.holding).toBe(0);
    });
    expect(await get(key)).toBeUndefined();
    expect(await bodies(queueUrl)).toEqual([]);
  });

  it('the product’s clientOptions deadline ends a held attempt with a TimeoutError, and the SDK retries it', async () => {
    const options = clientOptions(sqsProxy.endpoint, 300);
    const client = new SQSClient({ ...options, logger: quiet });
    clients.push(client);
    const queueUrl = await newQueue();
    const before = sqsProxy.injected.get('SendMessage: timeout') ?? 0;
    sqsProxy.set({ seed: 1, rules: [rule(['SendMessage'], { kind: 'timeout' })] });
    const startedAt = performance.now();
    const error = await failure(
      client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'held' }), {
        abortSignal: AbortSignal.timeout(5000),
      }),
    );
    sqsProxy.set(null);
    // Ended by our deadline on every attempt (SQS: three), not by the abort signal.
    expect(error.name).toBe('TimeoutError');
    expect(performance.now() - startedAt).toBeLessThan(4000);
    expect(sqsProxy.injected.get('SendMessage: timeout')).toBe(before + 3);
    await vi.waitFor(() => expect(sqsProxy.holding).toBe(0));
  });

  it('close() lets go of what it holds', async () => {
    const proxy = await startAwsFaultProxy({ target: sqs.endpoint, targetPrefix: 'AmazonSQS.' });
    proxy.set({ seed: 1, rules: [rule('all', { kind: 'timeout' })] });
    const client = new SQSClient({ endpoint: proxy.endpoint, region, credentials, maxAttempts: 1 });
    const pending = failure(
      client.send(new SendMessageCommand({ QueueUrl: await newQueue(), MessageBody: 'x' })),
    );
    await vi.waitFor(() => expect(proxy.holding).toBe(1));
    await proxy.close();
    expect(await pending).toMatchObject({ code: 'ECONNRESET' });
    expect(proxy.holding).toBe(0);
    client.destroy();
  });
});

describe('draws', () => {
  const errorsOnly = dynamoFaultMix.filter(({ fault }) => fault.kind === 'error');
  const outcomes = async (seed: number, operations: string[], rules: AwsFaultRule[]) => {
    dynamoProxy.set({ seed, rules });
    const client = dynamo({ maxAttempts: 1 });
    const names: string[] = [];
    for (const operation of operations) {
      const call =
        operation === 'GetItem'
          ? client.send(new GetCommand({ TableName: table, Key: { pk: 'none' } }))
          : client.send(new PutCommand({ TableName: table, Item: { pk: newKey() } }));
      names.push(
        await call.then(
          () => 'ok',
          (error: unknown) => (error instanceof Error ? error.name : String(error)),
        ),
      );
    }
    dynamoProxy.set(null);
    return names;
  };

  it('the same seed and calls give the same faults, the ones faultDraws predicts', async () => {
    const rules = [{ operations: 'all' as const, rate: 0.5, mix: errorsOnly }];
    const calls = Array.from({ length: 16 }, (_, i) => (i % 3 === 0 ? 'GetItem' : 'PutItem'));
    const first = await outcomes(42, calls, rules);
    const again = await outcomes(42, calls, rules);
    const other = await outcomes(43, calls, rules);
    const draw = faultDraws({ seed: 42, rules });
    const predicted = calls.map((operation) => {
      const fault = draw(operation);
      return fault?.kind === 'error' ? (fault.type.split('#')[1] ?? '') : 'ok';
    });
    expect(again).toEqual(first);
    expect(first).toEqual(predicted);
    expect(new Set(first).size).toBeGreaterThan(2);
    expect(other).not.toEqual(first);
  });

  it('each rule has its own stream: traffic on one leaves the other’s faults alone', async () => {
    const rules = [
      { operations: ['PutItem'], rate: 0.5, mix: errorsOnly },
      { operations: ['GetItem'], rate: 0.5, mix: errorsOnly },
    ];
    const puts = await outcomes(7, ['PutItem', 'PutItem', 'PutItem', 'PutItem', 'PutItem', 'PutItem'], rules);
    const mixed = await outcomes(
      7,
      ['PutItem', 'GetItem', 'PutItem', 'GetItem', 'GetItem', 'PutItem', 'PutItem', 'PutItem', 'PutItem'],
      rules,
    );
    expect(mixed.filter((_, i) => ![1, 3, 4].includes(i))).toEqual(puts);
  });

  it('rate 0, set(null) and operations no rule names inject nothing', async () => {
    const before = new Map(dynamoProxy.injected);
    expect(
      await outcomes(1, ['PutItem', 'GetItem', 'PutItem'], [{ operations: 'all', rate: 0, mix: errorsOnly }]),
    ).toEqual(['ok', 'ok', 'ok']);
    expect(await outcomes(1, ['PutItem', 'GetItem'], [])).toEqual(['ok', 'ok']);
    const throttle = errorOf(dynamoFaultMix, 'ThrottlingException');
    expect(
      await outcomes(1, ['GetItem', 'PutItem', 'GetItem', 'PutItem'], [rule(['PutItem'], throttle)]),
    ).toEqual(['ok', 'ThrottlingException', 'ok', 'ThrottlingException']);
    dynamoProxy.set({ seed: 1, rules: [rule('all', throttle)] });
    dynamoProxy.set(null);
    const client = dynamo({ maxAttempts: 1 });
    await client.send(new PutCommand({ TableName: table, Item: { pk: newKey() } }));
    await client.send(new GetCommand({ TableName: table, Key: { pk: 'none' } }));
    expect(dynamoProxy.injected.get('PutItem: ThrottlingException')).toBe(
      (before.get('PutItem: ThrottlingException') ?? 0) + 2,
    );
    expect(dynamoProxy.injected.get('GetItem: ThrottlingException')).toBe(
      before.get('GetItem: ThrottlingException'),
    );
  });
});
