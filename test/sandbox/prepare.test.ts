import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkPrepared, type SandboxHandle } from '../../sandbox/index';
import { call, createPayment, envelope, getToken, start } from './helpers';

describe('sandbox: /payments/prepare and the checkout check', () => {
  let sandbox: SandboxHandle;
  let token: string;
  const api = (method: string, path: string, json?: Record<string, unknown>) =>
    call(sandbox.url, method, path, json === undefined ? { token } : { token, json });

  beforeAll(async () => {
    sandbox = await start();
  });
  afterAll(async () => {
    await sandbox.close();
  });
  beforeEach(async () => {
    sandbox.state.reset();
    token = await getToken(sandbox);
  });

  it('registers once, refuses a duplicate with code 1, and reads it back', async () => {
    const created = await call(sandbox.url, 'POST', '/payments/prepare', {
      token,
      form: { merchant_uid: 'order_p1', amount: '15000' },
    });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      code: 0,
      message: null,
      response: { merchant_uid: 'order_p1', amount: 15_000, currency: null },
    });
    const duplicate = await api('POST', '/payments/prepare', { merchant_uid: 'order_p1', amount: 99 });
    expect(duplicate.status).toBe(200);
    expect(duplicate.body).toEqual({
      code: 1,
      message: '결제정보 사전등록에 실패하였습니다(이미 등록된 merchant_uid입니다).',
      response: null,
    });
    const read = await api('GET', '/payments/prepare/order_p1');
    expect(envelope(read).response).toEqual({ merchant_uid: 'order_p1', amount: 15_000, currency: null });
  });

  it('changes a registration with PUT and answers 404 for an unknown one', async () => {
    await api('POST', '/payments/prepare', { merchant_uid: 'order_p2', amount: 1000, currency: 'KRW' });
    const changed = await api('PUT', '/payments/prepare', {
      merchant_uid: 'order_p2',
      amount: 2000,
      currency: 'KRW',
    });
    expect(envelope(changed).response).toEqual({ merchant_uid: 'order_p2', amount: 2000, currency: 'KRW' });
    expect(envelope(await api('GET', '/payments/prepare/order_p2')).response).toMatchObject({ amount: 2000 });
    const unknown = await api('PUT', '/payments/prepare', { merchant_uid: 'order_nobody', amount: 1 });
    expect(unknown.status).toBe(404);
    expect(envelope(unknown).message).toBe('사전등록된 결제정보가 존재하지 않습니다.');
    const get = await api('GET', '/payments/prepare/order_nobody');
    expect(get.status).toBe(404);
    expect(get.body).toEqual({
      code: -1,
      message: '사전등록된 결제정보가 존재하지 않습니다.',
      response: null,
    });
  });

  it('rejects missing or malformed parameters with 400', async () => {
    const missing = await api('POST', '/payments/prepare', { amount: 1000 });
    expect(missing.status).toBe(400);
    expect(envelope(missing).message).toBe('파라미터 누락: merchant_uid');
    const long = await api('POST', '/payments/prepare', { merchant_uid: 'x'.repeat(41), amount: 1000 });
    expect(long.status).toBe(400);
    const currency = await api('POST', '/payments/prepare', {
      merchant_uid: 'order_c',
      amount: 1,
      currency: 'won',
    });
    expect(currency.status).toBe(400);
  });

  it('refuses to create a paid or ready payment whose amount or currency disagrees with the registration', async () => {
    await api('POST', '/payments/prepare', {
      merchant_uid: 'order_guarded',
      amount: 10_000,
      currency: 'KRW',
    });
    for (const body of [
      { merchant_uid: 'order_guarded', amount: 100 },
      { merchant_uid: 'order_guarded', amount: 10_000, currency: 'USD' },
      { merchant_uid: 'order_guarded', amount: 100, status: 'ready', pay_method: 'vbank' },
    ]) {
      const res = await call(sandbox.url, 'POST', '/__sandbox/payments', { json: body });
      expect(res.status, JSON.stringify(body)).toBe(409);
      expect(envelope(res)).toMatchObject({ code: 1, response: null });
      expect(envelope(res).message).toContain('사전등록된 결제정보와');
    }
    expect((await api('GET', '/payments/findAll/order_guarded')).status).toBe(404);
    const matching = await createPayment(sandbox, { merchant_uid: 'order_guarded', amount: 10_000 });
    expect(matching.status).toBe('paid');
  });

  it('does not check the currency when none was registered', async () => {
    await api('POST', '/payments/prepare', { merchant_uid: 'order_any_currency', amount: 50 });
    const usd = await createPayment(sandbox, {
      merchant_uid: 'order_any_currency',
      amount: 50,
      currency: 'USD',
    });
    expect(usd.currency).toBe('USD');
  });

  it('exposes the same rule as a function for a payment window', () => {
    const prepared = { merchant_uid: 'm', amount: 1000, currency: 'KRW' };
    expect(checkPrepared(undefined, { merchant_uid: 'm', amount: 5, currency: 'KRW' })).toBeNull();
    expect(checkPrepared(prepared, { merchant_uid: 'm', amount: 1000, currency: 'KRW' })).toBeNull();
    expect(checkPrepared(prepared, { merchant_uid: 'm', amount: 999, currency: 'KRW' })).toContain('금액');
    expect(checkPrepared(prepared, { merchant_uid: 'm', amount: 1000, currency: 'USD' })).toContain('통화');
    expect(
      checkPrepared({ ...prepared, currency: null }, { merchant_uid: 'm', amount: 1000, currency: 'JPY' }),
    ).toBeNull();
  });
});
