import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { SandboxHandle } from '../../sandbox/index';
import {
  baseMs,
  baseSeconds,
  call,
  createPayment,
  envelope,
  getToken,
  type Receiver,
  start,
  startReceiver,
} from './helpers';

const deliverySchema = z.object({
  imp_uid: z.string(),
  merchant_uid: z.string(),
  status: z.string(),
  cancellation_id: z.string().nullable(),
  url: z.string(),
  format: z.enum(['json', 'form']),
  body: z.string(),
  response_status: z.number().nullable(),
  error: z.string().nullable(),
  at: z.number(),
});

describe('sandbox: webhooks', () => {
  let sandbox: SandboxHandle;
  let receiver: Receiver;
  let other: Receiver;

  beforeAll(async () => {
    receiver = await startReceiver();
    other = await startReceiver();
    sandbox = await start({ webhookUrl: `${receiver.url}/payments/webhook` });
  });
  afterAll(async () => {
    await sandbox.close();
    await receiver.close();
    await other.close();
  });
  beforeEach(() => {
    sandbox.state.reset();
    receiver.received.length = 0;
    other.received.length = 0;
    receiver.status = 200;
  });

  const bodies = (r: Receiver) => r.received.map((x) => x.body);

  it('posts exactly {imp_uid, merchant_uid, status} as JSON on paid', async () => {
    const paid = await createPayment(sandbox, { merchant_uid: 'order_json', amount: 1000 });
    await sandbox.idle();
    expect(receiver.received).toHaveLength(1);
    const [hit] = receiver.received;
    expect(hit?.method).toBe('POST');
    expect(hit?.url).toBe('/payments/webhook');
    expect(hit?.headers['content-type']).toBe('application/json');
    expect(hit?.body).toBe(
      JSON.stringify({ imp_uid: paid.imp_uid, merchant_uid: 'order_json', status: 'paid' }),
    );
  });

  it('posts form-urlencoded when the payment asks for it', async () => {
    const paid = await createPayment(sandbox, {
      merchant_uid: 'order form',
      amount: 1000,
      webhook_format: 'form',
    });
    await sandbox.idle();
    expect(receiver.received[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(bodies(receiver)).toEqual([`imp_uid=${paid.imp_uid}&merchant_uid=order+form&status=paid`]);
  });

  it('uses the configured format, changeable over PUT /__sandbox/config', async () => {
    const config = await call(sandbox.url, 'PUT', '/__sandbox/config', { json: { webhook_format: 'form' } });
    expect(config.body).toEqual({ webhook_url: `${receiver.url}/payments/webhook`, webhook_format: 'form' });
    const read = await call(sandbox.url, 'GET', '/__sandbox/config');
    expect(read.body).toEqual(config.body);
    const paid = await createPayment(sandbox, { merchant_uid: 'order_cfg', amount: 1000 });
    await sandbox.idle();
    expect(bodies(receiver)).toEqual([`imp_uid=${paid.imp_uid}&merchant_uid=order_cfg&status=paid`]);
  });

  it('sends to notice_url instead of the configured URL', async () => {
    const paid = await createPayment(sandbox, {
      merchant_uid: 'order_notice',
      amount: 1000,
      notice_url: `${other.url}/hooks/iamport`,
    });
    await sandbox.idle();
    expect(receiver.received).toHaveLength(0);
    expect(other.received.map((x) => [x.url, x.body])).toEqual([
      [
        '/hooks/iamport',
        JSON.stringify({ imp_uid: paid.imp_uid, merchant_uid: 'order_notice', status: 'paid' }),
      ],
    ]);
  });

  it('sends nothing for a failed payment, an abandoned window, or notify: false', async () => {
    await createPayment(sandbox, { merchant_uid: 'order_failed', amount: 1000, status: 'failed' });
    await createPayment(sandbox, { merchant_uid: 'order_open', amount: 1000, status: 'ready' });
    await createPayment(sandbox, { merchant_uid: 'order_quiet', amount: 1000, notify: false });
    await sandbox.idle();
    expect(receiver.received).toHaveLength(0);
    const log = await call(sandbox.url, 'GET', '/__sandbox/webhooks');
    expect(log.body).toEqual([]);
  });

  it('issues a vbank (ready notice), then a deposit makes it paid (paid notice)', async () => {
    const ready = await createPayment(sandbox, {
      merchant_uid: 'order_vbank',
      amount: 30_000,
      status: 'ready',
      pay_method: 'vbank',
    });
    expect(ready).toMatchObject({
      status: 'ready',
      pay_method: 'vbank',
      paid_at: 0,
      vbank_issued_at: baseSeconds,
      vbank_date: baseSeconds + 3 * 86_400,
      vbank_code: '004',
    });
    expect(ready.vbank_num).toMatch(/^\d{6}-\d{2}-\d{6}$/);
    expect(ready.vbank_name).not.toBeNull();
    expect(ready.vbank_holder).not.toBeNull();
    sandbox.clock.advance(3600);
    const deposit = await call(sandbox.url, 'POST', `/__sandbox/payments/${ready.imp_uid}/deposit`);
    expect(deposit.status).toBe(200);
    expect(deposit.body).toMatchObject({ status: 'paid', paid_at: baseSeconds + 3600 });
    await sandbox.idle();
    expect(bodies(receiver).map((b) => JSON.parse(b))).toEqual([
      { imp_uid: ready.imp_uid, merchant_uid: 'order_vbank', status: 'ready' },
      { imp_uid: ready.imp_uid, merchant_uid: 'order_vbank', status: 'paid' },
    ]);
    const twice = await call(sandbox.url, 'POST', `/__sandbox/payments/${ready.imp_uid}/deposit`);
    expect(twice.status).toBe(409);
    expect(envelope(twice).code).toBe(1);
    expect((await call(sandbox.url, 'POST', '/__sandbox/payments/imp_000000000000/deposit')).status).toBe(
      404,
    );
  });

  it('console cancel notifies with the cancellation_id of that cancel', async () => {
    const paid = await createPayment(sandbox, { merchant_uid: 'order_console', amount: 5000, notify: false });
    const res = await call(sandbox.url, 'POST', `/__sandbox/payments/${paid.imp_uid}/cancel`, {
      json: { amount: 2000 },
    });
    expect(res.status).toBe(200);
    const body = z
      .object({
        cancel_amount: z.number(),
        status: z.string(),
        cancel_history: z.array(z.object({ cancellation_id: z.string() })),
      })
      .parse(res.body);
    expect(body).toMatchObject({ cancel_amount: 2000, status: 'cancelled' });
    await sandbox.idle();
    expect(bodies(receiver)).toEqual([
      JSON.stringify({
        imp_uid: paid.imp_uid,
        merchant_uid: 'order_console',
        status: 'cancelled',
        cancellation_id: body.cancel_history[0]?.cancellation_id,
      }),
    ]);
    const tooMuch = await call(sandbox.url, 'POST', `/__sandbox/payments/${paid.imp_uid}/cancel`, {
      json: { amount: 9999 },
    });
    expect(tooMuch.status).toBe(409);
  });

  it('API cancel notifies only with enable_webhook: true', async () => {
    const token = await getToken(sandbox);
    const a = await createPayment(sandbox, { merchant_uid: 'order_api_a', amount: 1000, notify: false });
    const b = await createPayment(sandbox, { merchant_uid: 'order_api_b', amount: 1000, notify: false });
    await call(sandbox.url, 'POST', '/payments/cancel', { token, json: { imp_uid: a.imp_uid } });
    const withHook = await call(sandbox.url, 'POST', '/payments/cancel', {
      token,
      form: { imp_uid: b.imp_uid, enable_webhook: 'true' },
    });
    const cancellationId = z
      .object({ cancel_history: z.array(z.object({ cancellation_id: z.string() })) })
      .parse(envelope(withHook).response).cancel_history[0]?.cancellation_id;
    await sandbox.idle();
    expect(bodies(receiver).map((x) => JSON.parse(x))).toEqual([
      {
        imp_uid: b.imp_uid,
        merchant_uid: 'order_api_b',
        status: 'cancelled',
        cancellation_id: cancellationId,
      },
    ]);
  });

  it('re-sends on demand, with a forged status and another format', async () => {
    const paid = await createPayment(sandbox, { merchant_uid: 'order_forged', amount: 1000, notify: false });
    const forged = await call(sandbox.url, 'POST', `/__sandbox/webhooks/${paid.imp_uid}`, {
      json: { status: 'cancelled', format: 'form' },
    });
    expect(forged.status).toBe(202);
    const again = await call(sandbox.url, 'POST', `/__sandbox/webhooks/${paid.imp_uid}`);
    expect(again.status).toBe(202);
    await sandbox.idle();
    expect(receiver.received.map((x) => [x.headers['content-type'], x.body])).toEqual([
      [
        'application/x-www-form-urlencoded',
        `imp_uid=${paid.imp_uid}&merchant_uid=order_forged&status=cancelled`,
      ],
      [
        'application/json',
        JSON.stringify({ imp_uid: paid.imp_uid, merchant_uid: 'order_forged', status: 'paid' }),
      ],
    ]);
    // The forged notice changed nothing at "Iamport".
    expect(sandbox.state.payments.get(paid.imp_uid)?.payment.status).toBe('paid');
    expect((await call(sandbox.url, 'POST', '/__sandbox/webhooks/imp_000000000000')).status).toBe(404);
  });

  it('keeps a delivery log with the receiver status, errors, and ?wait=true', async () => {
    receiver.status = 500;
    const paid = await createPayment(sandbox, { merchant_uid: 'order_log', amount: 1000 });
    const dead = await createPayment(sandbox, {
      merchant_uid: 'order_dead',
      amount: 1000,
      notice_url: 'http://127.0.0.1:9/unreachable',
    });
    const res = await call(sandbox.url, 'GET', '/__sandbox/webhooks?wait=true');
    const log = z.array(deliverySchema).parse(res.body);
    expect(log).toHaveLength(2);
    expect(log[0]).toEqual({
      imp_uid: paid.imp_uid,
      merchant_uid: 'order_log',
      status: 'paid',
      cancellation_id: null,
      url: `${receiver.url}/payments/webhook`,
      format: 'json',
      body: JSON.stringify({ imp_uid: paid.imp_uid, merchant_uid: 'order_log', status: 'paid' }),
      response_status: 500,
      error: null,
      at: baseMs,
    });
    expect(log[1]).toMatchObject({
      imp_uid: dead.imp_uid,
      url: 'http://127.0.0.1:9/unreachable',
      response_status: null,
    });
    expect(log[1]?.error).toMatch(/ECONNREFUSED|connect/i);
    const emptied = await call(sandbox.url, 'DELETE', '/__sandbox/webhooks');
    expect([emptied.status, emptied.body]).toEqual([200, []]);
    expect((await call(sandbox.url, 'GET', '/__sandbox/webhooks')).body).toEqual([]);
  });

  it('refuses a re-send when no URL is configured', async () => {
    await call(sandbox.url, 'PUT', '/__sandbox/config', { json: { webhook_url: null } });
    const paid = await createPayment(sandbox, { merchant_uid: 'order_nourl', amount: 1000 });
    const res = await call(sandbox.url, 'POST', `/__sandbox/webhooks/${paid.imp_uid}`);
    expect(res.status).toBe(409);
    expect(envelope(res).code).toBe(1);
    await sandbox.idle();
    expect(receiver.received).toHaveLength(0);
  });
});
