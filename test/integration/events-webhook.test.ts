import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { WebhookDeliveryError } from '../../shared/events/errors';
import type { OrderEvent } from '../../shared/events/types';
import { createWebhookTarget, type WebhookTarget } from '../../shared/events/webhookTarget';

const SECRET = `whsec_${Buffer.from('integration-test-key-of-32-bytes').toString('base64')}`;
/** Larger than the socket's buffers, below the 128 KiB the target reads before it gives up on a body. */
const errorBody = JSON.stringify({ error: 'busy', detail: 'x'.repeat(100_000) });

const event: OrderEvent = {
  id: 'order_2002:3',
  type: 'order.vbank_issued',
  merchant_uid: 'order_2002',
  imp_uid: 'imp_900000000001',
  amount: 52000,
  currency: 'KRW',
  status: 'vbank_issued',
  previous_status: 'pending',
  version: 3,
  occurred_at: '2025-03-01T10:00:00.000Z',
};

/** One request as the receiver saw it, after verifying it the way a merchant would. */
interface Received {
  verified: unknown;
  webhookId: string | undefined;
  socket: number;
}

async function readRaw(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

/** Answers with `statuses` in turn (the last one repeats), verifying each request with standardwebhooks. */
async function startReceiver(statuses: number[]) {
  const received: Received[] = [];
  const sockets = new Map<object, number>();
  const server: Server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    const raw = await readRaw(request);
    const socket = sockets.get(request.socket) ?? sockets.size + 1;
    sockets.set(request.socket, socket);
    let verified: unknown;
    try {
      verified = new Webhook(SECRET).verify(raw, {
        'webhook-id': String(request.headers['webhook-id']),
        'webhook-timestamp': String(request.headers['webhook-timestamp']),
        'webhook-signature': String(request.headers['webhook-signature']),
      });
    } catch {
      response.writeHead(401).end();
      return;
    }
    received.push({ verified, webhookId: request.headers['webhook-id']?.toString(), socket });
    const status = statuses[Math.min(received.length, statuses.length) - 1] ?? 204;
    // Error answers carry a body, which the target must read off for the socket to be reused.
    response.writeHead(status, { 'content-type': 'application/json' }).end(status === 204 ? '' : errorBody);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { server, received, url: `http://127.0.0.1:${port}/hooks/iamport` };
}

describe('webhook target against a real HTTP receiver', () => {
  let server: Server | undefined;
  let target: WebhookTarget | undefined;

  afterEach(async () => {
    await target?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('delivers on the third attempt after two 500s; the receiver verifies the raw body and gets the event', async () => {
    const receiver = await startReceiver([500, 500, 204]);
    server = receiver.server;
    const sleeps: number[] = [];
    target = createWebhookTarget({
      url: receiver.url,
      secret: SECRET,
      // A short real pause, not the backoff: the finished socket must be back in the pool to be reused.
      sleep: async (ms) => {
        sleeps.push(ms);
        await delay(10);
      },
    });

    await target.deliver(event);

    expect(receiver.received).toHaveLength(3);
    for (const { verified, webhookId } of receiver.received) {
      expect(verified).toEqual(event);
      expect(webhookId).toBe(event.id);
    }
    expect(sleeps).toHaveLength(2);
    // One keep-alive connection for all three: every answer body was read off.
    expect(new Set(receiver.received.map(({ socket }) => socket))).toEqual(new Set([1]));
  });

  it('throws WebhookDeliveryError when the receiver keeps failing', async () => {
    const receiver = await startReceiver([503]);
    server = receiver.server;
    target = createWebhookTarget({
      url: receiver.url,
      secret: SECRET,
      maxAttempts: 2,
      sleep: async () => {},
    });

    await expect(target.deliver(event)).rejects.toMatchObject({
      name: 'WebhookDeliveryError',
      status: 503,
      attempts: 2,
    });
    expect(receiver.received).toHaveLength(2);
  });

  it('abandons an attempt whose receiver never answers after timeoutMs', async () => {
    const hanging = createServer(() => {
      // Reads nothing, answers nothing: the target's deadline must end each attempt.
    });
    server = hanging;
    hanging.listen(0, '127.0.0.1');
    await once(hanging, 'listening');
    const { port } = hanging.address() as AddressInfo;
    target = createWebhookTarget({
      url: `http://127.0.0.1:${port}/hooks`,
      secret: SECRET,
      timeoutMs: 100,
      maxAttempts: 2,
      sleep: async () => {},
    });

    const started = performance.now();
    const error = await target.deliver(event).catch((reason: unknown) => reason);

    expect(error).toBeInstanceOf(WebhookDeliveryError);
    expect(error).toMatchObject({
      status: undefined,
      attempts: 2,
      message: expect.stringContaining('100 ms'),
    });
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
