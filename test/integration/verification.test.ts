import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCompleteHandler } from '../../functions/complete/complete';
import { createCreateOrderHandler } from '../../functions/createOrder/createOrder';
import { createGetOrderHandler } from '../../functions/getOrder/getOrder';
import { createMobileHandler } from '../../functions/mobile/mobile';
import { createWebhookHandler } from '../../functions/webhook/webhook';
import { createLogger } from '../../shared/logger';
import type { Order } from '../../shared/orders/types';
import { registerDeps } from '../../shared/runtime/flows';
import { formEvent, httpApiEvent, jsonEvent } from '../helpers/events';
import { invoker } from '../helpers/invoke';
import { serveHandlers } from '../helpers/lambdaHttp';
import {
  payInSandbox,
  sandboxControl,
  sandboxRequests,
  startTestStack,
  type TestStack,
  uniqueMerchantUid,
} from '../helpers/stack';

const logger = createLogger('test');
const resultPage = new URL('https://shop.example.com/result');
let stack: TestStack;
let webhookServer: { url: string; close(): Promise<void> };
type Invoke = ReturnType<typeof invoker>;
let complete: Invoke;
let mobile: Invoke;
let webhook: Invoke;
let createOrder: Invoke;
let getOrder: Invoke;

beforeAll(async () => {
  // The sandbox needs the webhook URL at start, and the handler needs the sandbox: route through a holder.
  const routes: Parameters<typeof serveHandlers>[0] = {};
  webhookServer = await serveHandlers(routes);
  stack = await startTestStack({
    webhookUrl: `${webhookServer.url}/payments/webhook`,
    env: { RECONCILE_AFTER_SECONDS: '600' },
  });
  complete = invoker(createCompleteHandler(stack.deps, logger, []));
  mobile = invoker(createMobileHandler(stack.deps, logger, resultPage));
  webhook = invoker(createWebhookHandler(stack.deps, logger, { allowedIps: [] }));
  createOrder = invoker(createCreateOrderHandler(registerDeps(stack.config, stack.ports, logger), logger));
  getOrder = invoker(createGetOrderHandler(stack.orders, logger));
  routes['POST /payments/webhook'] = webhook;
});

afterAll(async () => {
  await stack.close();
  await webhookServer.close();
});

async function register(amount = 14_000, currency = 'KRW'): Promise<string> {
  const merchantUid = uniqueMerchantUid();
  const result = await createOrder(
    jsonEvent({ merchant_uid: merchantUid, amount, currency, name: '주문명:결제테스트' }),
  );
  expect(result.statusCode).toBe(201);
  return merchantUid;
}

/** An order the merchant's own system wrote without Iamport's prepare: the only way tampering gets through. */
async function registerWithoutPrepare(amount: number, currency = 'KRW'): Promise<string> {
  const merchantUid = uniqueMerchantUid();
  await stack.orders.create({ merchant_uid: merchantUid, amount, currency }, new Date());
  return merchantUid;
}

async function order(merchantUid: string): Promise<Order> {
  const stored = await stack.orders.get(merchantUid);
  if (!stored) throw new Error(`order ${merchantUid} is missing`);
  return stored;
}

function body(result: { body?: string }): Record<string, unknown> {
  return JSON.parse(result.body ?? '{}') as Record<string, unknown>;
}

async function cancelCalls(): Promise<number> {
  return (await sandboxRequests(stack.sandbox)).filter((r) => r.path === '/payments/cancel').length;
}

