import type { PaymentResponse } from '@portone/browser-sdk/v2';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { demoV2StoreId, type SandboxHandle, startSandbox } from '../../sandbox/index';
import { call, type Receiver, startReceiver } from './helpers';
import { control, sdkView, v2Call } from './v2helpers';

const responseSchema = z.strictObject({
  paymentId: z.string(),
  transactionType: z.literal('PAYMENT'),
  txId: z.string().optional(),
  code: z.string().optional(),
  message: z.string().optional(),
  pgCode: z.string().optional(),
  pgMessage: z.string().optional(),
});
const finishSchema = z.strictObject({
  delivered: z.boolean(),
  txId: z.string().nullable(),
  response: responseSchema.nullable(),
  redirect_url: z.string().nullable(),
});
const openSchema = z.strictObject({
  order: z.looseObject({ merchant_uid: z.string(), amount: z.number(), tampered_amount: z.number() }),
  refusal: z.strictObject({ response: responseSchema, redirect_url: z.string().nullable() }).nullable(),
});

const receiver: Receiver = await startReceiver();
const sandbox: SandboxHandle = await startSandbox({ v2WebhookUrl: `${receiver.url}/portone-webhook` });
afterAll(() => Promise.all([sandbox.close(), receiver.close()]));
beforeEach(async () => {
  await sandbox.idle();
  sandbox.state.reset();
  receiver.received.length = 0;
});

/** `PortOne.requestPayment`'s request as the V2 guide writes it. */
const request = (extra: Record<string, unknown> = {}) => ({
  storeId: demoV2StoreId,
  channelKey: 'channel-key-00000000-0000-0000-0000-000000000000',
  paymentId: 'payment-w2',
  orderName: '나이키 와플 트레이너 2 SD',
  totalAmount: 1000,
  currency: 'CURRENCY_KRW',
  payMethod: 'CARD',
  ...extra,
});
const open = async (body: Record<string, unknown>) => {
  const res = await call(sandbox.url, 'POST', '/__sandbox/window/v2/open', { json: body });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return openSchema.parse(res.body);
};
const finish = async (body: Record<string, unknown>) => {
  const res = await call(sandbox.url, 'POST', '/__sandbox/window/v2/finish', { json: body });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return finishSchema.parse(res.body);
};
const notices = async () => {
  await sandbox.idle();
  return receiver.received.map((r) => JSON.parse(r.body) as { type: string; data: Record<string, unknown> });
};

