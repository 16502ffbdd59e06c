import type {
  CancelledPayment,
  CancelPaymentResponse,
  FailedPayment,
  PaidPayment,
  PartialCancelledPayment,
  PayPendingPayment,
  PreRegisterPaymentResponse,
  ReadyPayment,
  VirtualAccountIssuedPayment,
} from '@portone/server-sdk/payment';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { demoV2StoreId, type SandboxHandle, type V2Payment } from '../../sandbox/index';
import { baseMs, start } from './helpers';
import { control, createV2Payment, sdkView, v2Call, v2ErrorOf } from './v2helpers';

const sandbox: SandboxHandle = await start();
afterAll(() => sandbox.close());
beforeEach(() => sandbox.state.reset());

const at = new Date(baseMs).toISOString();

/** GET over HTTP, checked to be exactly the sandbox's typed view. */
async function getPayment(paymentId: string): Promise<V2Payment> {
  const res = await v2Call(sandbox, 'GET', `/payments/${encodeURIComponent(paymentId)}`);
  expect(res.status).toBe(200);
  const view = sdkView(sandbox, paymentId);
  expect(res.body).toEqual(view);
  return view;
}

describe('V2 authorisation and routing', () => {
  it('refuses a missing, wrong or non-PortOne Authorization with 401 UNAUTHORIZED', async () => {
    await createV2Payment(sandbox, { paymentId: 'pay_auth', amount: 1000 });
    for (const headers of [
      {},
      { authorization: 'PortOne wrong-secret' },
      { authorization: 'Bearer portone-sandbox-v2-api-secret' },
      { authorization: 'PortOne' },
    ]) {
      const res = await v2Call(sandbox, 'GET', '/payments/pay_auth', {
        headers: { authorization: '', ...headers },
      });
      expect(v2ErrorOf(res), JSON.stringify(headers)).toMatchObject({ status: 401, type: 'UNAUTHORIZED' });
    }
  });

  it('answers an unknown payment 404 PAYMENT_NOT_FOUND and an unknown route 404 NOT_FOUND', async () => {
    expect(v2ErrorOf(await v2Call(sandbox, 'GET', '/payments/nope'))).toMatchObject({
      status: 404,
      type: 'PAYMENT_NOT_FOUND',
    });
    expect(v2ErrorOf(await v2Call(sandbox, 'GET', '/payment'))).toMatchObject({
      status: 404,
      type: 'NOT_FOUND',
    });
    expect(v2ErrorOf(await v2Call(sandbox, 'DELETE', '/payments/x'))).toMatchObject({ status: 404 });
  });

  it('keeps the V1 API and the control API off the V2 port, and V2 off the V1 port', async () => {
    expect((await v2Call(sandbox, 'POST', '/users/getToken')).status).toBe(404);
    expect((await v2Call(sandbox, 'GET', '/__sandbox/requests')).status).toBe(404);
    await createV2Payment(sandbox, { paymentId: 'pay_ports', amount: 1000 });
    const onV1 = await control(sandbox, 'GET', '/payments/pay_ports');
    expect(onV1.status).toBe(401);
  });

  it('takes ?storeId= of its store and refuses another with 403 FORBIDDEN', async () => {
    await createV2Payment(sandbox, { paymentId: 'pay_store', amount: 1000 });
    expect((await v2Call(sandbox, 'GET', `/payments/pay_store?storeId=${demoV2StoreId}`)).status).toBe(200);
    expect(v2ErrorOf(await v2Call(sandbox, 'GET', '/payments/pay_store?storeId=store-other'))).toMatchObject({
      status: 403,
      type: 'FORBIDDEN',
    });
  });
});

