import * as v from 'valibot';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { SandboxHandle } from '../../sandbox/index';
import { paymentSchema } from '../../shared/iamport/types';
import {
  baseSeconds,
  call,
  createPayment,
  envelope,
  getToken,
  pageSchema,
  paymentOf,
  type SandboxPayment,
  sandboxPaymentSchema,
  start,
} from './helpers';

describe('sandbox: payment lookups', () => {
  let sandbox: SandboxHandle;
  let token: string;
  const get = (path: string) => call(sandbox.url, 'GET', path, { token });

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

  /**
   * Three attempts of one order, each started 10 s apart: failed (t0), paid (t0+10), ready vbank (t0+20);
   * then the paid one is partially cancelled at t0+30, which makes it the most recently updated.
   */
  async function threeAttempts(): Promise<{
    failed: SandboxPayment;
    paid: SandboxPayment;
    ready: SandboxPayment;
  }> {
    const failed = await createPayment(sandbox, {
      merchant_uid: 'order_multi',
      amount: 5000,
      status: 'failed',
    });
    sandbox.clock.advance(10);
    const paid = await createPayment(sandbox, { merchant_uid: 'order_multi', amount: 5000 });
    sandbox.clock.advance(10);
    const ready = await createPayment(sandbox, {
      merchant_uid: 'order_multi',
      amount: 5000,
      status: 'ready',
      pay_method: 'vbank',
    });
    sandbox.clock.advance(10);
    const cancel = await call(sandbox.url, 'POST', `/__sandbox/payments/${paid.imp_uid}/cancel`, {
      json: { amount: 1000, notify: false },
    });
    expect(cancel.status).toBe(200);
    return { failed, paid, ready };
  }

  it('returns the full Iamport payment object that our client schema accepts', async () => {
    const created = await createPayment(sandbox, {
      merchant_uid: 'order_shape',
      amount: 12_000,
      name: '티셔츠',
      custom_data: { cart: 3 },
    });
    const res = await get(`/payments/${created.imp_uid}`);
    expect(res.status).toBe(200);
    const body = envelope(res);
    expect(body.code).toBe(0);
    expect(body.message).toBeNull();
    const payment = z.record(z.string(), z.unknown()).parse(body.response);
    expect(v.safeParse(paymentSchema, payment).success).toBe(true);
    for (const field of [
      'buyer_name',
      'buyer_email',
      'buyer_tel',
      'buyer_addr',
      'buyer_postcode',
      'pg_tid',
      'apply_num',
    ]) {
      expect(payment, field).toHaveProperty(field);
    }
    expect(created.imp_uid).toMatch(/^imp_\d{12}$/);
    expect(payment).toMatchObject({
      merchant_uid: 'order_shape',
      amount: 12_000,
      cancel_amount: 0,
      currency: 'KRW',
      status: 'paid',
      pay_method: 'card',
      sandbox: false,
      name: '티셔츠',
      custom_data: '{"cart":3}',
      started_at: baseSeconds,
      paid_at: baseSeconds,
      failed_at: 0,
      cancelled_at: 0,
      vbank_date: 0,
      cancel_history: [],
    });
  });

  it('answers 404 with the envelope for an unknown imp_uid', async () => {
    const res = await get('/payments/imp_999999999999');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ code: -1, message: '존재하지 않는 결제정보입니다.', response: null });
  });

  it('hides sandbox payments unless include_sandbox=true', async () => {
    const test = await createPayment(sandbox, {
      merchant_uid: 'order_test_channel',
      amount: 1000,
      sandbox: true,
    });
    expect(test.sandbox).toBe(true);
    const hidden = await get(`/payments/${test.imp_uid}`);
    expect(hidden.status).toBe(404);
    expect(envelope(hidden).message).toBe('존재하지 않는 결제정보입니다.');
    expect((await get(`/payments/${test.imp_uid}?include_sandbox=false`)).status).toBe(404);
    const shown = await get(`/payments/${test.imp_uid}?include_sandbox=true`);
    expect(shown.status).toBe(200);
    expect(paymentOf(shown).sandbox).toBe(true);
  });

  it('find returns the latest-started attempt, or the latest in a given status', async () => {
    const { paid, ready } = await threeAttempts();
    expect(paymentOf(await get('/payments/find/order_multi')).imp_uid).toBe(ready.imp_uid);
    expect(paymentOf(await get('/payments/find/order_multi/cancelled')).imp_uid).toBe(paid.imp_uid);
    expect(paymentOf(await get('/payments/find/order_multi?sorting=started')).status).toBe('failed');
    const none = await get('/payments/find/order_multi/paid');
    expect(none.status).toBe(404);
    expect(envelope(none).message).toBe('존재하지 않는 결제정보입니다.');
    expect((await get('/payments/find/order_unknown')).status).toBe(404);
    const bad = await get('/payments/find/order_multi/canceled');
    expect(bad.status).toBe(400);
    expect(envelope(bad).message).toBe('지원되지 않는 상태값입니다.');
  });

  it('findAll orders by every sorting', async () => {
    const { failed, paid, ready } = await threeAttempts();
    const order = async (sorting: string) => {
      const res = await get(`/payments/findAll/order_multi?sorting=${sorting}`);
      expect(res.status, sorting).toBe(200);
      return pageSchema.parse(envelope(res).response).list.map((p) => p.imp_uid);
    };
    expect(await order('-started')).toEqual([ready.imp_uid, paid.imp_uid, failed.imp_uid]);
    expect(await order('started')).toEqual([failed.imp_uid, paid.imp_uid, ready.imp_uid]);
    // Only the paid attempt has paid_at; the others are 0 and keep creation order among themselves.
    expect(await order('-paid')).toEqual([paid.imp_uid, ready.imp_uid, failed.imp_uid]);
    expect(await order('paid')).toEqual([failed.imp_uid, ready.imp_uid, paid.imp_uid]);
    expect(await order('-updated')).toEqual([paid.imp_uid, ready.imp_uid, failed.imp_uid]);
    expect(await order('updated')).toEqual([failed.imp_uid, ready.imp_uid, paid.imp_uid]);
    const invalid = await get('/payments/findAll/order_multi?sorting=newest');
    expect(invalid.status).toBe(400);
  });

  it('findAll filters by status and pages with total/previous/next', async () => {
    await threeAttempts();
    const first = pageSchema.parse(envelope(await get('/payments/findAll/order_multi?limit=2')).response);
    expect({ total: first.total, previous: first.previous, next: first.next, n: first.list.length }).toEqual({
      total: 3,
      previous: 0,
      next: 2,
      n: 2,
    });
    const second = pageSchema.parse(
      envelope(await get('/payments/findAll/order_multi?limit=2&page=2')).response,
    );
    expect({
      total: second.total,
      previous: second.previous,
      next: second.next,
      n: second.list.length,
    }).toEqual({
      total: 3,
      previous: 1,
      next: 0,
      n: 1,
    });
    const failedOnly = pageSchema.parse(envelope(await get('/payments/findAll/order_multi/failed')).response);
    expect(failedOnly.list.map((p) => p.status)).toEqual(['failed']);
    expect((await get('/payments/findAll/order_multi?limit=2&page=3')).status).toBe(400);
    expect((await get('/payments/findAll/order_multi?limit=1001')).status).toBe(400);
    expect((await get('/payments/findAll/order_multi?page=0')).status).toBe(400);
    const missing = await get('/payments/findAll/order_unknown');
    expect(missing.status).toBe(404);
    expect(envelope(missing).message).toBe('존재하지 않는 결제정보입니다.');
  });

  it('lists by status, filtering each payment by the time of its current status', async () => {
    const { failed, paid, ready } = await threeAttempts();
    sandbox.clock.advance(10);
    const other = await createPayment(sandbox, { merchant_uid: 'order_other', amount: 700 });
    const ids = async (path: string) =>
      pageSchema.parse(envelope(await get(path)).response).list.map((p) => p.imp_uid);
    expect(await ids('/payments/status/all')).toEqual([
      other.imp_uid,
      ready.imp_uid,
      paid.imp_uid,
      failed.imp_uid,
    ]);
    expect(await ids('/payments/status/paid')).toEqual([other.imp_uid]);
    expect(await ids('/payments/status/cancelled')).toEqual([paid.imp_uid]);
    expect(await ids('/payments/status/ready')).toEqual([ready.imp_uid]);
    expect(await ids('/payments/status/failed')).toEqual([failed.imp_uid]);
    // The cancelled payment started at t0+10 but counts from its cancel at t0+30.
    expect(await ids(`/payments/status/cancelled?from=${baseSeconds + 25}&to=${baseSeconds + 35}`)).toEqual([
      paid.imp_uid,
    ]);
    expect(await ids(`/payments/status/all?from=${baseSeconds + 15}&to=${baseSeconds + 25}`)).toEqual([
      ready.imp_uid,
    ]);
    const paged = pageSchema.parse(
      envelope(await get('/payments/status/all?limit=3&sorting=started')).response,
    );
    expect([paged.total, paged.previous, paged.next, paged.list[0]?.imp_uid]).toEqual([
      4,
      0,
      2,
      failed.imp_uid,
    ]);
    const bad = await get('/payments/status/refunded');
    expect(bad.status).toBe(400);
    expect(envelope(bad).message).toBe('지원되지 않는 상태값입니다.');
    expect(
      (await get(`/payments/status/all?from=${baseSeconds - 91 * 86_400}&to=${baseSeconds}`)).status,
    ).toBe(400);
  });

  it('answers an empty status listing with total 0', async () => {
    const res = await get('/payments/status/paid');
    expect(res.status).toBe(200);
    expect(envelope(res).response).toEqual({ total: 0, previous: 0, next: 0, list: [] });
  });

  it('multi-gets by imp_uid[] and merchant_uid[], 207 on a partial result', async () => {
    const a = await createPayment(sandbox, { merchant_uid: 'order_a', amount: 100 });
    sandbox.clock.advance(1);
    const b = await createPayment(sandbox, { merchant_uid: 'order_b', amount: 200 });
    const list = (res: Awaited<ReturnType<typeof get>>) =>
      z
        .array(sandboxPaymentSchema)
        .parse(envelope(res).response)
        .map((p) => p.imp_uid);

    const full = await get(`/payments?imp_uid[]=${a.imp_uid}&merchant_uid[]=order_b`);
    expect(full.status).toBe(200);
    expect(list(full)).toEqual([a.imp_uid, b.imp_uid]);

    const php = await get(`/payments?imp_uid%5B0%5D=${a.imp_uid}&imp_uid%5B1%5D=${b.imp_uid}`);
    expect(list(php)).toEqual([a.imp_uid, b.imp_uid]);

    const partial = await get(`/payments?imp_uid[]=${a.imp_uid}&imp_uid[]=imp_000000000001`);
    expect(partial.status).toBe(207);
    expect(envelope(partial).code).toBe(0);
    expect(list(partial)).toEqual([a.imp_uid]);

    expect((await get('/payments?imp_uid[]=imp_000000000001')).status).toBe(404);
    expect((await get('/payments')).status).toBe(400);
    const tooMany = Array.from({ length: 101 }, (_, i) => `imp_uid[]=imp_${i}`).join('&');
    expect((await get(`/payments?${tooMany}`)).status).toBe(400);
  });
});
