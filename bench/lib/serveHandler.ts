import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';

/** A Lambda handler of an HTTP API (payload v2) route, as deployed. */
export type LambdaHttpHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * Serves one handler over real HTTP the way API Gateway calls it: every request becomes a payload v2
 * event and a fresh Lambda context (the idea of `test/helpers/lambdaHttp.ts`, kept in bench so the
 * benchmark imports no test code). Unlike Lambda, requests run concurrently in this one process: the
 * benchmark measures per-request cost and round trips, not Lambda's scaling.
 */
export async function serveHandler(handler: LambdaHttpHandler): Promise<{ url: string; server: Server }> {
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const body = await readAll(req);
      const result = await handler(toEvent(req, url, body), lambdaContext());
      res
        .writeHead(result.statusCode ?? 200, result.headers as Record<string, string> | undefined)
        .end(result.body ?? '');
    } catch (error) {
      // Lambda answers 502 for a handler that threw; the benchmark counts it as an error.
      console.error(error);
      res.writeHead(502).end();
    }
  });
  server.keepAliveTimeout = 60_000;
  return listening(server);
}

/**
 * Serves a handler that no HTTP route invokes (a stream's consumer) over Lambda's Invoke API at `path`
 * (`invocationsPath`, `local/lambdaInvoke.ts`): the event is the JSON body, the answer the handler's
 * result; a handler that threw answers as Lambda does, 200 with `X-Amz-Function-Error`.
 */
export async function serveInvocations<Event>(
  path: string,
  // The handler validates what it reads of the event, as a deployed one must.
  handler: (event: Event) => Promise<unknown>,
): Promise<{ url: string; server: Server }> {
  const server = createServer(async (req, res) => {
    const body = await readAll(req);
    if (req.method !== 'POST' || req.url !== path) {
      res.writeHead(404).end();
      return;
    }
    const json = { 'content-type': 'application/json' };
    try {
      res.writeHead(200, json).end(JSON.stringify(await handler(JSON.parse(body) as Event)));
    } catch (error) {
      res
        .writeHead(200, { ...json, 'x-amz-function-error': 'Unhandled' })
        .end(JSON.stringify({ errorMessage: error instanceof Error ? error.message : String(error) }));
    }
  });
  return listening(server);
}

async function listening(server: Server): Promise<{ url: string; server: Server }> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

function toEvent(req: IncomingMessage, url: URL, body: string): APIGatewayProxyEventV2 {
  const method = req.method ?? 'GET';
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string') headers[name] = value;
  }
  const query = url.search === '' ? undefined : Object.fromEntries(url.searchParams);
  const routeKey = `${method} ${url.pathname}`;
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(query ? { queryStringParameters: query } : {}),
    ...(body === '' ? {} : { body }),
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'bench',
      domainName: 'bench.local',
      domainPrefix: 'bench',
      http: {
        method,
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
  };
}

function lambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'bench',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:ap-northeast-2:123456789012:function:bench',
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: '/aws/lambda/bench',
    logStreamName: 'bench',
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

async function readAll(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
