import { inspect } from 'node:util';
import { Webhook } from 'standardwebhooks';
import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebhookDeliveryError } from '../../../shared/events/errors';
import { createWebhookTarget, type WebhookTargetOptions } from '../../../shared/events/webhookTarget';
import { anEvent, keyText, SECRET } from './fixtures';

const ORIGIN = 'https://shop.example.test';
const PATH = '/hooks/iamport?token=url-token-7Qx';

interface Seen {
  headers: Record<string, string>;
  body: string;
}

function headerRecord(headers: unknown): Record<string, string> {
  const record: Record<string, string> = {};
  if (typeof headers === 'object' && headers !== null) {
    for (const [key, value] of Object.entries(headers)) if (typeof value === 'string') record[key] = value;
  }
  return record;
}

describe('createWebhookTarget', () => {
  let agent: MockAgent;
  let seen: Seen[];
  let sleeps: number[];

  beforeEach(() => {
    agent = new MockAgent();
    agent.disableNetConnect();
    seen = [];
    sleeps = [];
  });

  afterEach(async () => {
    agent.assertNoPendingInterceptors();
    await agent.close();
  });

  const target = (overrides: Partial<WebhookTargetOptions> = {}) =>
    createWebhookTarget({
      url: `${ORIGIN}${PATH}`,
      secret: SECRET,
      dispatcher: agent,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      ...overrides,
    });

  /** Answers the next POST with `status`, recording what was sent. */
  const answer = (status: number, headers: Record<string, string> = {}) =>
    agent
      .get(ORIGIN)
      .intercept({ path: PATH, method: 'POST' })
      .reply(
        status,
        (request) => {
          seen.push({ headers: headerRecord(request.headers), body: String(request.body) });
          return status === 204 ? '' : '{"ok":true}';
        },
        { headers },
      );

  async function failure(promise: Promise<unknown>): Promise<WebhookDeliveryError> {
    const error = await promise.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(WebhookDeliveryError);
    if (!(error instanceof WebhookDeliveryError)) throw new Error('expected a WebhookDeliveryError');
    return error;
  }

  it('POSTs the event as signed JSON and resolves on 2xx', async () => {
    const event = anEvent();
    answer(204);

    await target().deliver(event);

    expect(seen).toHaveLength(1);
    const [{ headers, body }] = seen as [Seen];
    expect(JSON.parse(body)).toEqual(event);
    expect(headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'iamport-verify',
      'webhook-id': event.id,
    });
    expect(new Webhook(SECRET).verify(body, headers)).toEqual(event);
    expect(sleeps).toEqual([]);
  });

  it('retries a 503 and delivers on the 200 that follows: exactly two requests', async () => {
    answer(503);
    answer(200);

    await target().deliver(anEvent());

    expect(seen).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(100);
    expect(sleeps[0]).toBeLessThanOrEqual(200);
  });

  it.each([408, 409, 429, 500, 502])('retries HTTP %i', async (status) => {
    answer(status);
    answer(200);

    await target().deliver(anEvent());

    expect(seen).toHaveLength(2);
  });

  it.each([400, 401, 404, 410, 422, 301])('gives up on HTTP %i at once, not retryable', async (status) => {
    answer(status);

    const error = await failure(target().deliver(anEvent()));

    expect(error).toMatchObject({ status, attempts: 1, retryable: false, target: 'webhook' });
    expect(error.message).toBe(
      `webhook delivery of order.paid order_1001:2 failed after 1 attempt(s): HTTP ${status}, not retried`,
    );
    expect(seen).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('retries after a connection error', async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: PATH, method: 'POST' })
      .replyWithError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
    answer(200);

    await target().deliver(anEvent());

    expect(seen).toHaveLength(1);
    expect(sleeps).toHaveLength(1);
  });

  it('gives up on an attempt with no answer within timeoutMs, and retries it', async () => {
    agent.get(ORIGIN).intercept({ path: PATH, method: 'POST' }).reply(200, '').delay(1000);
    answer(200);

    const started = performance.now();
    await target({ timeoutMs: 30 }).deliver(anEvent());

    expect(performance.now() - started).toBeLessThan(500);
    expect(seen).toHaveLength(1);
  });

  it('throws WebhookDeliveryError when every attempt fails, backing off exponentially', async () => {
    answer(503);
    answer(503);
    answer(503);

    const error = await failure(target().deliver(anEvent()));

    expect(error).toMatchObject({
      status: 503,
      attempts: 3,
      retryable: true,
      code: 'WEBHOOK_DELIVERY_FAILED',
    });
    expect(error.message).toContain('failed after 3 attempt(s): HTTP 503');
    expect(sleeps).toHaveLength(2);
    expect(sleeps[1]).toBeGreaterThanOrEqual(200);
    expect(sleeps[1]).toBeLessThanOrEqual(400);
  });

  it('reports a timeout on the last attempt as such, with no status', async () => {
    agent.get(ORIGIN).intercept({ path: PATH, method: 'POST' }).reply(200, '').delay(1000);

    const error = await failure(target({ timeoutMs: 20, maxAttempts: 1 }).deliver(anEvent()));

    expect(error).toMatchObject({ status: undefined, attempts: 1, retryable: true });
    expect(error.message).toContain('no complete answer within 20 ms');
  });

  it('honours a short Retry-After and stops at once on a long one', async () => {
    answer(429, { 'retry-after': '1' });
    answer(200);
    await target().deliver(anEvent());
    expect(sleeps).toEqual([1000]);

    answer(503, { 'retry-after': '120' });
    const error = await failure(target().deliver(anEvent()));
    expect(error).toMatchObject({ status: 503, attempts: 1, retryable: true });
    expect(error.message).toContain('Retry-After 120 s, left for later');
  });

  it('sends the same webhook-id, freshly signed, when the same event is sent twice', async () => {
    const event = anEvent();
    let clock = Date.now();
    const sender = target({ now: () => clock });
    answer(200);
    answer(200);

    await sender.deliver(event);
    clock += 60_000;
    await sender.deliver(event);

    const [first, second] = seen as [Seen, Seen];
    expect(first.headers['webhook-id']).toBe(event.id);
    expect(second.headers['webhook-id']).toBe(event.id);
    expect(Number(second.headers['webhook-timestamp']) - Number(first.headers['webhook-timestamp'])).toBe(60);
    expect(first.body).toBe(second.body);
  });

  it('percent-encodes an id that is not visible ASCII, keeping it stable and the body as is', async () => {
    const event = anEvent({ id: '주문 1001:2', merchant_uid: '주문 1001' });
    answer(200);

    await target().deliver(event);

    const [{ headers, body }] = seen as [Seen];
    expect(headers['webhook-id']).toBe(encodeURIComponent('주문 1001:2'));
    expect(new Webhook(SECRET).verify(body, headers)).toEqual(event);
  });

  it('never puts the secret, the signature or the URL in an error', async () => {
    answer(500);
    agent.get(ORIGIN).intercept({ path: PATH, method: 'POST' }).replyWithError(new Error('socket hang up'));
    answer(400);

    const error = await failure(target().deliver(anEvent()));
    const everything = `${error.message}\n${inspect(error, { depth: 10 })}`;

    expect(seen).toHaveLength(2);
    expect(everything).not.toContain(keyText(SECRET));
    for (const { headers } of seen) {
      expect(everything).not.toContain(headers['webhook-signature']?.slice(3));
    }
    expect(everything).not.toContain('url-token-7Qx');
  });
});

