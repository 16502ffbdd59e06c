import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCompleteHandler } from '../../functions/complete/complete';
import { createCreateOrderHandler } from '../../functions/createOrder/createOrder';
import { createMobileHandler } from '../../functions/mobile/mobile';
import { createV2WebhookHandler } from '../../functions/webhook/v2Webhook';
import { demoV2StoreId, demoV2WebhookSecret } from '../../sandbox';
import { createLogger } from '../../shared/logger';
import type { Order } from '../../shared/orders/types';
import { registerDeps } from '../../shared/runtime/flows';
import { formEvent, httpApiEvent, jsonEvent } from '../helpers/events';
import { invoker } from '../helpers/invoke';
import { eventually, type ReconcileStack, startReconcileStack } from '../helpers/reconcileStack';
import { sandboxControl, uniqueMerchantUid } from '../helpers/stack';

/** PortOne V2 orders through the whole loop over real HTTP: dynalite, the sandbox's V2 API, the queue. */
const logger = createLogger('test-v2');
let stack: ReconcileStack;
type Invoke = ReturnType<typeof invoker>;
let complete: Invoke;
let createOrder: Invoke;

beforeAll(async () => {
  stack = await startReconcileStack(
    { reconcileAfterSeconds: 1, reconcileMaxAgeSeconds: 30, retryBaseSeconds: 1 },
    { timeoutMs: 1000 },
  );
  complete = invoker(createCompleteHandler(stack.deps, logger, [], 'v2'));
  createOrder = invoker(createCreateOrderHandler(registerDeps(stack.config, stack.ports, logger), logger));
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

async function register(amount: number): Promise<string> {
  const paymentId = uniqueMerchantUid('payment');
  const result = await createOrder(jsonEvent({ merchant_uid: paymentId, amount, api: 'v2' }));
  expect(result.statusCode, result.body).toBe(201);
  return paymentId;
}

async function payV2(paymentId: string, amount: number, extra: Record<string, unknown> = {}) {
  return sandboxControl(stack.sandbox, '/__sandbox/v2/payments', {
    paymentId,
    amount,
    notify: false,
    ...extra,
  });
}

async function order(merchantUid: string): Promise<Order> {
  const stored = await stack.orders.get(merchantUid);
  if (!stored) throw new Error(`no order ${merchantUid}`);
  return stored;
}

describe('PortOne V2 orders', () => {
  it('registers a V2 order and pre-registers its amount: a checkout for another amount is refused', async () => {
    const paymentId = await register(14_000);
    expect(await order(paymentId)).toMatchObject({ api: 'v2', status: 'pending', amount: 14_000 });

    const other = await payV2(paymentId, 1_000);
    expect(other.status).toBe(409);
  });

  it('completes a paid V2 payment by its paymentId: 200 with payment_id and transaction_id', async () => {
    const paymentId = await register(14_000);
    expect((await payV2(paymentId, 14_000)).status).toBe(201);

    const result = await complete(jsonEvent({ paymentId }));

    expect(result.statusCode).toBe(200);
    const body = JSON.parse(result.body ?? '{}') as Record<string, unknown>;
    expect(body).toMatchObject({ status: 'paid', payment_id: paymentId, amount: 14_000 });
    expect(body.transaction_id).toEqual(expect.any(String));
    expect(body).not.toHaveProperty('imp_uid');
    expect(await order(paymentId)).toMatchObject({ status: 'paid', transaction_id: body.transaction_id });
    // A form post reads the same, and a repeat changes nothing.
    const again = await complete(formEvent({ paymentId }));
    expect(JSON.parse(again.body ?? '{}')).toMatchObject({ status: 'paid' });
    expect((await order(paymentId)).history.filter((entry) => entry.to === 'paid')).toHaveLength(1);
  });

  it('refunds a V2 payment for another amount once, at PortOne, and answers forgery', async () => {
    const paymentId = uniqueMerchantUid('payment');
    // Registered without pre-registration (as a merchant whose window check was bypassed).
    await stack.orders.create(
      { merchant_uid: paymentId, amount: 15_000, currency: 'KRW', api: 'v2' },
      new Date(),
    );
    expect((await payV2(paymentId, 14_000)).status).toBe(201);

    const first = await complete(jsonEvent({ paymentId }));
    await complete(jsonEvent({ paymentId }));

    expect(JSON.parse(first.body ?? '{}')).toMatchObject({ status: 'forgery' });
    const stored = await order(paymentId);
    expect(stored.refunds).toEqual([
      expect.objectContaining({ transaction_id: expect.any(String), amount: 14_000, status: 'done' }),
    ]);
    const atPortOne = stack.sandbox.state.v2.payments.get(paymentId);
    expect(atPortOne?.cancellations).toHaveLength(1);
  });

  it('answers 404 PAYMENT_NOT_FOUND, naming PortOne, for an order PortOne has no payment of', async () => {
    const paymentId = await register(14_000);

    const result = await complete(jsonEvent({ paymentId }));

    expect(result.statusCode).toBe(404);
    expect(JSON.parse(result.body ?? '{}')).toEqual({
      error: { code: 'PAYMENT_NOT_FOUND', message: 'PortOne has no such payment' },
    });
  });

  it('refuses a V2 test-channel payment', async () => {
    const paymentId = await register(14_000);
    await payV2(paymentId, 14_000, { channel: 'TEST' });

    const result = await complete(jsonEvent({ paymentId }));

    expect(result.statusCode).toBe(409);
    expect(JSON.parse(result.body ?? '{}')).toMatchObject({ error: { code: 'SANDBOX_PAYMENT_REFUSED' } });
    expect((await order(paymentId)).status).toBe('pending');
  });

  it('reconciles a V2 payment whose every notice was lost, by the order’s own check', async () => {
    const paymentId = await register(14_000);
    await payV2(paymentId, 14_000);

    const paid = await eventually(async () => {
      const stored = await order(paymentId);
      return stored.status === 'paid' ? stored : undefined;
    });
    expect(paid.history.at(-1)).toMatchObject({
      to: 'paid',
      source: 'reconcile',
      transaction_id: expect.any(String),
    });
  });

  it('queues a completion while PortOne is down and settles it once PortOne is back', async () => {
    const paymentId = await register(14_000);
    await payV2(paymentId, 14_000);
    await sandboxControl(stack.sandbox, '/__sandbox/faults', { rate: 1, status: 503 });
    let answer: Awaited<ReturnType<Invoke>>;
    try {
      answer = await complete(jsonEvent({ paymentId }));
    } finally {
      await sandboxControl(stack.sandbox, '/__sandbox/faults', undefined, 'DELETE');
    }
    expect(answer.statusCode).toBe(202);
    const paid = await eventually(async () => {
      const stored = await order(paymentId);
      return stored.status === 'paid' ? stored : undefined;
    });
    expect(paid.history.filter((entry) => entry.to === 'paid')).toHaveLength(1);
  });
});

describe('POST /v2/payments/webhook', () => {
  let webhook: Invoke;
  beforeAll(() => {
    webhook = invoker(
      createV2WebhookHandler(stack.deps, logger, { secrets: [demoV2WebhookSecret], storeId: demoV2StoreId }),
    );
  });

  /** A notice as PortOne sends it: the body signed per Standard Webhooks with `secret`, at `at` (ms). */
  function notice(body: string, options: { secret?: string; at?: number; contentType?: string } = {}) {
    const id = `msg_${randomUUID()}`;
    const at = new Date(options.at ?? Date.now());
    const signature = new Webhook(options.secret ?? demoV2WebhookSecret).sign(id, at, body);
    return httpApiEvent({
      body,
      headers: {
        'content-type': options.contentType ?? 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': signature,
      },
    });
  }
  const paidNotice = (paymentId: string) =>
    JSON.stringify({
      type: 'Transaction.Paid',
      timestamp: new Date().toISOString(),
      data: { storeId: demoV2StoreId, paymentId, transactionId: 'tx_claimed' },
    });

  it('settles the order named by a signed notice, from what PortOne says', async () => {
    const paymentId = await register(14_000);
    await payV2(paymentId, 14_000);

    const result = await webhook(notice(paidNotice(paymentId)));

    expect(JSON.parse(result.body ?? '{}')).toEqual({ ok: true, status: 'paid' });
    expect((await order(paymentId)).history.at(-1)).toMatchObject({ to: 'paid', source: 'webhook' });
  });

  it('believes the API, not the body: a signed "paid" for a failed payment fails the order', async () => {
    const paymentId = await register(14_000);
    await payV2(paymentId, 14_000, { status: 'FAILED' });

    const result = await webhook(notice(paidNotice(paymentId)));

    expect(JSON.parse(result.body ?? '{}')).toEqual({ ok: true, status: 'failed' });
  });

  it.each([
    ['unsigned', (body: string) => ({ ...notice(body), headers: { 'content-type': 'application/json' } })],
    [
      'signed with another secret',
      (body: string) => notice(body, { secret: `whsec_${Buffer.from('x'.repeat(24)).toString('base64')}` }),
    ],
    [
      'stale (outside the 5-minute tolerance)',
      (body: string) => notice(body, { at: Date.now() - 10 * 60_000 }),
    ],
  ])('refuses a notice %s with 401, changing nothing', async (_label, make) => {
    const paymentId = await register(14_000);
    await payV2(paymentId, 14_000);

    const result = await webhook(make(paidNotice(paymentId)));

    expect(result.statusCode).toBe(401);
    expect(JSON.parse(result.body ?? '{}')).toMatchObject({ error: { code: 'INVALID_SIGNATURE' } });
    expect((await order(paymentId)).status).toBe('pending');
  });

  it('answers a signed but malformed body with a 400, changing nothing', async () => {
    for (const body of [
      '{not json',
      JSON.stringify({ type: 'Transaction.Paid', data: { paymentId: ' x' } }),
    ]) {
      const result = await webhook(notice(body));
      expect(result.statusCode).toBe(400);
    }
  });

  it('acknowledges unknown types and other stores, and reads the 2024-01-01 form body', async () => {
    const ignored = await webhook(
      notice(JSON.stringify({ type: 'BillingKey.Issued', timestamp: 't', data: {} })),
    );
    expect(JSON.parse(ignored.body ?? '{}')).toEqual({ ok: true, status: 'ignored' });
    const otherStore = await webhook(
      notice(
        JSON.stringify({
          type: 'Transaction.Paid',
          timestamp: 't',
          data: { storeId: 'store-other', paymentId: 'x' },
        }),
      ),
    );
    expect(JSON.parse(otherStore.body ?? '{}')).toEqual({ ok: true, status: 'ignored' });

    const paymentId = await register(14_000);
    await payV2(paymentId, 14_000);
    const legacy = await webhook(
      notice(new URLSearchParams({ payment_id: paymentId, tx_id: 'tx', status: 'Paid' }).toString(), {
        contentType: 'application/x-www-form-urlencoded',
      }),
    );
    expect(JSON.parse(legacy.body ?? '{}')).toEqual({ ok: true, status: 'paid' });
  });
});

describe('GET /v2/payments/redirect', () => {
  let redirect: Invoke;
  beforeAll(() => {
    redirect = invoker(createMobileHandler(stack.deps, logger, new URL('https://shop.test.kr/result'), 'v2'));
  });
  const land = async (query: string) => {
    const result = await redirect({ ...httpApiEvent({ method: 'GET' }), rawQueryString: query });
    expect(result.statusCode).toBe(302);
    expect(result.headers?.['cache-control']).toBe('no-store');
    return new URL(String(result.headers?.location));
  };

  it('lands on the result page with the status PortOne says, whatever the failure hints claim', async () => {
    const paymentId = await register(14_000);
    await payV2(paymentId, 14_000);

    const paid = await land(`paymentId=${encodeURIComponent(paymentId)}&code=FAILURE_TYPE_PG&message=x`);
    expect(paid.origin + paid.pathname).toBe('https://shop.test.kr/result');
    expect(Object.fromEntries(paid.searchParams)).toEqual({ merchant_uid: paymentId, status: 'paid' });

    const failedId = await register(14_000);
    await payV2(failedId, 14_000, { status: 'FAILED' });
    expect((await land(`paymentId=${encodeURIComponent(failedId)}`)).searchParams.get('status')).toBe(
      'failed',
    );
  });

  it('answers invalid for a redirect without a usable paymentId, never a 5xx', async () => {
    expect((await land('')).searchParams.get('status')).toBe('invalid');
    expect((await land('paymentId=%20x')).searchParams.get('status')).toBe('invalid');
    expect((await land('paymentId=nobody-has-this')).searchParams.get('status')).toBe('not_found');
  });
});

describe('PortOne V2 orders: more of the life of a payment', () => {
  it('issues a virtual account, then settles the order when the deposit arrives', async () => {
    const paymentId = await register(14_000);
    expect(
      (await payV2(paymentId, 14_000, { status: 'VIRTUAL_ACCOUNT_ISSUED', method: 'VIRTUAL_ACCOUNT' }))
        .status,
    ).toBe(201);

    const issued = await complete(jsonEvent({ paymentId }));
    const body = JSON.parse(issued.body ?? '{}') as { status: string; vbank?: { num: string } };
    expect(body.status).toBe('vbank_issued');
    expect(body.vbank?.num).toEqual(expect.any(String));

    await sandboxControl(stack.sandbox, `/__sandbox/v2/payments/${encodeURIComponent(paymentId)}/deposit`);
    const paid = await complete(jsonEvent({ paymentId }));
    expect(JSON.parse(paid.body ?? '{}')).toMatchObject({ status: 'paid' });
    expect((await order(paymentId)).history.map((entry) => entry.to)).toEqual([
      'pending',
      'vbank_issued',
      'paid',
    ]);
  });

  it('fails the order on a failed attempt, then takes the buyer’s second, paid one', async () => {
    const paymentId = await register(14_000);
    await payV2(paymentId, 14_000, { status: 'FAILED' });
    expect(JSON.parse((await complete(jsonEvent({ paymentId }))).body ?? '{}')).toMatchObject({
      status: 'failed',
    });

    expect((await payV2(paymentId, 14_000)).status).toBe(201);
    const paid = await complete(jsonEvent({ paymentId }));

    expect(JSON.parse(paid.body ?? '{}')).toMatchObject({ status: 'paid' });
    expect((await order(paymentId)).history.map((entry) => entry.to)).toEqual(['pending', 'failed', 'paid']);
  });

  it('takes one transition under a storm of duplicate completions', async () => {
    const paymentId = await register(14_000);
    await payV2(paymentId, 14_000);

    const answers = await Promise.all(Array.from({ length: 20 }, () => complete(jsonEvent({ paymentId }))));

    expect(new Set(answers.map((answer) => JSON.parse(answer.body ?? '{}').status))).toEqual(
      new Set(['paid']),
    );
    expect((await order(paymentId)).history.filter((entry) => entry.to === 'paid')).toHaveLength(1);
  });

  it('never answers a 5xx to malformed V2 input', async () => {
    for (const event of [
      jsonEvent({}),
      jsonEvent({ paymentId: '' }),
      jsonEvent({ paymentId: ' padded ' }),
      jsonEvent({ paymentId: 'x'.repeat(200) }),
      { ...jsonEvent({}), body: '{not json' },
    ]) {
      const result = await complete(event);
      expect(result.statusCode).toBeGreaterThanOrEqual(400);
      expect(result.statusCode).toBeLessThan(500);
    }
  });
});
