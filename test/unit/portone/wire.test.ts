import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPortOneClient, type PortOneClient, PortOneUnavailableError } from '../../../shared/portone';
import { cancellationJson, IDEMPOTENCY_KEY, paymentJson, rejectionOf, SECRET } from './mockPortOne';

/**
 * The client's own keep-alive Pool against a real HTTP server on port 0: what MockAgent cannot show
 * (sockets reused and closed, the one deadline, a peer that stalls or hangs up, headers as sent).
 */
const TIMEOUT_MS = 150;

interface Received {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingMessage['headers'];
  body: string;
}

type Route = (response: ServerResponse, request: IncomingMessage) => void;

const routes: Record<string, Route> = {
  'GET /payments/ok': (response) => json(response, paymentJson({ id: 'ok' })),
  'POST /payments/ok/cancel': (response) => json(response, { cancellation: cancellationJson() }),
  // Headers never come.
  'GET /payments/silent': () => undefined,
  // Headers, half a body, then nothing.
  'GET /payments/stall': (response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.write('{"status":');
  },
  // A byte every 40 ms: each chunk arrives well within TIMEOUT_MS, the whole body never does.
  'GET /payments/drip': (response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    const timer = setInterval(() => response.write(' '), 40);
    response.on('close', () => clearInterval(timer));
  },
  'GET /payments/hangup': (_, request) => request.socket.destroy(),
};

function json(response: ServerResponse, body: unknown, status = 200) {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

async function startServer() {
  const sockets = new Set<Socket>();
  const received: Received[] = [];
  let connections = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const route = routes[`${request.method} ${request.url}`];
      if (route) route(response, request);
      else json(response, { type: 'PAYMENT_NOT_FOUND', message: 'no route' }, 404);
    });
  });
  server.on('connection', (socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    connections: () => connections,
    openSockets: () => sockets.size,
    async close() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

describe('PortOneClient over real HTTP with its own Pool', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let client: PortOneClient;

  beforeEach(async () => {
    server = await startServer();
    client = createPortOneClient({ baseUrl: server.url, secret: SECRET, timeoutMs: TIMEOUT_MS });
  });

  afterEach(async () => {
    await client.close();
    await server.close();
  });

  it('sends the cancel as PortOne reads it: method, path, headers and JSON body', async () => {
    await client.cancelPayment({
      paymentId: 'ok',
      reason: '금액 위변조',
      currentCancellableAmount: 14000,
      idempotencyKey: IDEMPOTENCY_KEY,
    });

    expect(server.received).toHaveLength(1);
    const [request] = server.received;
    expect(request).toMatchObject({ method: 'POST', url: '/payments/ok/cancel' });
    expect(request?.headers).toMatchObject({
      authorization: `PortOne ${SECRET}`,
      'idempotency-key': `"${IDEMPOTENCY_KEY}"`,
      'content-type': 'application/json',
    });
    expect(JSON.parse(request?.body ?? '')).toEqual({
      reason: '금액 위변조',
      currentCancellableAmount: 14000,
    });
  });

  it('keeps its connections alive across calls, and closes them on close()', async () => {
    await Promise.all(Array.from({ length: 5 }, () => client.getPayment('ok')));
    const afterBurst = server.connections();
    for (let call = 0; call < 20; call++) await client.getPayment('ok');

    // At most one socket per concurrent call; the 20 sequential calls reuse them (undici may open one
    // more while a socket is still being released, never one per call).
    expect(afterBurst).toBeLessThanOrEqual(5);
    expect(server.connections()).toBeLessThanOrEqual(afterBurst + 1);
    expect(server.openSockets()).toBeGreaterThan(0);

    await client.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.openSockets()).toBe(0);
  });

  it.each([
    ['headers that never come', 'silent', 'at the deadline'],
    ['a body that stalls half way', 'stall', 'at the deadline'],
    ['a body that drips forever', 'drip', 'at the deadline'],
    ['a peer hanging up', 'hangup', 'at once'],
  ])('fails over %s as unavailable, %s', async (_, paymentId, when) => {
    const started = performance.now();

    await expect(client.getPayment(paymentId)).rejects.toBeInstanceOf(PortOneUnavailableError);

    const elapsed = performance.now() - started;
    if (when === 'at the deadline') expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    expect(elapsed).toBeLessThan(TIMEOUT_MS + 1000);
  });

  it('maps a refused connection to PortOneUnavailableError with the socket error as cause', async () => {
    const closed = await startServer();
    const url = closed.url;
    await closed.close();
    const offline = createPortOneClient({ baseUrl: url, secret: SECRET });

    const error = await rejectionOf(offline.getPayment('ok'));
    await offline.close();

    expect(error).toBeInstanceOf(PortOneUnavailableError);
    expect((error as Error).message).toBe('getPayment: connection failed (ECONNREFUSED)');
    expect((error as Error).cause).toMatchObject({ code: 'ECONNREFUSED' });
  });
});