describe('createWebhookTarget: options', () => {
  const create = (overrides: Partial<WebhookTargetOptions>) => () =>
    createWebhookTarget({ url: 'https://shop.example.test/h', secret: SECRET, ...overrides });

  it.each([
    'https://shop.example.test/hooks',
    'http://127.0.0.1:4000/hooks',
    'http://127.9.8.7/hooks',
    'http://localhost:4000/hooks',
    'http://[::1]:4000/hooks',
  ])('accepts %s', async (url) => {
    const target = create({ url })();
    expect(target.name).toBe('webhook');
    await target.close();
  });

  it.each([
    ['http://shop.example.test/hooks', 'https'],
    ['http://127.0.0.1.shop.example.test/hooks', 'https'],
    ['http://10.0.0.5/hooks', 'https'],
    ['ftp://shop.example.test/hooks', 'https'],
    ['https://user:pass@shop.example.test/hooks', 'credentials'],
    ['/hooks', 'absolute'],
  ])('refuses %s', (url, rule) => {
    expect(create({ url })).toThrow(rule);
    expect(create({ url })).toThrow(TypeError);
  });

  it('refuses a malformed secret without echoing it, and names each bad number', () => {
    const secret = `whsec_${Buffer.alloc(10, 7).toString('base64')}`;
    expect(create({ secret })).toThrow('createWebhookTarget: webhook secret decodes to 10 bytes');
    try {
      create({ secret })();
    } catch (error) {
      expect(String(error)).not.toContain(keyText(secret));
    }
    expect(create({ timeoutMs: 0 })).toThrow('timeoutMs');
    expect(create({ maxAttempts: 0 })).toThrow('maxAttempts');
    expect(create({ backoffMs: -1 })).toThrow('backoffMs');
    expect(create({ maxRetryAfterMs: Number.NaN })).toThrow('maxRetryAfterMs');
  });

  it('leaves an injected dispatcher open on close()', async () => {
    const agent = new MockAgent();
    const close = vi.spyOn(agent, 'close');
    await create({ dispatcher: agent })().close();

    expect(close).not.toHaveBeenCalled();
    close.mockRestore();
    await agent.close();
  });
});
