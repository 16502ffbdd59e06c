import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningLocalStack, startLocalStack } from '../helpers/localStack';

let stack: RunningLocalStack;

beforeAll(async () => {
  // Short reconciliation timings so a lost result is found within the test.
  stack = await startLocalStack({
    RECONCILE_AFTER_SECONDS: '1',
    RETRY_BASE_SECONDS: '1',
    SWEEP_INTERVAL_SECONDS: '2',
  });
}, 150_000);

afterAll(async () => {
  await stack?.stop();
});

async function post(url: string, body: string, contentType: string) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('npm start', () => {
  it('prints one ready line with the URLs', () => {
    const ready = stack
      .output()
      .split('\n')
      .filter((line) => line.startsWith('ready: '));
    expect(ready).toHaveLength(1);
    expect(ready[0]).toContain(stack.apiUrl);
    expect(ready[0]).toContain(stack.sandboxUrl);
  });

  it('runs the PC flow: register, pay in the sandbox, complete with a form body, read the order', async () => {
    const merchantUid = `e2e_${Date.now()}`;
    const created = await post(
      `${stack.apiUrl}/orders`,
      JSON.stringify({ merchant_uid: merchantUid, amount: 14_000, name: '주문명:결제테스트' }),
      'application/json',
    );
    expect(created.status).toBe(201);

    const payment = await post(
      `${stack.sandboxUrl}/__sandbox/payments`,
      JSON.stringify({ merchant_uid: merchantUid, amount: 14_000, notify: false }),
      'application/json',
    );
    expect(payment.status).toBe(201);
    const impUid = String(payment.body.imp_uid);

    const completed = await post(
      `${stack.apiUrl}/payments/complete`,
      `imp_uid=${impUid}`,
      'application/x-www-form-urlencoded; charset=UTF-8',
    );
    expect(completed).toEqual({
      status: 200,
      body: expect.objectContaining({
        status: 'paid',
        merchant_uid: merchantUid,
        imp_uid: impUid,
        amount: 14_000,
      }),
    });

    const order = (await (await fetch(`${stack.apiUrl}/orders/${merchantUid}`)).json()) as Record<
      string,
      unknown
    >;
    expect(order).toMatchObject({ status: 'paid', imp_uid: impUid });
  });

  it('reconciles a payment whose redirect and webhook were both lost, with no further request', async () => {
    const merchantUid = `e2e_lost_${Date.now()}`;
    const created = await post(
      `${stack.apiUrl}/orders`,
      JSON.stringify({ merchant_uid: merchantUid, amount: 9_900 }),
      'application/json',
    );
    expect(created.status).toBe(201);
    await post(
      `${stack.sandboxUrl}/__sandbox/payments`,
      JSON.stringify({ merchant_uid: merchantUid, amount: 9_900, notify: false }),
      'application/json',
    );
    let order: Record<string, unknown> = {};
    for (let i = 0; i < 60 && order.status !== 'paid'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      order = (await (await fetch(`${stack.apiUrl}/orders/${merchantUid}`)).json()) as Record<
        string,
        unknown
      >;
    }
    expect(order.status).toBe('paid');
    expect(order.history).toEqual([
      expect.objectContaining({ to: 'pending', source: 'register' }),
      expect.objectContaining({ from: 'pending', to: 'paid', source: 'reconcile' }),
    ]);
  }, 60_000);

  it('runs PortOne V2 beside V1: register api v2, pay in the V2 sandbox, the signed webhook settles it', async () => {
    const ready =
      stack
        .output()
        .split('\n')
        .find((line) => line.startsWith('ready: ')) ?? '';
    expect(ready).toContain(`portone v2 sandbox ${stack.sandboxV2Url}`);
    expect(ready).toMatch(/webhook secret whsec_/);
    const paymentId = `e2e-v2-${Date.now()}`;
    const created = await post(
      `${stack.apiUrl}/orders`,
      JSON.stringify({ merchant_uid: paymentId, amount: 14_000, api: 'v2' }),
      'application/json',
    );
    expect(created.status).toBe(201);
    const payment = await post(
      `${stack.sandboxUrl}/__sandbox/v2/payments`,
      JSON.stringify({ paymentId, amount: 14_000 }),
      'application/json',
    );
    expect(payment.status).toBe(201);

    // No completion is posted: the sandbox's signed V2 webhook reaches the API and settles the order.
    const deadline = Date.now() + 20_000;
    let order: Record<string, unknown> = {};
    while (Date.now() < deadline) {
      order = (await (await fetch(`${stack.apiUrl}/orders/${paymentId}`)).json()) as Record<string, unknown>;
      if (order.status === 'paid') break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(order).toMatchObject({ status: 'paid', api: 'v2', transaction_id: expect.any(String) });
    const completed = await post(
      `${stack.apiUrl}/v2/payments/complete`,
      JSON.stringify({ paymentId }),
      'application/json',
    );
    expect(completed).toMatchObject({ status: 200, body: { status: 'paid', payment_id: paymentId } });
  });

  it('answers CORS as deployed: only /payments/complete, only to the shop, never with credentials', async () => {
    const calls: [string, string, RequestInit][] = [
      ['GET', '/orders/x', {}],
      ['POST', '/orders', { body: '{}', headers: { 'content-type': 'application/json' } }],
      ['POST', '/payments/complete', { body: 'imp_uid=x' }],
      ['GET', '/payments/complete/mobile', { redirect: 'manual' }],
      ['POST', '/payments/webhook', { body: '{}', headers: { 'content-type': 'application/json' } }],
    ];
    const corsOf = async (method: string, path: string, init: RequestInit, origin: string) => {
      const headers = { ...(init.headers as Record<string, string> | undefined), origin };
      const answer = await fetch(`${stack.apiUrl}${path}`, { ...init, method, headers });
      const preflight = await fetch(`${stack.apiUrl}${path}`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': method },
      });
      return [answer, preflight].map((response) => ({
        origin: response.headers.get('access-control-allow-origin'),
        credentials: response.headers.get('access-control-allow-credentials'),
      }));
    };
    const none = { origin: null, credentials: null };
    for (const [method, path, init] of calls) {
      for (const origin of ['https://evil.example', 'null']) {
        expect(await corsOf(method, path, init, origin), `${method} ${path} from ${origin}`).toEqual([
          none,
          none,
        ]);
      }
      const shop = await corsOf(method, path, init, stack.shopUrl);
      const granted = { origin: stack.shopUrl, credentials: null };
      expect(shop, `${method} ${path} from the shop`).toEqual(
        path === '/payments/complete' ? [granted, granted] : [none, none],
      );
    }
  });

  it('stops cleanly on Ctrl-C, releasing its ports', async () => {
    const ended = await stack.stop();
    // npm itself ends by the signal it was given; the stack under it exits 0.
    expect(ended.code === 0 || ended.signal === 'SIGINT').toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await expect(fetch(`${stack.apiUrl}/orders/x`)).rejects.toThrow();
    await expect(fetch(`${stack.sandboxUrl}/__sandbox/requests`)).rejects.toThrow();
  });
});