describe('sandbox: the V2 payment window and browser SDK', () => {
  it('serves the browser SDK at the CDN path, outside the API log and its faults', async () => {
    await control(sandbox, 'POST', '/__sandbox/faults', { rate: 1 });
    const res = await fetch(`${sandbox.url}/v2/browser-sdk.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await res.text()).toContain('window.PortOne');
    expect((await call(sandbox.url, 'GET', '/__sandbox/requests')).body).toEqual([]);
  });

  it('pays through checkoutV2, signs the webhook and resolves with the SDK’s PaymentResponse', async () => {
    const answer = await finish({ request: request(), mode: 'iframe', outcome: 'paid' });
    const payment = sdkView(sandbox, 'payment-w2');
    expect(payment).toMatchObject({ status: 'PAID', amount: { total: 1000 }, currency: 'KRW' });
    expect(payment.channel.type).toBe('LIVE');
    const response: PaymentResponse | null = answer.response as PaymentResponse | null;
    expect(response).toEqual({
      paymentId: 'payment-w2',
      transactionType: 'PAYMENT',
      txId: payment.transactionId,
    });
    expect(answer).toMatchObject({ delivered: true, redirect_url: null });
    const [notice] = await notices();
    expect(notice).toMatchObject({
      type: 'Transaction.Paid',
      data: { paymentId: 'payment-w2', transactionId: payment.transactionId, storeId: demoV2StoreId },
    });
    expect(receiver.received[0]?.headers['webhook-signature']).toMatch(/^v1,/);
    // The API answers the same payment the window recorded.
    const api = await v2Call(sandbox, 'GET', '/payments/payment-w2');
    expect(api.body).toMatchObject({ status: 'PAID', transactionId: payment.transactionId });
  });

  it('redirects to redirectUrl with paymentId, and code/message/pgCode/pgMessage on failure', async () => {
    const redirectUrl = 'https://shop.example/v2/payments/redirect?lang=ko';
    const paid = await finish({ request: request({ redirectUrl }), mode: 'redirect', outcome: 'paid' });
    const ok = new URL(paid.redirect_url ?? '');
    expect(ok.origin + ok.pathname).toBe('https://shop.example/v2/payments/redirect');
    expect(Object.fromEntries(ok.searchParams)).toEqual({
      lang: 'ko',
      paymentId: 'payment-w2',
      transactionType: 'PAYMENT',
      txId: paid.txId,
    });

    const failed = await finish({
      request: request({ paymentId: 'payment-w2f', redirectUrl }),
      mode: 'redirect',
      outcome: 'failed',
    });
    const query = Object.fromEntries(new URL(failed.redirect_url ?? '').searchParams);
    expect(query).toMatchObject({
      paymentId: 'payment-w2f',
      code: 'PGProviderError',
      pgCode: 'SBX_DECLINED',
    });
    expect(query.message).toContain('card declined');
  });

  it('records a declined card and a closed window as FAILED attempts, each with its PG code', async () => {
    const declined = await finish({ request: request(), mode: 'iframe', outcome: 'failed' });
    expect(declined.response).toMatchObject({ code: 'PGProviderError', pgCode: 'SBX_DECLINED' });
    expect(sdkView(sandbox, 'payment-w2')).toMatchObject({ status: 'FAILED' });
    const closed = await finish({ request: request(), mode: 'iframe', outcome: 'closed' });
    expect(closed.response).toMatchObject({ code: 'PGProviderError', pgCode: 'PAY_PROCESS_CANCELED' });
    // A new attempt under the same paymentId: a new transactionId.
    expect(closed.txId).not.toBe(declined.txId);
    expect((await notices()).map((n) => n.type)).toEqual(['Transaction.Failed', 'Transaction.Failed']);
  });

  it('issues a virtual account, then a deposit pays it', async () => {
    const issued = await finish({ request: request(), mode: 'iframe', outcome: 'vbank' });
    expect(issued.response?.code).toBeUndefined();
    expect(sdkView(sandbox, 'payment-w2')).toMatchObject({
      status: 'VIRTUAL_ACCOUNT_ISSUED',
      method: { type: 'PaymentMethodVirtualAccount' },
    });
    await control(sandbox, 'POST', '/__sandbox/v2/payments/payment-w2/deposit', {});
    expect(sdkView(sandbox, 'payment-w2')).toMatchObject({ status: 'PAID' });
    expect((await notices()).map((n) => n.type)).toEqual([
      'Transaction.VirtualAccountIssued',
      'Transaction.Paid',
    ]);
  });

  it('refuses an amount other than the pre-registered one before any attempt, as PortOne does', async () => {
    await v2Call(sandbox, 'POST', '/payments/payment-w2/pre-register', {
      json: { totalAmount: 1000, currency: 'KRW' },
    });
    const opened = await open({ request: request({ totalAmount: 900 }), mode: 'iframe' });
    expect(opened.refusal?.response).toMatchObject({
      paymentId: 'payment-w2',
      code: 'AmountNotEqualToPredefined',
    });
    expect(opened.refusal?.response.txId).toBeUndefined();
    const finished = await finish({
      request: request({ totalAmount: 900 }),
      mode: 'iframe',
      outcome: 'paid',
    });
    expect(finished).toMatchObject({
      delivered: true,
      txId: null,
      response: { code: 'AmountNotEqualToPredefined' },
    });
    expect(sandbox.state.v2.payments.get('payment-w2')).toBeUndefined();
    // The registered amount opens.
    expect((await open({ request: request(), mode: 'iframe' })).refusal).toBeNull();
  });

  it('pays a different amount when tampered, past the pre-registration, and notifies it', async () => {
    await v2Call(sandbox, 'POST', '/payments/payment-w2/pre-register', { json: { totalAmount: 1000 } });
    const opened = await open({ request: request(), mode: 'iframe' });
    const answer = await finish({ request: request(), mode: 'iframe', outcome: 'tampered' });
    expect(answer.response?.code).toBeUndefined();
    expect(sdkView(sandbox, 'payment-w2').amount.total).toBe(opened.order.tampered_amount);
    expect((await notices()).map((n) => n.type)).toEqual(['Transaction.Paid']);
  });

  it('refuses a paid paymentId and a store other than the sandbox’s', async () => {
    await finish({ request: request(), mode: 'iframe', outcome: 'paid' });
    const again = await open({ request: request(), mode: 'iframe' });
    expect(again.refusal?.response.code).toBe('PaymentAlreadyPaid');
    const otherStore = await finish({
      request: request({ paymentId: 'payment-w3', storeId: 'store-other' }),
      mode: 'iframe',
      outcome: 'paid',
    });
    expect(otherStore.response?.code).toBe('StoreNotFound');
    expect(sandbox.state.v2.payments.get('payment-w3')).toBeUndefined();
  });

  it('“network lost”: the payment is PAID, but neither webhook nor response nor redirect happens', async () => {
    const answer = await finish({
      request: request({ redirectUrl: 'https://shop.example/r' }),
      mode: 'redirect',
      outcome: 'network_lost',
    });
    expect(answer).toMatchObject({ delivered: false, response: null, redirect_url: null });
    expect(sdkView(sandbox, 'payment-w2').status).toBe('PAID');
    expect(await notices()).toEqual([]);
  });

  it('sends the webhook to the request’s first noticeUrls entry, and keeps it for later notices', async () => {
    const other = `${receiver.url}/other`;
    await finish({ request: request({ noticeUrls: [other] }), mode: 'iframe', outcome: 'vbank' });
    await control(sandbox, 'POST', '/__sandbox/v2/payments/payment-w2/deposit', {});
    await sandbox.idle();
    expect(receiver.received.map((r) => r.url)).toEqual(['/other', '/other']);
  });

  it('answers 400 for an unusable request, naming the requestPayment field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [request({ totalAmount: 10.5 }), 'totalAmount'],
      [request({ currency: 'CURRENCY_XXX' }), 'currency'],
      [request({ channelKey: undefined }), 'channelKey'],
      [request({ paymentId: '' }), 'paymentId'],
      [request({ redirectUrl: 'javascript:alert(1)' }), 'redirectUrl'],
    ];
    for (const [body, field] of cases) {
      const res = await call(sandbox.url, 'POST', '/__sandbox/window/v2/open', {
        json: { request: body, mode: 'iframe' },
      });
      expect(res.status, field).toBe(400);
      expect(JSON.stringify(res.body), field).toContain(field);
    }
    const noTarget = await call(sandbox.url, 'POST', '/__sandbox/window/v2/open', {
      json: { request: request(), mode: 'redirect' },
    });
    expect(noTarget.status).toBe(400);
    expect(JSON.stringify(noTarget.body)).toContain('redirectUrl');
  });
});
