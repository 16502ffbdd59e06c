/**
 * A fault-injecting HTTP proxy in front of an AWS JSON-1.0 endpoint (dynalite, or our local SQS), for the
 * chaos run: what the Iamport sandbox's fault switch (`sandbox/faults.ts`) is for Iamport, this is for
 * DynamoDB and SQS. Requests are told apart by `X-Amz-Target` (`DynamoDB_20120810.<Op>`,
 * `AmazonSQS.<Op>`). For the operations a rule names, a seeded draw decides whether a request fails
 * and how:
 *
 * | fault        | the target sees the request | the client gets                                  |
 * |--------------|-----------------------------|--------------------------------------------------|
 * | `error`      | no                          | the service's error answer (status, `__type`)     |
 * | `timeout`    | no                          | nothing, until it gives up (its own deadline)     |
 * | `lostAnswer` | yes, and acts on it         | a connection reset after the target answered      |
 *
 * Everything else goes through untouched: method, path, end-to-end headers and body bytes both ways
 * (hop-by-hop framing headers are the connection's, not the message's, and are not forwarded).
 *
 * Reproducibility: a seed fixes each rule's sequence of draws (every rule has a stream of its own, forked
 * from the seed, so traffic on one rule's operations leaves the others' faults alone). The draw is taken
 * when a request arrives, so the same seed and the same order of arrivals give the same faults; with
 * concurrent clients the order of arrivals is the scheduler's, not the seed's.
 *
 * ## Getting SQS requests through the proxy
 *
 * @aws-sdk/client-sqs sends a request that names a `QueueUrl` to that URL's origin instead of the
 * resolved endpoint (`useQueueUrlAsEndpoint`, default true) — but only when the client was given no
 * `endpoint` (@aws-sdk/middleware-sdk-sqs: `if (!endpoint && input.QueueUrl && useQueueUrlAsEndpoint)`).
 * So:
 * - A client built with `endpoint: proxy.endpoint` sends everything through the proxy, whatever host the
 *   queue URLs name. That is the product's client (`shared/runtime/sqs.ts`, `clientOptions` sets
 *   `endpoint` whenever `SQS_ENDPOINT` is set): point `SQS_ENDPOINT` at the proxy and keep the queue
 *   URLs local SQS handed out. No product change is needed for routing.
 * - A client without `endpoint` (an endpoint from `AWS_ENDPOINT_URL_SQS` counts as none here) follows the
 *   queue URL: give it URLs naming the proxy's origin (`url.replace(sqs.endpoint, proxy.endpoint)`);
 *   local SQS finds a queue by the URL's path alone, so the rewritten URL names the same queue. The
 *   proxy cannot do this for it: local SQS builds the URLs it returns (CreateQueue, GetQueueUrl) from its
 *   own endpoint, not from the `Host` header.
 * - `useQueueUrlAsEndpoint: false` with `endpoint` unset would send to AWS's regional endpoint: no use.
 *
 * ## What the SDKs make of the faults (as of @aws-sdk 3.1175, standard retry mode)
 *
 * Every fault of the ready-made mixes is retried: throttling by name (ProvisionedThroughputExceeded,
 * ThrottlingException, RequestThrottled; back-off base 1 s), 500 as a transient status, a lost answer as
 * ECONNRESET and a timeout as TimeoutError (base 25 ms for DynamoDB, 50 ms for SQS; a retry waits a
 * random share of base·2^retry). DynamoDB makes 4 attempts by default, SQS 3; a client's retry budget
 * (500, a transient retry costs 14, a throttled one 5, a success gives back) runs dry after ~35 transient
 * retries in a row. A timeout ends an attempt only if the client's deadline throws:
 * `requestHandler.requestTimeout` alone only logs a warning in @smithy/node-http-handler 4.x unless
 * `throwOnRequestTimeout: true` is set too (`socketTimeout` does throw). The product's `clientOptions`
 * sets `requestTimeout` alone, so its calls wait on a `timeout` fault until the proxy lets go.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';
import { Agent, request } from 'undici';
import { endToEndHeaders, HOP_BY_HOP_HEADERS } from '../../local/hopByHop';
import { Random } from './random';

export type AwsFault =
  | {
      kind: 'error';
      status: number;
      /** The JSON protocol's `__type`, e.g. `com.amazonaws.dynamodb.v20120810#ThrottlingException`. */
      type: string;
      message: string;
      /**
       * SQS only: the `x-amzn-query-error` header (`<query code>;Sender|Receiver`). client-sqs is
       * query-compatible and takes the error's `Code` (and, for modeled errors, its class) from it.
       */
      queryError?: string;
    }
  | { kind: 'timeout' }
  | { kind: 'lostAnswer' };

export interface AwsFaultMixEntry {
  fault: AwsFault;
  /** Relative share among the mix's entries, > 0. */
  weight: number;
}

export interface AwsFaultRule {
  /** Operation names without the target prefix (`UpdateItem`, `SendMessage`), or every operation. */
  operations: readonly string[] | 'all';
  /** Share of the named operations' requests that fail, 0..1. */
  rate: number;
  mix: readonly AwsFaultMixEntry[];
}

