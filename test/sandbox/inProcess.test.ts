import * as v from 'valibot';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  completeCheckout,
  demoApiKey,
  demoApiSecret,
  faultError,
  inProcessIamport,
  type SandboxHandle,
  seedPayment,
} from '../../sandbox/index';
import {
  createIamportClient,
  type IamportApi,
  IamportInvalidRequestError,
  IamportNotFoundError,
  IamportRefusedError,
  IamportUnavailableError,
  paymentSchema,
} from '../../shared/iamport';
import { baseSeconds, start } from './helpers';

/** What a call ended in, comparable across two APIs: the value, or the error's class and message. */
async function settle(call: Promise<unknown>): Promise<unknown> {
  try {
    return { value: await call };
  } catch (error) {
    return error instanceof Error ? { error: error.name, message: error.message } : { error };
  }
}

describe('sandbox: the in-process IamportApi', () => {
  let sandbox: SandboxHandle;
  let local: IamportApi;

  beforeAll(async () => {
    sandbox = await start();
  });
  afterAll(() => sandbox.close());
  beforeEach(() => {
    sandbox.state.reset();
    local = inProcessIamport(sandbox.state);
  });

  const checkout = (merchantUid: string, amount: number, extra: { sandbox?: boolean } = {}) => {
    const outcome = completeCheckout(sandbox.state, {
      merchant_uid: merchantUid,
      amount,
      status: 'paid',
      pay_method: 'card',
      currency: 'KRW',
      sandbox: extra.sandbox ?? false,
      channel: 'pc',
      notify: false,
    });
    if (!outcome.ok) throw new Error(outcome.message);
    return outcome.value.payment;
  };

  it('answers every read exactly as the client over HTTP does', async () => {
    const first = checkout('order_same', 1000);
    checkout('order_same', 2000);
    checkout('order_test', 3000, { sandbox: true });
    await local.preparePayment({ merchant_uid: 'order_prepared', amount: 5000 });

    const reads = (api: IamportApi) => [
      api.getPayment(first.imp_uid),
      api.getPayment('imp_000000000000'),
      api.findPayment('order_same'),
      api.findPayment('order_same', 'cancelled'),
      api.findAllPayments('order_same', { sorting: 'started', limit: 1, page: 2 }),
      api.findAllPayments('order_same', { limit: 1, page: 3 }),
      api.findAllPayments('order_none'),
      api.getPrepared('order_prepared'),
      api.getPrepared('order_unknown'),
      api.findPayment('order_test'),
    ];
    const http = createIamportClient({ baseUrl: sandbox.url, apiKey: demoApiKey, apiSecret: demoApiSecret });
    const overHttp = await Promise.all(reads(http).map(settle));
    await http.close();
    const inProcess = await Promise.all(reads(local).map(settle));

    expect(inProcess).toEqual(overHttp);
    expect(overHttp[0]).toMatchObject({ value: { imp_uid: first.imp_uid, amount: 1000 } });
    expect(overHttp[1]).toMatchObject({ error: 'IamportNotFoundError' });
    expect(overHttp[5]).toMatchObject({ error: 'IamportRefusedError' });
  });

  it('hides test-channel payments from getPayment unless asked to, like include_sandbox', async () => {
    const test = checkout('order_test', 3000, { sandbox: true });

    await expect(local.getPayment(test.imp_uid)).rejects.toBeInstanceOf(IamportNotFoundError);
    await expect(
      inProcessIamport(sandbox.state, { includeSandbox: true }).getPayment(test.imp_uid),
    ).resolves.toMatchObject({ imp_uid: test.imp_uid, sandbox: true });
    expect(sandbox.state.requests.list().map((r) => r.query)).toEqual(['', 'include_sandbox=true']);
  });

  it('cancels by the sandbox rules: checksum, then "already fully cancelled", stamped by the sandbox clock', async () => {
    const paid = checkout('order_cancel', 10_000);
    sandbox.clock.advance(60);

    const stale = local.cancelPayment({ imp_uid: paid.imp_uid, checksum: 9000, reason: 'r' });
    await expect(stale).rejects.toMatchObject({ name: 'IamportRefusedError', iamportCode: 1 });
    const done = await local.cancelPayment({ imp_uid: paid.imp_uid, checksum: 10_000, reason: 'r' });
    const again = local.cancelPayment({ imp_uid: paid.imp_uid, checksum: 123, reason: 'r' });

    expect(done).toMatchObject({
      status: 'cancelled',
      cancel_amount: 10_000,
      cancelled_at: baseSeconds + 60,
    });
    expect(done.cancel_history?.[0]?.cancellation_id).toMatch(/^[\w-]{22}$/);
    await expect(again).rejects.toMatchObject({ iamportMessage: '이미 전액취소된 주문입니다.' });
  });

  it('refuses what the client refuses before anything reaches the sandbox', async () => {
    const refused = [
      local.getPayment('..'),
      local.findPayment(' '),
      local.findAllPayments('order_1', { limit: 1001 }),
      local.cancelPayment({ imp_uid: 'imp_1', checksum: Number.NaN, reason: 'r' }),
      local.preparePayment({ merchant_uid: '', amount: 1000 }),
    ];

    for (const call of refused) await expect(call).rejects.toBeInstanceOf(IamportInvalidRequestError);
    expect(sandbox.state.requests.list()).toEqual([]);
  });

  it('logs each call as the HTTP server does, with the path as the client encodes it', async () => {
    await settle(local.findPayment('../etc/passwd'));
    await local.preparePayment({ merchant_uid: 'order_1', amount: 1000 });

    expect(sandbox.state.requests.list()).toEqual([
      {
        method: 'GET',
        path: '/payments/find/..%2Fetc%2Fpasswd',
        query: '',
        status: 404,
        at: sandbox.clock.now(),
      },
      { method: 'POST', path: '/payments/prepare', query: '', status: 200, at: sandbox.clock.now() },
    ]);
  });

  it("fails under the sandbox's faults with the client's errors, changing nothing", async () => {
    const paid = checkout('order_fault', 1000);
    sandbox.state.faults.set({ rate: 1, status: null, delay_ms: 0, seed: null });

    const cancel = local.cancelPayment({ imp_uid: paid.imp_uid, checksum: 1000, reason: 'r' });

    await expect(cancel).rejects.toEqual(faultError('cancelPayment'));
    await expect(cancel).rejects.toBeInstanceOf(IamportUnavailableError);
    expect(faultError('getPayment', 400)).toBeInstanceOf(IamportRefusedError);
    sandbox.state.faults.clear();
    expect(await local.getPayment(paid.imp_uid)).toMatchObject({ status: 'paid', cancel_amount: 0 });
  });

  it('seeds payments as given, changing a known imp_uid in place', async () => {
    const seed = v.parse(paymentSchema, {
      imp_uid: 'imp_100000000001',
      merchant_uid: 'order_seed',
      amount: 14_000,
      status: 'paid',
      started_at: 1_760_000_000,
      paid_at: 1_760_000_030,
      vbank_date: null,
    });
    seedPayment(sandbox.state, seed);
    seedPayment(sandbox.state, { ...seed, imp_uid: 'imp_100000000002', started_at: 1_760_000_000 });
    seedPayment(sandbox.state, { ...seed, status: 'cancelled', cancel_amount: 14_000 });

    expect(await local.getPayment(seed.imp_uid)).toMatchObject({
      ...seed,
      status: 'cancelled',
      cancel_amount: 14_000,
      vbank_date: 0,
    });
    // Same second: creation order breaks the tie, and the changed attempt kept its place.
    const page = await local.findAllPayments('order_seed', { sorting: 'started' });
    expect(page.list.map((p) => p.imp_uid)).toEqual(['imp_100000000001', 'imp_100000000002']);
    expect(() => seedPayment(sandbox.state, { ...seed, status: 'partial' })).toThrow(TypeError);
  });
});
