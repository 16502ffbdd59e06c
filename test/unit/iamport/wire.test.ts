import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Pool } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIamportClient, type IamportClient, IamportUnavailableError } from '../../../shared/iamport';
import { API_KEY, API_SECRET, envelope, paymentJson, rejectionOf, TOKEN } from './mockIamport';

/**
 * The client's own keep-alive Pool against a real HTTP server on port 0: what MockAgent cannot show
 * (sockets reused and closed, undici's timeouts, a peer that stalls or hangs up).
 */
const TIMEOUT_MS = 150;

type Route = (request: IncomingMessage, response: ServerResponse) => void;

const routes: Record<string, Route> = {
  'POST /users/getToken': (_, response) =>
    json(response, envelope({ access_token: TOKEN, now: 0, expired_at: 1800 })),
  'GET /payments/imp_ok': (_, response) => json(response, envelope(paymentJson({ imp_uid: 'imp_ok' }))),
  // Headers never come.
  'GET /payments/imp_silent': () => undefined,
  // Headers, half a body, then nothing.
  'GET /payments/imp_stall': (_, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.write('{"code":0,');
  },
  // A byte every 40 ms: each chunk arrives well within TIMEOUT_MS (undici's bodyTimeout restarts on
  // each), the whole body only after 2 s, and it is not JSON: only a deadline over the whole body stops it.
  'GET /payments/imp_drip': (_, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    const timer = setInterval(() => response.write(' '), 40);
    const end = setTimeout(() => response.end(), 2000);
    response.on('close', () => {
      clearInterval(timer);
      clearTimeout(end);
    });
  },
  'GET /payments/imp_hangup': (request) => request.socket.destroy(),
  // A byte-order mark, then the JSON in two writes split inside a three-byte character of the name.
  'GET /payments/imp_split': (_, response) => {
    const bytes = Buffer.from(`\uFEFF${JSON.stringify(envelope(paymentJson({ imp_uid: 'imp_split' })))}`);
    const cut = bytes.indexOf(Buffer.from('결')) + 1;
    response.writeHead(200, { 'content-type': 'application/json' });
    response.write(bytes.subarray(0, cut));
    setTimeout(() => response.end(bytes.subarray(cut)), 20);
  },
};

function json(response: ServerResponse, body: unknown) {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

async function startServer() {
  const sockets = new Set<Socket>();
  const received: string[] = [];
  let connections = 0;
  const server = createServer((request, response) => {
    received.push(`${request.method} ${request.url}`);
    request.resume();
    request.on('end', () => {
      const route = routes[`${request.method} ${request.url}`];
      if (route) route(request, response);
      else json(response, envelope(null, -1, 'no route'));
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
    connections: () => connections,
    received: () => received,
    openSockets: () => sockets.size,
    async close() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

describe('IamportClient over real HTTP with its own Pool', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let client: IamportClient;

  beforeEach(async () => {
    server = await startServer();
    client = createIamportClient({
      baseUrl: server.url,
      apiKey: API_KEY,
      apiSecret: API_SECRET,
      timeoutMs: TIMEOUT_MS,
    });
  });

  afterEach(async () => {
    await client.close();
    await server.close();
  });

  it('reuses kept-alive connections instead of opening one per call', async () => {
    for (let call = 0; call < 20; call++) await client.getPayment('imp_ok');

    // undici's Pool may open a second socket while the first is still being released; never more.
    expect(server.connections()).toBeLessThanOrEqual(2);
  });

  it('closes its sockets on close()', async () => {
    await client.getPayment('imp_ok');
    expect(server.openSockets()).toBeGreaterThan(0);

    await client.close();
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(server.openSockets()).toBe(0);
  });

  it.each([
    ['headers that never come', 'imp_silent'],
    ['a body that stalls half way', 'imp_stall'],
    ['a body that drips forever', 'imp_drip'],
  ])('gives up on %s after timeoutMs', async (_, impUid) => {
    await client.getToken();
    const started = performance.now();

    const error = await rejectionOf(client.getPayment(impUid));

    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(IamportUnavailableError);
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    expect(elapsed).toBeLessThan(TIMEOUT_MS + 1000);
  });

  it('counts the wait for a free connection against the deadline, and never sends a call that expired waiting', async () => {
    // One socket between two clients: the patient one's call holds it for 1 s, unanswered.
    const pool = new Pool(server.url, { connections: 1 });
    const options = { baseUrl: server.url, apiKey: API_KEY, apiSecret: API_SECRET, dispatcher: pool };
    const patient = createIamportClient({ ...options, timeoutMs: 1000 });
    const hurried = createIamportClient({ ...options, timeoutMs: TIMEOUT_MS });
    await patient.getToken();
    await hurried.getToken();
    const holding = rejectionOf(patient.getPayment('imp_silent'));
    const started = performance.now();

    const error = await rejectionOf(hurried.getPayment('imp_ok'));

    expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + 500);
    expect(error).toBeInstanceOf(IamportUnavailableError);
    expect((error as Error).message).toBe(`getPayment: no complete answer within ${TIMEOUT_MS} ms`);
    expect(await holding).toBeInstanceOf(IamportUnavailableError);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.received()).not.toContain('GET /payments/imp_ok');
    await Promise.all([patient.close(), hurried.close()]);
    await pool.close();
  });

  it('reads a body that comes in pieces, with a byte-order mark and a character split between them', async () => {
    const payment = await client.getPayment('imp_split');

    expect(payment).toMatchObject({ imp_uid: 'imp_split', name: '주문명:결제테스트' });
  });

  it('maps a call after close() to IamportUnavailableError (the pool refuses it before sending)', async () => {
    await client.close();

    const error = await rejectionOf(client.getPayment('imp_ok'));

    expect(error).toBeInstanceOf(IamportUnavailableError);
    expect((error as Error).message).toBe('getToken: connection failed (UND_ERR_DESTROYED)');
  });

  it('maps a peer hanging up to IamportUnavailableError', async () => {
    await expect(client.getPayment('imp_hangup')).rejects.toBeInstanceOf(IamportUnavailableError);
  });

  it('maps a refused connection to IamportUnavailableError with the socket error as cause', async () => {
    const closed = await startServer();
    const url = closed.url;
    await closed.close();
    const offline = createIamportClient({ baseUrl: url, apiKey: API_KEY, apiSecret: API_SECRET });

    const error = await rejectionOf(offline.getToken());
    await offline.close();

    expect(error).toBeInstanceOf(IamportUnavailableError);
    expect((error as Error).message).toBe('getToken: connection failed (ECONNREFUSED)');
    expect((error as Error).cause).toMatchObject({ code: 'ECONNREFUSED' });
  });
});