describe('POST /payments/complete', () => {
  it('verifies a paid payment posted as a jQuery form body', async () => {
    const merchantUid = await register();
    const payment = await payInSandbox(stack.sandbox, { merchant_uid: merchantUid, amount: 14_000 });
    const result = await complete(formEvent({ imp_uid: payment.imp_uid }));
    expect(result.statusCode).toBe(200);
    expect(body(result)).toMatchObject({
      status: 'paid',
      merchant_uid: merchantUid,
      imp_uid: payment.imp_uid,
      amount: 14_000,
    });
    const stored = await order(merchantUid);
    expect(stored.status).toBe('paid');
    expect(stored.imp_uid).toBe(payment.imp_uid);
    expect(stored.history.map((h) => [h.from, h.to, h.source])).toEqual([
      [null, 'pending', 'register'],
      ['pending', 'paid', 'complete'],
    ]);
  });

  it('verifies a JSON body with a matching merchant_uid, and answers a repeat without a new transition', async () => {
    const merchantUid = await register(5_000);
    const payment = await payInSandbox(stack.sandbox, { merchant_uid: merchantUid, amount: 5_000 });
    const first = await complete(jsonEvent({ imp_uid: payment.imp_uid, merchant_uid: merchantUid }));
    const again = await complete(jsonEvent({ imp_uid: payment.imp_uid, merchant_uid: merchantUid }));
    expect(body(first).status).toBe('paid');
    expect(body(again).status).toBe('paid');
    expect((await order(merchantUid)).history.filter((h) => h.to === 'paid')).toHaveLength(1);
  });

  it('cancels a tampered amount exactly once and marks the order forgery', async () => {
    const merchantUid = await registerWithoutPrepare(14_000);
    const payment = await payInSandbox(stack.sandbox, { merchant_uid: merchantUid, amount: 100 });
    const before = await cancelCalls();
    const first = await complete(formEvent({ imp_uid: payment.imp_uid }));
    expect(body(first)).toMatchObject({ status: 'forgery' });
    const second = await complete(formEvent({ imp_uid: payment.imp_uid }));
    expect(body(second)).toMatchObject({ status: 'forgery' });
    expect((await cancelCalls()) - before).toBe(1);
    const stored = await order(merchantUid);
    expect(stored.refunds).toEqual([
      expect.objectContaining({ imp_uid: payment.imp_uid, amount: 100, reason: 'forgery', status: 'done' }),
    ]);
    const atIamport = await stack.iamport.getPayment(payment.imp_uid);
    expect(atIamport.status).toBe('cancelled');
    expect(atIamport.cancel_amount).toBe(100);
  });

  it('treats a currency mismatch as forgery and refunds it', async () => {
    const merchantUid = await registerWithoutPrepare(14_000, 'KRW');
    const payment = await payInSandbox(stack.sandbox, {
      merchant_uid: merchantUid,
      amount: 14_000,
      currency: 'USD',
    });
    const result = await complete(formEvent({ imp_uid: payment.imp_uid }));
    expect(body(result).status).toBe('forgery');
    expect((await stack.iamport.getPayment(payment.imp_uid)).status).toBe('cancelled');
  });

  it('answers 409 when a paid imp_uid is replayed against another order, which stays untouched', async () => {
    const paidOrder = await register(1_000);
    const otherOrder = await register(1_000);
    const payment = await payInSandbox(stack.sandbox, { merchant_uid: paidOrder, amount: 1_000 });
    const result = await complete(jsonEvent({ imp_uid: payment.imp_uid, merchant_uid: otherOrder }));
    expect(result.statusCode).toBe(409);
    expect(body(result)).toEqual({ error: { code: 'MERCHANT_UID_MISMATCH', message: expect.any(String) } });
    const other = await order(otherOrder);
    expect(other.status).toBe('pending');
    expect(other.version).toBe(1);
  });

  it('refuses a test-channel (sandbox) payment and leaves the order pending', async () => {
    const merchantUid = await register(3_000);
    const payment = await payInSandbox(stack.sandbox, {
      merchant_uid: merchantUid,
      amount: 3_000,
      sandbox: true,
    });
    const result = await complete(formEvent({ imp_uid: payment.imp_uid }));
    expect(result.statusCode).toBe(404);
    expect((await order(merchantUid)).status).toBe('pending');
  });

  it('leaves a payment for an order that is not ours alone: 404, no cancel', async () => {
    const before = await cancelCalls();
    const payment = await payInSandbox(stack.sandbox, {
      merchant_uid: uniqueMerchantUid('foreign'),
      amount: 999,
    });
    const result = await complete(formEvent({ imp_uid: payment.imp_uid }));
    expect(result.statusCode).toBe(404);
    expect(body(result)).toMatchObject({ error: { code: 'ORDER_NOT_FOUND' } });
    expect(await cancelCalls()).toBe(before);
    expect((await stack.iamport.getPayment(payment.imp_uid)).status).toBe('paid');
  });

  it('rejects bad input with a 4xx and no Iamport call', async () => {
    const before = (await sandboxRequests(stack.sandbox)).length;
    for (const event of [
      formEvent({ imp_uid: '../../users/getToken' }),
      jsonEvent({}),
      httpApiEvent({ body: '{not json', headers: { 'content-type': 'application/json' } }),
      httpApiEvent({ body: 'x'.repeat(20_000), headers: { 'content-type': 'application/json' } }),
    ]) {
      const result = await complete(event);
      expect(result.statusCode).toBeGreaterThanOrEqual(400);
      expect(result.statusCode).toBeLessThan(500);
      expect(body(result)).toHaveProperty('error.code');
    }
    expect((await sandboxRequests(stack.sandbox)).length).toBe(before);
  });

  it('accepts a base64-encoded form body from API Gateway', async () => {
    const merchantUid = await register(2_000);
    const payment = await payInSandbox(stack.sandbox, { merchant_uid: merchantUid, amount: 2_000 });
    const result = await complete(
      httpApiEvent({
        body: Buffer.from(`imp_uid=${payment.imp_uid}&extra=1`).toString('base64'),
        isBase64Encoded: true,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
    );
    expect(body(result).status).toBe('paid');
  });
});

describe('GET /payments/complete/mobile', () => {
  it('redirects to the result page with the verified status', async () => {
    const merchantUid = await register(7_000);
    const payment = await payInSandbox(stack.sandbox, { merchant_uid: merchantUid, amount: 7_000 });
    const result = await mobile(
      httpApiEvent({
        method: 'GET',
        query: { imp_uid: payment.imp_uid, merchant_uid: merchantUid, imp_success: 'false' },
      }),
    );
    expect(result.statusCode).toBe(302);
    expect(result.headers?.['cache-control']).toBe('no-store');
    const location = new URL(String(result.headers?.location));
    expect(location.origin + location.pathname).toBe(resultPage.toString());
    expect(Object.fromEntries(location.searchParams)).toEqual({
      merchant_uid: merchantUid,
      imp_uid: payment.imp_uid,
      status: 'paid',
    });
  });

  it('redirects bad input to the result page with status=invalid, never elsewhere', async () => {
    const result = await mobile(httpApiEvent({ method: 'GET', query: { imp_uid: 'https://evil.example' } }));
    expect(result.statusCode).toBe(302);
    const location = new URL(String(result.headers?.location));
    expect(location.host).toBe(resultPage.host);
    expect(location.searchParams.get('status')).toBe('invalid');
  });
});

describe('POST /payments/webhook', () => {
  it.each(['json', 'form'] as const)(
    'settles an order from a %s webhook the sandbox sends',
    async (format) => {
      const merchantUid = await register(8_000);
      await payInSandbox(stack.sandbox, {
        merchant_uid: merchantUid,
        amount: 8_000,
        notify: true,
        webhook_format: format,
      });
      await stack.sandbox.idle();
      const stored = await order(merchantUid);
      expect(stored.status).toBe('paid');
      expect(stored.history.at(-1)).toMatchObject({ from: 'pending', to: 'paid', source: 'webhook' });
    },
  );

  it('does not trust a forged notice: body says paid, Iamport says ready', async () => {
    const merchantUid = await register(9_000);
    const payment = await payInSandbox(stack.sandbox, {
      merchant_uid: merchantUid,
      amount: 9_000,
      status: 'ready',
    });
    const result = await webhook(
      jsonEvent({ imp_uid: payment.imp_uid, merchant_uid: merchantUid, status: 'paid' }),
    );
    expect(result.statusCode).toBe(200);
    expect(body(result)).toEqual({ ok: true, status: 'failed' });
    expect((await order(merchantUid)).status).not.toBe('paid');
  });

  it('answers 200 unknown for a payment that is not ours', async () => {
    const payment = await payInSandbox(stack.sandbox, {
      merchant_uid: uniqueMerchantUid('foreign'),
      amount: 10,
    });
    const result = await webhook(
      formEvent({ imp_uid: payment.imp_uid, merchant_uid: payment.merchant_uid, status: 'paid' }),
    );
    expect(result.statusCode).toBe(200);
    expect(body(result)).toEqual({ ok: true, status: 'unknown' });
  });

  it('refuses sources outside WEBHOOK_ALLOWED_IPS with 403 and no state change', async () => {
    const guarded = invoker(createWebhookHandler(stack.deps, logger, { allowedIps: ['52.78.100.19'] }));
    const result = await guarded(jsonEvent({ imp_uid: 'imp_123456789012' }, { sourceIp: '198.51.100.1' }));
    expect(result.statusCode).toBe(403);
    const allowed = await guarded(jsonEvent({ imp_uid: 'imp_000000000001' }, { sourceIp: '52.78.100.19' }));
    expect(allowed.statusCode).toBe(200);
  });

  it('follows a vbank from issue to deposit', async () => {
    const merchantUid = await register(50_000);
    const payment = await payInSandbox(stack.sandbox, {
      merchant_uid: merchantUid,
      amount: 50_000,
      status: 'ready',
      pay_method: 'vbank',
      notify: true,
    });
    await stack.sandbox.idle();
    const issued = await order(merchantUid);
    expect(issued.status).toBe('vbank_issued');
    expect(issued.vbank).toMatchObject({
      num: expect.any(String),
      bank: expect.any(String),
      due: expect.any(Number),
    });
    const answer = await complete(formEvent({ imp_uid: payment.imp_uid }));
    expect(body(answer)).toMatchObject({ status: 'vbank_issued', vbank: { num: issued.vbank?.num } });

    await sandboxControl(stack.sandbox, `/__sandbox/payments/${payment.imp_uid}/deposit`);
    await stack.sandbox.idle();
    const deposited = await order(merchantUid);
    expect(deposited.status).toBe('paid');
    expect(deposited.history.map((h) => h.to)).toEqual(['pending', 'vbank_issued', 'paid']);
  });

  it('reflects a cancel from the admin console, full after partial', async () => {
    const merchantUid = await register(20_000);
    const payment = await payInSandbox(stack.sandbox, {
      merchant_uid: merchantUid,
      amount: 20_000,
      notify: true,
    });
    await stack.sandbox.idle();
    await sandboxControl(stack.sandbox, `/__sandbox/payments/${payment.imp_uid}/cancel`, { amount: 5_000 });
    await stack.sandbox.idle();
    const partial = await order(merchantUid);
    expect(partial.status).toBe('partially_cancelled');
    expect(partial.cancel_amount).toBe(5_000);
    await sandboxControl(stack.sandbox, `/__sandbox/payments/${payment.imp_uid}/cancel`, {});
    await stack.sandbox.idle();
    const cancelled = await order(merchantUid);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.history.map((h) => h.to)).toEqual([
      'pending',
      'paid',
      'partially_cancelled',
      'cancelled',
    ]);
  });

  it('ends paid after a failed attempt, and a late failed notice does not undo it', async () => {
    const merchantUid = await register(4_000);
    const failed = await payInSandbox(stack.sandbox, {
      merchant_uid: merchantUid,
      amount: 4_000,
      status: 'failed',
    });
    await complete(formEvent({ imp_uid: failed.imp_uid }));
    expect((await order(merchantUid)).status).toBe('failed');
    const paid = await payInSandbox(stack.sandbox, { merchant_uid: merchantUid, amount: 4_000 });
    await complete(formEvent({ imp_uid: paid.imp_uid }));
    await webhook(jsonEvent({ imp_uid: failed.imp_uid, merchant_uid: merchantUid, status: 'failed' }));
    const stored = await order(merchantUid);
    expect(stored.status).toBe('paid');
    expect(stored.imp_uid).toBe(paid.imp_uid);
    expect(stored.history.map((h) => h.to)).toEqual(['pending', 'failed', 'paid']);
  });

  it('applies one paid transition under 50 concurrent duplicate webhooks and a PC complete', async () => {
    const merchantUid = await register(12_345);
    const payment = await payInSandbox(stack.sandbox, { merchant_uid: merchantUid, amount: 12_345 });
    const notices = Array.from({ length: 50 }, (_, i) =>
      webhook(
        i % 2 === 0
          ? jsonEvent({ imp_uid: payment.imp_uid, merchant_uid: merchantUid, status: 'paid' })
          : formEvent({ imp_uid: payment.imp_uid, merchant_uid: merchantUid, status: 'paid' }),
      ),
    );
    const results = await Promise.all([...notices, complete(formEvent({ imp_uid: payment.imp_uid }))]);
    expect(results.every((r) => r.statusCode === 200)).toBe(true);
    const stored = await order(merchantUid);
    expect(stored.status).toBe('paid');
    expect(stored.history.filter((h) => h.to === 'paid')).toHaveLength(1);
    expect(stored.version).toBe(2);
  });
});

describe('Iamport unreachable', () => {
  it('queues the work and answers 202 pending; nothing is decided', async () => {
    const merchantUid = await register(6_000);
    const payment = await payInSandbox(stack.sandbox, { merchant_uid: merchantUid, amount: 6_000 });
    await sandboxControl(stack.sandbox, '/__sandbox/faults', { rate: 1, status: 503 });
    try {
      const result = await complete(formEvent({ imp_uid: payment.imp_uid }));
      expect(result.statusCode).toBe(202);
      expect(body(result).status).toBe('pending');
      const hook = await webhook(jsonEvent({ imp_uid: payment.imp_uid, merchant_uid: merchantUid }));
      expect(body(hook)).toEqual({ ok: true, status: 'pending' });
      const redirect = await mobile(
        httpApiEvent({ method: 'GET', query: { imp_uid: payment.imp_uid, merchant_uid: merchantUid } }),
      );
      expect(new URL(String(redirect.headers?.location)).searchParams.get('status')).toBe('pending');
    } finally {
      await sandboxControl(stack.sandbox, '/__sandbox/faults', undefined, 'DELETE');
    }
    expect(stack.queue.sent.filter((s) => s.message.imp_uid === payment.imp_uid)).toHaveLength(3);
    expect((await order(merchantUid)).status).toBe('pending');
  });

  it('answers the webhook with a 5xx only when it could not even queue', async () => {
    await sandboxControl(stack.sandbox, '/__sandbox/faults', { rate: 1, status: 503 });
    stack.queue.failing = true;
    try {
      const result = await webhook(jsonEvent({ imp_uid: 'imp_555555555555' }));
      expect(result.statusCode).toBe(503);
    } finally {
      stack.queue.failing = false;
      await sandboxControl(stack.sandbox, '/__sandbox/faults', undefined, 'DELETE');
    }
  });
});

describe('orders', () => {
  it('creates, repeats identically, refuses another amount, registers the amount with Iamport', async () => {
    const merchantUid = uniqueMerchantUid();
    const created = await createOrder(jsonEvent({ merchant_uid: merchantUid, amount: 14_000 }));
    expect(created.statusCode).toBe(201);
    expect(body(created)).toMatchObject({
      merchant_uid: merchantUid,
      amount: 14_000,
      currency: 'KRW',
      status: 'pending',
    });
    expect((await createOrder(jsonEvent({ merchant_uid: merchantUid, amount: 14_000 }))).statusCode).toBe(
      200,
    );
    const conflict = await createOrder(jsonEvent({ merchant_uid: merchantUid, amount: 15_000 }));
    expect(conflict.statusCode).toBe(409);
    expect(await stack.iamport.getPrepared(merchantUid)).toMatchObject({
      merchant_uid: merchantUid,
      amount: 14_000,
    });
    const fetched = await getOrder(
      httpApiEvent({ method: 'GET', pathParameters: { merchant_uid: merchantUid } }),
    );
    expect(body(fetched)).toMatchObject({
      status: 'pending',
      history: [{ to: 'pending', source: 'register' }],
    });
    const missing = await getOrder(httpApiEvent({ method: 'GET', pathParameters: { merchant_uid: 'nope' } }));
    expect(missing.statusCode).toBe(404);
  });

  it('refuses fractional won and non-positive amounts', async () => {
    for (const amount of [100.5, 0, -1]) {
      const result = await createOrder(jsonEvent({ merchant_uid: uniqueMerchantUid(), amount }));
      expect(result.statusCode).toBe(400);
    }
  });
});