export interface AwsFaultSettings {
  seed: number;
  /** The first rule naming an operation decides for it; an operation no rule names is never faulted. */
  rules: readonly AwsFaultRule[];
}

export interface AwsFaultProxy {
  endpoint: string;
  /** Switch faults on (with a seed: reproducible sequence of draws) or off (null). */
  set(settings: AwsFaultSettings | null): void;
  /** Faults injected since the start, by `<Operation>: <error name | timeout | lostAnswer>`. */
  readonly injected: ReadonlyMap<string, number>;
  /** Requests received since the start, by operation (faulted or not). */
  readonly requests: ReadonlyMap<string, number>;
  /** Requests held by a `timeout` fault right now: 0 once their clients gave up. */
  readonly holding: number;
  close(): Promise<void>;
}

export type AwsTargetPrefix = 'DynamoDB_20120810.' | 'AmazonSQS.';

const dynamoType = (name: string) => `com.amazonaws.dynamodb.v20120810#${name}`;

/** DynamoDB's transient failures: throttling both ways, a server error, silence, an answer lost. */
export const dynamoFaultMix: readonly AwsFaultMixEntry[] = [
  {
    weight: 2,
    fault: {
      kind: 'error',
      status: 400,
      type: dynamoType('ProvisionedThroughputExceededException'),
      message:
        'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
    },
  },
  {
    weight: 1,
    fault: {
      kind: 'error',
      status: 400,
      type: dynamoType('ThrottlingException'),
      message: 'Rate of requests exceeds the allowed throughput.',
    },
  },
  {
    weight: 2,
    fault: {
      kind: 'error',
      status: 500,
      type: dynamoType('InternalServerError'),
      message: 'Internal server error',
    },
  },
  { weight: 1, fault: { kind: 'timeout' } },
  { weight: 2, fault: { kind: 'lostAnswer' } },
];

/**
 * SQS's: a server error and throttling as the JSON protocol spells them (`RequestThrottled` is SQS's
 * modeled throttling error, HTTP 403; `InternalError` is unmodeled and reaches the client as an
 * SQSServiceException of that name), silence, an answer lost.
 */
export const sqsFaultMix: readonly AwsFaultMixEntry[] = [
  {
    weight: 2,
    fault: {
      kind: 'error',
      status: 500,
      type: 'com.amazonaws.sqs#InternalError',
      message: 'We encountered an internal error. Please try again.',
      queryError: 'InternalError;Receiver',
    },
  },
  {
    weight: 2,
    fault: {
      kind: 'error',
      status: 403,
      type: 'com.amazonaws.sqs#RequestThrottled',
      message: 'Request is throttled.',
      queryError: 'RequestThrottled;Sender',
    },
  },
  { weight: 1, fault: { kind: 'timeout' } },
  { weight: 2, fault: { kind: 'lostAnswer' } },
];

/**
 * The draws the proxy makes for `settings`: call it with each request's operation in the order they
 * arrive; undefined means the request passes. Rule i draws from the i-th `fork()` of
 * `new Random(settings.seed)`; at rate 0 it draws nothing, otherwise one draw decides whether the
 * request fails and a faulty one takes a second for its entry of the mix (as `sandbox/faults.ts`).
 * Exported so a run can know its faults in advance, and a test can find a seed for a wanted sequence.
 */
export function faultDraws(settings: AwsFaultSettings): (operation: string) => AwsFault | undefined {
  for (const rule of settings.rules) validate(rule);
  const root = new Random(settings.seed);
  const armed = settings.rules.map((rule) => ({
    operations: rule.operations === 'all' ? ('all' as const) : new Set(rule.operations),
    rate: rule.rate,
    mix: rule.mix.map((entry) => ({ ...entry })),
    random: root.fork(),
  }));
  return (operation) => {
    const rule = armed.find(({ operations }) => operations === 'all' || operations.has(operation));
    if (!rule || rule.rate <= 0 || !rule.random.chance(rule.rate)) return undefined;
    return pick(rule.mix, rule.random.next());
  };
}

/** How `injected` names a fault: `UpdateItem: ProvisionedThroughputExceededException`, `SendMessage: timeout`. */
export function faultLabel(operation: string, fault: AwsFault): string {
  return `${operation}: ${fault.kind === 'error' ? nameOf(fault.type) : fault.kind}`;
}

