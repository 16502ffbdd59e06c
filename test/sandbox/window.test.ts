import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { SandboxHandle } from '../../sandbox/index';
import { call, getToken, type Receiver, start, startReceiver } from './helpers';

const rspSchema = z.looseObject({
  success: z.boolean(),
  error_code: z.string().nullable(),
  error_msg: z.string().nullable(),
  imp_uid: z.string().nullable(),
  merchant_uid: z.string(),
  paid_amount: z.number(),
  status: z.string().nullable(),
});
const finishSchema = z.object({
  delivered: z.boolean(),
  imp_uid: z.string().nullable(),
  rsp: rspSchema.nullable(),
  redirect_url: z.string().nullable(),
});
const openSchema = z.object({
  order: z.looseObject({ merchant_uid: z.string(), amount: z.number(), tampered_amount: z.number() }),
  refusal: z.object({ rsp: rspSchema, redirect_url: z.string().nullable() }).nullable(),
});

describe('sandbox: the payment window and its SDK', () => {
  let sandbox: SandboxHandle;
  let receiver: Receiver;
  const request = (extra: Record<string, unknown> = {}) => ({
    pg: 'uplus',
    pay_method: 'card',
    merchant_uid: 'order_w1',
    name: '주문명:결제테스트',
    amount: 14_000,
    buyer_name: '구매자이름',
    ...extra,
  });
  const open = async (body: Record<string, unknown>) => {
    const res = await call(sandbox.url, 'POST', '/__sandbox/window/open', { json: body });
    expect(res.status).toBe(200);
    return openSchema.parse(res.body);
  };
  const finish = async (body: Record<string, unknown>) => {
    const res = await call(sandbox.url, 'POST', '/__sandbox/window/finish', { json: body });
    expect(res.status).toBe(200);
    return finishSchema.parse(res.body);
  };
  const prepare = async (merchantUid: string, amount: number) => {
    const token = await getToken(sandbox);
    await call(sandbox.url, 'POST', '/payments/prepare', {
      token,
      json: { merchant_uid: merchantUid, amount },
    });
  };
  const webhooks = async () => {
    await sandbox.idle();
    return receiver.received.map((r) => JSON.parse(r.body) as Record<string, unknown>);
  };

  beforeAll(async () => {
    receiver = await startReceiver();
    sandbox = await start({ webhookUrl: receiver.url });
  });
  afterAll(async () => {
    await sandbox.close();
    await receiver.close();
  });
  beforeEach(() => {
    sandbox.state.reset();
    receiver.received.length = 0;
  });

  it('serves the SDK at the CDN paths and the window page, outside the API log and its faults', async () => {
    await call(sandbox.url, 'POST', '/__sandbox/faults', { json: { rate: 1 } });
    for (const path of ['/v1/iamport.js', '/js/iamport.payment-1.2.0.js']) {
      const res = await fetch(`${sandbox.url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(await res.text()).toContain('window.IMP');
    }
    const page = await fetch(`${sandbox.url}/__sandbox/window?mode=iframe`);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('/__sandbox/window/window.js');
    const requests = await call(sandbox.url, 'GET', '/__sandbox/requests');
    expect(requests.body).toEqual([]);
  });

  it('pays through the same checkout as the control API, sends the webhook and answers the callback', async () => {
    const answer = await finish({ request: request(), mode: 'iframe', outcome: 'paid' });
    expect(answer).toMatchObject({ delivered: true, redirect_url: null });
    expect(answer.rsp).toMatchObject({
      success: true,
      error_code: null,
      merchant_uid: 'order_w1',
      paid_amount: 14_000,
      status: 'paid',
      pay_method: 'card',
      pg_provider: 'uplus',
      name: '주문명:결제테스트',
      buyer_name: '구매자이름',
      apply_num: expect.stringMatching(/^\d{8}$/),
    });
    const impUid = answer.imp_uid ?? '';
    expect(sandbox.state.payments.get(impUid)?.payment).toMatchObject({
      status: 'paid',
      amount: 14_000,
      channel: 'pc',
      sandbox: false,
    });
    expect(await webhooks()).toEqual([{ imp_uid: impUid, merchant_uid: 'order_w1', status: 'paid' }]);
  });

  it('redirects a mobile window to m_redirect_url with the query Iamport uses, keeping the merchant’s own', async () => {
    const mRedirect = 'https://shop.example/payments/complete/mobile?lang=ko';
    const paid = await finish({
      request: request({ m_redirect_url: mRedirect }),
      mode: 'redirect',
      outcome: 'paid',
    });
    const paidUrl = new URL(paid.redirect_url ?? '');
    expect(`${paidUrl.origin}${paidUrl.pathname}`).toBe('https://shop.example/payments/complete/mobile');
    expect(Object.fromEntries(paidUrl.searchParams)).toEqual({
      lang: 'ko',
      imp_uid: paid.imp_uid,
      merchant_uid: 'order_w1',
    });
    expect(sandbox.state.payments.get(paid.imp_uid ?? '')?.payment.channel).toBe('mobile');

    const failed = await finish({
      request: request({ m_redirect_url: mRedirect }),
      mode: 'redirect',
      outcome: 'failed',
    });
    expect(Object.fromEntries(new URL(failed.redirect_url ?? '').searchParams)).toEqual({
      lang: 'ko',
      imp_uid: failed.imp_uid,
      merchant_uid: 'order_w1',
      error_code: 'PAY_FAILED',
      error_msg: '[샌드박스] 카드 승인이 거절되었습니다. (card declined)',
    });
  });

  it('records a failed payment and a closed window as failed attempts, without a webhook', async () => {
    const failed = await finish({ request: request(), mode: 'iframe', outcome: 'failed' });
    expect(failed.rsp).toMatchObject({
      success: false,
      error_code: 'PAY_FAILED',
      status: 'failed',
      paid_amount: 0,
    });
    const closed = await finish({ request: request(), mode: 'iframe', outcome: 'closed' });
    expect(closed.rsp).toMatchObject({
      success: false,
      error_code: 'USER_CANCEL',
      error_msg: '사용자가 결제를 취소하셨습니다',
    });
    expect(sandbox.state.payments.get(closed.imp_uid ?? '')?.payment).toMatchObject({
      status: 'failed',
      fail_reason: '사용자가 결제를 취소하셨습니다',
    });
    expect(await webhooks()).toEqual([]);
  });

  it('issues a virtual account (ready, with the account) and notifies it', async () => {
    const answer = await finish({ request: request(), mode: 'iframe', outcome: 'vbank' });
    expect(answer.rsp).toMatchObject({
      success: true,
      status: 'ready',
      pay_method: 'vbank',
      vbank_num: expect.any(String),
      vbank_name: 'KB국민은행',
    });
    expect(await webhooks()).toEqual([
      { imp_uid: answer.imp_uid, merchant_uid: 'order_w1', status: 'ready' },
    ]);
  });

  it('refuses a prepared merchant_uid with another amount before any attempt exists', async () => {
    await prepare('order_w1', 14_000);
    const opened = await open({ request: request({ amount: 100 }), mode: 'iframe' });
    expect(opened.refusal?.rsp).toMatchObject({
      success: false,
      imp_uid: null,
      merchant_uid: 'order_w1',
      error_code: 'PREPARE_MISMATCH',
      error_msg: expect.stringContaining('사전등록된 결제정보와 금액이 일치하지 않습니다.'),
    });
    const mobile = await open({
      request: request({ amount: 100, m_redirect_url: 'https://shop.example/m' }),
      mode: 'redirect',
    });
    const target = new URL(mobile.refusal?.redirect_url ?? '');
    expect(target.searchParams.has('imp_uid')).toBe(false);
    expect(target.searchParams.get('error_code')).toBe('PREPARE_MISMATCH');
    // Finishing anyway (a stale window) is refused the same way and records nothing.
    const finished = await finish({ request: request({ amount: 100 }), mode: 'iframe', outcome: 'paid' });
    expect(finished).toMatchObject({
      delivered: true,
      imp_uid: null,
      rsp: { error_code: 'PREPARE_MISMATCH' },
    });
    expect(sandbox.state.payments.all()).toEqual([]);
    expect((await open({ request: request(), mode: 'iframe' })).refusal).toBeNull();
  });

  it('pays a different amount when tampered, past the prepare check, and notifies it', async () => {
    await prepare('order_w1', 14_000);
    const opened = await open({ request: request(), mode: 'iframe' });
    expect(opened.order.tampered_amount).toBe(100);
    const answer = await finish({ request: request(), mode: 'iframe', outcome: 'tampered' });
    expect(answer.rsp).toMatchObject({ success: true, paid_amount: 100 });
    expect(sandbox.state.payments.get(answer.imp_uid ?? '')?.payment).toMatchObject({
      status: 'paid',
      amount: 100,
    });
    expect(await webhooks()).toHaveLength(1);
  });

  it('“network lost”: the payment exists, but neither webhook nor callback nor redirect happens', async () => {
    const answer = await finish({
      request: request({ m_redirect_url: 'https://shop.example/m' }),
      mode: 'redirect',
      outcome: 'network_lost',
    });
    expect(answer).toMatchObject({ delivered: false, rsp: null, redirect_url: null });
    expect(sandbox.state.payments.get(answer.imp_uid ?? '')?.payment.status).toBe('paid');
    expect(await webhooks()).toEqual([]);
  });

  it('sends the webhook to the request’s notice_url instead of the configured one', async () => {
    const other = await startReceiver();
    try {
      await finish({ request: request({ notice_url: [other.url] }), mode: 'iframe', outcome: 'paid' });
      await sandbox.idle();
      expect(other.received).toHaveLength(1);
      expect(receiver.received).toHaveLength(0);
    } finally {
      await other.close();
    }
  });

  it('answers 400 for an unusable request, naming the request_pay field', async () => {
    const missing = await call(sandbox.url, 'POST', '/__sandbox/window/open', {
      json: { request: { merchant_uid: 'order_w1' }, mode: 'iframe' },
    });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ code: -1, message: '파라미터 누락: amount' });
    const noTarget = await call(sandbox.url, 'POST', '/__sandbox/window/finish', {
      json: { request: request(), mode: 'redirect', outcome: 'paid' },
    });
    expect(noTarget.status).toBe(400);
    expect(sandbox.state.payments.all()).toEqual([]);
    const badOutcome = await call(sandbox.url, 'POST', '/__sandbox/window/finish', {
      json: { request: request(), mode: 'iframe', outcome: 'maybe' },
    });
    expect(badOutcome.status).toBe(400);
  });
});