describe('GET /payments/{paymentId}', () => {
  it('answers a paid card payment with every field PortOne requires for PAID', async () => {
    await createV2Payment(sandbox, { paymentId: 'pay/1 한글', amount: 14000, customData: { orderId: 7 } });
    const payment = await getPayment('pay/1 한글');
    if (payment.status !== 'PAID') throw new Error(payment.status);
    payment satisfies PaidPayment;
    expect(payment).toMatchObject({
      id: 'pay/1 한글',
      storeId: demoV2StoreId,
      version: 'V2',
      channel: { type: 'LIVE', pgProvider: 'INICIS_V2' },
      orderName: '샌드박스 테스트 상품',
      currency: 'KRW',
      amount: {
        total: 14000,
        taxFree: 0,
        vat: 1272,
        supply: 12728,
        discount: 0,
        paid: 14000,
        cancelled: 0,
        cancelledTaxFree: 0,
      },
      method: { type: 'PaymentMethodCard' },
      customData: '{"orderId":7}',
      requestedAt: at,
      paidAt: at,
      statusChangedAt: at,
      disputes: [],
      cancellations: [],
      origin: { platformType: 'PC' },
    });
    expect(payment.transactionId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers an issued virtual account, and PAID after the deposit', async () => {
    await createV2Payment(sandbox, {
      paymentId: 'pay_va',
      amount: 30000,
      status: 'VIRTUAL_ACCOUNT_ISSUED',
      channel: 'TEST',
      expiresAt: '2026-01-18T03:00:00Z',
    });
    const issued = await getPayment('pay_va');
    if (issued.status !== 'VIRTUAL_ACCOUNT_ISSUED') throw new Error(issued.status);
    issued satisfies VirtualAccountIssuedPayment;
    expect(issued).toMatchObject({
      channel: { type: 'TEST' },
      amount: { total: 30000, paid: 0 },
      method: {
        type: 'PaymentMethodVirtualAccount',
        bank: 'KOOKMIN',
        remitteeName: expect.any(String),
        expiredAt: '2026-01-18T03:00:00.000Z',
        issuedAt: at,
      },
    });
    expect(issued.method?.type === 'PaymentMethodVirtualAccount' && issued.method.accountNumber).toMatch(
      /^\d/,
    );

    sandbox.clock.advance(3600);
    const deposit = await control(sandbox, 'POST', '/__sandbox/v2/payments/pay_va/deposit', {
      notify: false,
    });
    expect(deposit.status).toBe(200);
    const paid = await getPayment('pay_va');
    expect(paid).toMatchObject({
      status: 'PAID',
      amount: { paid: 30000 },
      paidAt: new Date(baseMs + 3_600_000).toISOString(),
      method: {
        accountNumber: issued.method?.type === 'PaymentMethodVirtualAccount' && issued.method.accountNumber,
      },
    });
  });

  it('answers a failed, a ready and a pay-pending payment', async () => {
    await createV2Payment(sandbox, {
      paymentId: 'pay_failed',
      amount: 1000,
      status: 'FAILED',
      failReason: '한도 초과',
    });
    const failed = await getPayment('pay_failed');
    if (failed.status !== 'FAILED') throw new Error(failed.status);
    failed satisfies FailedPayment;
    expect(failed).toMatchObject({ failedAt: at, failure: { reason: '한도 초과' }, amount: { paid: 0 } });
    expect(failed).not.toHaveProperty('paidAt');

    await createV2Payment(sandbox, { paymentId: 'pay_ready', amount: 1000, status: 'READY' });
    const ready = await getPayment('pay_ready');
    if (ready.status !== 'READY') throw new Error(ready.status);
    ready satisfies ReadyPayment;

    await createV2Payment(sandbox, { paymentId: 'pay_pending', amount: 1000, status: 'PAY_PENDING' });
    const pending = await getPayment('pay_pending');
    if (pending.status !== 'PAY_PENDING') throw new Error(pending.status);
    pending satisfies PayPendingPayment;
  });

  it('replaces an unfinished attempt under the same paymentId, and refuses to pay a paid one again', async () => {
    const failed = await createV2Payment(sandbox, { paymentId: 'pay_retry', amount: 1000, status: 'FAILED' });
    const paid = await createV2Payment(sandbox, { paymentId: 'pay_retry', amount: 1000 });
    expect(paid.status).toBe('PAID');
    expect(paid.transactionId).not.toBe(failed.transactionId);
    const again = await control(sandbox, 'POST', '/__sandbox/v2/payments', {
      paymentId: 'pay_retry',
      amount: 1000,
    });
    expect(v2ErrorOf(again)).toMatchObject({ status: 409, type: 'ALREADY_PAID' });
  });
});

describe('POST /payments/{paymentId}/cancel', () => {
  const cancel = (paymentId: string, json: unknown) =>
    v2Call(sandbox, 'POST', `/payments/${paymentId}/cancel`, { json });

  it('cancels in parts, then the rest, with the balance check, and answers {cancellation}', async () => {
    await createV2Payment(sandbox, { paymentId: 'pay_c', amount: 10000 });
    const partial = await cancel('pay_c', {
      reason: '부분 환불',
      amount: 4000,
      currentCancellableAmount: 10000,
    });
    expect(partial.status).toBe(200);
    const afterPartial = await getPayment('pay_c');
    if (afterPartial.status !== 'PARTIAL_CANCELLED') throw new Error(afterPartial.status);
    afterPartial satisfies PartialCancelledPayment;
    const first = afterPartial.cancellations[0];
    if (first === undefined) throw new Error('no cancellation');
    expect(partial.body).toEqual({ cancellation: first } satisfies CancelPaymentResponse);
    expect(first).toMatchObject({
      status: 'SUCCEEDED',
      totalAmount: 4000,
      taxFreeAmount: 0,
      vatAmount: 363,
      reason: '부분 환불',
      trigger: 'API',
      cancelledAt: at,
    });
    expect(afterPartial).toMatchObject({ amount: { paid: 10000, cancelled: 4000 }, cancelledAt: at });

    const stale = await cancel('pay_c', { reason: 'r', currentCancellableAmount: 10000 });
    expect(v2ErrorOf(stale)).toMatchObject({ status: 409, type: 'CANCELLABLE_AMOUNT_CONSISTENCY_BROKEN' });
    const tooMuch = await cancel('pay_c', { reason: 'r', amount: 6001 });
    expect(v2ErrorOf(tooMuch)).toMatchObject({
      status: 409,
      type: 'CANCEL_AMOUNT_EXCEEDS_CANCELLABLE_AMOUNT',
    });

    const rest = await cancel('pay_c', { reason: '전액 환불', currentCancellableAmount: 6000 });
    expect(rest.status).toBe(200);
    const cancelled = await getPayment('pay_c');
    if (cancelled.status !== 'CANCELLED') throw new Error(cancelled.status);
    cancelled satisfies CancelledPayment;
    expect(cancelled.amount).toMatchObject({ cancelled: 10000 });
    expect(cancelled.cancellations.map((c) => c.totalAmount)).toEqual([4000, 6000]);

    // A retry of the finished full cancel is recognisably done, whatever its balance check says.
    const repeat = await cancel('pay_c', { reason: 'r', currentCancellableAmount: 6000 });
    expect(v2ErrorOf(repeat)).toMatchObject({ status: 409, type: 'PAYMENT_ALREADY_CANCELLED' });
  });

  it('cancels the tax-free part in full by default, and refuses more tax-free than is left', async () => {
    await createV2Payment(sandbox, { paymentId: 'pay_tf', amount: 11000, taxFree: 2000 });
    const tooMuch = await cancel('pay_tf', { reason: 'r', amount: 1000, taxFreeAmount: 2001 });
    expect(v2ErrorOf(tooMuch)).toMatchObject({
      status: 409,
      type: 'CANCEL_TAX_FREE_AMOUNT_EXCEEDS_CANCELLABLE_TAX_FREE_AMOUNT',
    });
    expect((await cancel('pay_tf', { reason: 'r' })).status).toBe(200);
    const payment = await getPayment('pay_tf');
    expect(payment.amount).toMatchObject({
      taxFree: 2000,
      cancelled: 11000,
      cancelledTaxFree: 2000,
      vat: 818,
    });
  });

  it('refuses an unpaid payment, an unknown one, and bad bodies', async () => {
    await createV2Payment(sandbox, { paymentId: 'pay_va', amount: 1000, status: 'VIRTUAL_ACCOUNT_ISSUED' });
    expect(v2ErrorOf(await cancel('pay_va', { reason: 'r' }))).toMatchObject({
      status: 409,
      type: 'PAYMENT_NOT_PAID',
    });
    expect(v2ErrorOf(await cancel('nope', { reason: 'r' }))).toMatchObject({
      status: 404,
      type: 'PAYMENT_NOT_FOUND',
    });
    for (const json of [
      {},
      { reason: 'r', amount: 0 },
      { reason: 'r', amount: 10.5 },
      { reason: 'r', amount: '100' },
    ]) {
      expect(v2ErrorOf(await cancel('pay_va', json)), JSON.stringify(json)).toMatchObject({
        status: 400,
        type: 'INVALID_REQUEST',
      });
    }
    const notJson = await v2Call(sandbox, 'POST', '/payments/pay_va/cancel', { form: { reason: 'r' } });
    expect(v2ErrorOf(notJson)).toMatchObject({ status: 400, type: 'INVALID_REQUEST' });
    expect(sdkView(sandbox, 'pay_va').status).toBe('VIRTUAL_ACCOUNT_ISSUED');
  });
});

describe('POST /payments/{paymentId}/pre-register', () => {
  const preRegister = (paymentId: string, json: unknown) =>
    v2Call(sandbox, 'POST', `/payments/${paymentId}/pre-register`, { json });

  it('answers {} and makes a checkout for another amount or currency fail, recording nothing', async () => {
    const res = await preRegister('pay_pre', { totalAmount: 5000, currency: 'KRW' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({} satisfies PreRegisterPaymentResponse);

    for (const json of [
      { paymentId: 'pay_pre', amount: 500 },
      { paymentId: 'pay_pre', amount: 5000, currency: 'USD' },
    ]) {
      const refused = await control(sandbox, 'POST', '/__sandbox/v2/payments', json);
      expect(v2ErrorOf(refused), JSON.stringify(json)).toMatchObject({
        status: 409,
        type: 'PRE_REGISTERED_PAYMENT_MISMATCH',
      });
    }
    expect(sandbox.state.v2.payments.get('pay_pre')).toBeUndefined();
    // A failed attempt carries no money and is not checked.
    await createV2Payment(sandbox, { paymentId: 'pay_pre', amount: 1, status: 'FAILED' });
    await createV2Payment(sandbox, { paymentId: 'pay_pre', amount: 5000 });
  });

  it('changes a registration until the payment is paid, then answers 409 ALREADY_PAID', async () => {
    expect((await preRegister('pay_pre2', { totalAmount: 5000 })).status).toBe(200);
    expect((await preRegister('pay_pre2', { totalAmount: 7000, taxFreeAmount: 0 })).status).toBe(200);
    await createV2Payment(sandbox, { paymentId: 'pay_pre2', amount: 7000 });
    expect(v2ErrorOf(await preRegister('pay_pre2', { totalAmount: 7000 }))).toMatchObject({
      status: 409,
      type: 'ALREADY_PAID',
    });
    expect(v2ErrorOf(await preRegister('pay_pre3', { totalAmount: -1 }))).toMatchObject({ status: 400 });
    expect(v2ErrorOf(await preRegister('pay_pre3', { storeId: 'store-other' }))).toMatchObject({
      status: 403,
    });
  });
});

describe('V2 control routes', () => {
  it('are reset with the rest by POST /__sandbox/reset', async () => {
    await createV2Payment(sandbox, { paymentId: 'pay_reset', amount: 1000 });
    await v2Call(sandbox, 'POST', '/payments/pay_x/pre-register', { json: { totalAmount: 1 } });
    await control(sandbox, 'PUT', '/__sandbox/v2/config', { webhookUrl: 'http://127.0.0.1:9/hook' });
    expect((await control(sandbox, 'POST', '/__sandbox/reset')).status).toBe(200);
    expect(sandbox.state.v2.payments.all()).toEqual([]);
    expect(sandbox.state.v2.payments.preRegistration('pay_x')).toBeUndefined();
    expect((await control(sandbox, 'GET', '/__sandbox/v2/config')).body).toMatchObject({ webhookUrl: null });
  });

  it('refuses unknown fields, a deposit of a card payment and unknown payments', async () => {
    const typo = await control(sandbox, 'POST', '/__sandbox/v2/payments', { paymentID: 'x', amount: 1 });
    expect(v2ErrorOf(typo)).toMatchObject({ status: 400, type: 'INVALID_REQUEST' });
    await createV2Payment(sandbox, { paymentId: 'pay_card', amount: 1000 });
    const deposit = await control(sandbox, 'POST', '/__sandbox/v2/payments/pay_card/deposit', {});
    expect(v2ErrorOf(deposit)).toMatchObject({ status: 409, type: 'PAYMENT_NOT_WAITING_FOR_DEPOSIT' });
    const unknown = await control(sandbox, 'POST', '/__sandbox/v2/payments/nope/cancel', {});
    expect(v2ErrorOf(unknown)).toMatchObject({ status: 404, type: 'PAYMENT_NOT_FOUND' });
  });

  it('cancels as the console does: partial or full, trigger CONSOLE, no balance check', async () => {
    await createV2Payment(sandbox, { paymentId: 'pay_console', amount: 1000 });
    const partial = await control(sandbox, 'POST', '/__sandbox/v2/payments/pay_console/cancel', {
      amount: 300,
      notify: false,
    });
    expect(partial.status).toBe(200);
    expect(partial.body).toEqual(sdkView(sandbox, 'pay_console'));
    const full = await control(sandbox, 'POST', '/__sandbox/v2/payments/pay_console/cancel', {
      notify: false,
    });
    expect(full.body).toMatchObject({ status: 'CANCELLED', amount: { cancelled: 1000 } });
    expect(sdkView(sandbox, 'pay_console')).toMatchObject({
      cancellations: [
        { trigger: 'CONSOLE', totalAmount: 300 },
        { trigger: 'CONSOLE', totalAmount: 700 },
      ],
    });
  });
});