export async function startAwsFaultProxy(options: {
  /** The endpoint's URL; with `socketPath`, the Unix socket it listens on (the URL then names only the path). */
  target: string;
  socketPath?: string;
  targetPrefix: AwsTargetPrefix;
  host?: string;
  port?: number;
}): Promise<AwsFaultProxy> {
  const { target, targetPrefix } = options;
  // Our own dispatcher even over TCP, so close() can end what is still in flight to the target.
  const dispatcher = new Agent(options.socketPath ? { connect: { socketPath: options.socketPath } } : {});
  const host = options.host ?? '127.0.0.1';
  const injected = new Map<string, number>();
  const requests = new Map<string, number>();
  const held = new Set<ServerResponse>();
  let draw: ((operation: string) => AwsFault | undefined) | undefined;

  const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

  async function forward(req: IncomingMessage, body: Buffer, signal?: AbortSignal) {
    const answer = await request(new URL(req.url ?? '/', target), {
      dispatcher,
      method: req.method ?? 'POST',
      headers: endToEnd(req.rawHeaders),
      body,
      ...(signal ? { signal } : {}),
    });
    return {
      status: answer.statusCode,
      headers: answer.headers,
      body: Buffer.from(await answer.body.arrayBuffer()),
    };
  }

  function answerError(res: ServerResponse, fault: Extract<AwsFault, { kind: 'error' }>) {
    const body = Buffer.from(JSON.stringify({ __type: fault.type, message: fault.message }));
    res.writeHead(fault.status, {
      'content-type': 'application/x-amz-json-1.0',
      'content-length': String(body.length),
      'x-amzn-requestid': randomUUID(),
      // DynamoDB sends it on every answer and SDK v2 checks it (v3 for JavaScript does not); SQS never sends it.
      ...(targetPrefix === 'DynamoDB_20120810.' ? { 'x-amz-crc32': String(crc32(body)) } : {}),
      ...(fault.queryError ? { 'x-amzn-query-error': fault.queryError } : {}),
    });
    res.end(body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const targetHeader = req.headers['x-amz-target'];
    const operation =
      typeof targetHeader === 'string' && targetHeader.startsWith(targetPrefix)
        ? targetHeader.slice(targetPrefix.length)
        : undefined;
    count(requests, operation ?? String(targetHeader ?? ''));
    // Drawn before the first await, so the order of draws is the order of arrivals.
    const fault = operation === undefined ? undefined : draw?.(operation);
    if (operation !== undefined && fault) count(injected, faultLabel(operation, fault));

    if (fault?.kind === 'timeout') {
      held.add(res);
      res.once('close', () => held.delete(res));
      // Drained so a large body cannot block the client before its own deadline starts to matter.
      req.resume();
      return;
    }

    const body = await readBody(req);
    if (fault?.kind === 'error') {
      answerError(res, fault);
      return;
    }
    if (fault?.kind === 'lostAnswer') {
      // Not aborted when the client leaves: the point is that the target acts on the request anyway.
      try {
        await forward(req, body);
      } finally {
        req.socket.destroy();
      }
      return;
    }

    // A long poll the client gave up on must not stay open at the target.
    const clientGone = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) clientGone.abort();
    });
    const passed = await forward(req, body, clientGone.signal);
    if (res.destroyed) return;
    const headers = endToEndHeaders(passed.headers);
    headers['content-length'] = String(passed.body.length);
    res.writeHead(passed.status, headers);
    res.end(passed.body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.destroyed) return;
      if (res.headersSent) {
        res.destroy();
        return;
      }
      // The target failed to answer (down, or the proxy is closing): what a load balancer would say.
      const body = `aws fault proxy: ${String(error)}`;
      res.writeHead(502, { 'content-type': 'text/plain', 'content-length': String(Buffer.byteLength(body)) });
      res.end(body);
    });
  });
  server.listen(options.port ?? 0, host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    set(settings) {
      draw = settings ? faultDraws(settings) : undefined;
    },
    injected,
    requests,
    get holding() {
      return held.size;
    },
    async close() {
      draw = undefined;
      // Their sockets go with closeAllConnections, but the 'close' events only come a turn later.
      for (const res of held) res.destroy();
      held.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await dispatcher.destroy();
    },
  };
}

function validate(rule: AwsFaultRule) {
  if (!(rule.rate >= 0 && rule.rate <= 1)) throw new RangeError(`fault rate ${rule.rate} is not in 0..1`);
  if (rule.rate > 0 && rule.mix.length === 0) throw new RangeError('a fault rule with a rate needs a mix');
  for (const { weight } of rule.mix) {
    if (!(weight > 0)) throw new RangeError(`fault weight ${weight} is not > 0`);
  }
}

/** The entry that `point` (uniform in [0, 1)) falls on, each entry taking its weight's share. */
function pick(mix: readonly AwsFaultMixEntry[], point: number): AwsFault | undefined {
  const total = mix.reduce((sum, entry) => sum + entry.weight, 0);
  let rest = point * total;
  for (const entry of mix) {
    if (rest < entry.weight) return entry.fault;
    rest -= entry.weight;
  }
  // Rounding can leave the point a hair past the last boundary.
  return mix.at(-1)?.fault;
}

/** `com.amazonaws.sqs#RequestThrottled` → `RequestThrottled`, as the SDK names the error. */
function nameOf(type: string): string {
  return type.slice(type.lastIndexOf('#') + 1);
}

/** The client's headers as sent (names' case and repeats kept), less the connection's own. */
function endToEnd(rawHeaders: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    if (!HOP_BY_HOP_HEADERS.has(name.toLowerCase())) kept.push(name, rawHeaders[i + 1] as string);
  }
  return kept;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks);
}
