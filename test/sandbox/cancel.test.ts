import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SandboxHandle } from '../../sandbox/index';
import { baseSeconds, call, createPayment, envelope, getToken, paymentOf, start } from './helpers';

describe('sandbox: POST /payments/cancel', () => {
  let sandbox: SandboxHandle;
  let token: string;
  const cancelJson = (json: Record<string, unknown>) =>
    call(sandbox.url, 'POST', '/payments/cancel', { token, json });
  const cancelForm = (form: Record<string, string>) =>
    call(sandbox.url, 'POST', '/payments/cancel', { token, form });
  const lookup = async (impUid: string) =>
    paymentOf(await call(sandbox.url, 'GET', `/payments/${impUid}`, { token }));

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

  it('cancels part of the balance, keeps status cancelled with a balance, then allows further partials', async () => {
    const paid = await createPayment(sandbox, { merchant_uid: 'order_partial', amount: 10_000 });
    sandbox.clock.advance(60);
    const first = await cancelJson({
      imp_uid: paid.imp_uid,
      amount: 3000,
      checksum: 10_000,
      reason: '부분 환불',
    });
    expect(first.status).toBe(200);
    const afterFirst = paymentOf(first);
    expect(afterFirst).toMatchObject({
      status: 'cancelled',
      amount: 10_000,
      cancel_amount: 3000,
      cancelled_at: baseSeconds + 60,
      cancel_reason: '부분 환불',
    });
    expect(afterFirst.cancel_history).toHaveLength(1);
    expect(afterFirst.cancel_history[0]).toMatchObject({
      amount: 3000,
      reason: '부분 환불',
      cancelled_at: baseSeconds + 60,
    });

    sandbox.clock.advance(60);
    const second = paymentOf(await cancelForm({ imp_uid: paid.imp_uid, amount: '2000', checksum: '7000' }));
    expect(second.cancel_amount).toBe(5000);
    expect(second.cancel_history.map((c) => c.amount)).toEqual([3000, 2000]);
    const ids = second.cancel_history.map((c) => c.cancellation_id);
    expect(new Set(ids).size).toBe(2);
    expect(ids.every((id) => id.length > 0)).toBe(true);
    expect(await lookup(paid.imp_uid)).toMatchObject({ status: 'cancelled', cancel_amount: 5000 });
  });

  it('cancels the whole remaining balance when amount is missing or 0', async () => {
    const a = await createPayment(sandbox, { merchant_uid: 'order_full_a', amount: 8000 });
    await cancelJson({ imp_uid: a.imp_uid, amount: 1000 });
    const rest = paymentOf(await cancelJson({ imp_uid: a.imp_uid }));
    expect(rest.cancel_amount).toBe(8000);
    expect(rest.cancel_history.map((c) => c.amount)).toEqual([1000, 7000]);

    const b = await createPayment(sandbox, { merchant_uid: 'order_full_b', amount: 4000 });
    const zero = paymentOf(await cancelForm({ imp_uid: b.imp_uid, amount: '0', checksum: '4000' }));
    expect(zero).toMatchObject({ status: 'cancelled', cancel_amount: 4000 });
  });

  it('refuses a checksum that is not the remaining balance, with code 1 and no change', async () => {
    const paid = await createPayment(sandbox, { merchant_uid: 'order_checksum', amount: 10_000 });
    await cancelJson({ imp_uid: paid.imp_uid, amount: 4000 });
    const stale = await cancelJson({ imp_uid: paid.imp_uid, amount: 1000, checksum: 10_000 });
    expect(stale.status).toBe(200);
    expect(envelope(stale)).toMatchObject({ code: 1, response: null });
    expect(envelope(stale).message).toContain('checksum');
    expect((await lookup(paid.imp_uid)).cancel_amount).toBe(4000);
    const right = await cancelJson({ imp_uid: paid.imp_uid, amount: 1000, checksum: 6000 });
    expect(envelope(right).code).toBe(0);
  });

  it('answers "이미 전액취소된 주문입니다." for a fully cancelled payment, whatever the checksum', async () => {
    const paid = await createPayment(sandbox, { merchant_uid: 'order_twice', amount: 3000 });
    expect(envelope(await cancelJson({ imp_uid: paid.imp_uid, checksum: 3000 })).code).toBe(0);
    for (const body of [{ imp_uid: paid.imp_uid, checksum: 3000 }, { merchant_uid: 'order_twice' }]) {
      const again = await cancelJson(body);
      expect(again.status).toBe(200);
      expect(again.body).toEqual({ code: 1, message: '이미 전액취소된 주문입니다.', response: null });
    }
  });

  it('answers "취소할 결제건이 존재하지 않습니다." for unknown targets, and imp_uid wins over merchant_uid', async () => {
    const paid = await createPayment(sandbox, { merchant_uid: 'order_priority', amount: 2000 });
    const expected = { code: 1, message: '취소할 결제건이 존재하지 않습니다.', response: null };
    const byImp = await cancelJson({ imp_uid: 'imp_000000000000' });
    expect(byImp.status).toBe(200);
    expect(byImp.body).toEqual(expected);
    expect((await cancelJson({ merchant_uid: 'order_nobody' })).body).toEqual(expected);
    // A bad imp_uid is not rescued by a good merchant_uid.
    expect((await cancelJson({ imp_uid: 'imp_000000000000', merchant_uid: 'order_priority' })).body).toEqual(
      expected,
    );
    expect((await lookup(paid.imp_uid)).status).toBe('paid');
    const missing = await cancelJson({ amount: 1 });
    expect(missing.status).toBe(400);
    expect(envelope(missing).message).toMatch(/지정해주셔야합니다\.$/);
  });

  it('by merchant_uid, cancels the attempt that has money to refund', async () => {
    await createPayment(sandbox, { merchant_uid: 'order_retry', amount: 5000, status: 'failed' });
    sandbox.clock.advance(5);
    const paid = await createPayment(sandbox, { merchant_uid: 'order_retry', amount: 5000 });
    sandbox.clock.advance(5);
    await createPayment(sandbox, { merchant_uid: 'order_retry', amount: 5000, status: 'ready' });
    const res = paymentOf(await cancelForm({ merchant_uid: 'order_retry', checksum: '5000' }));
    expect(res.imp_uid).toBe(paid.imp_uid);
    expect(res.cancel_amount).toBe(5000);
  });

  it('refuses an amount above the balance and a payment that is not paid', async () => {
    const paid = await createPayment(sandbox, { merchant_uid: 'order_big', amount: 1000 });
    const big = await cancelJson({ imp_uid: paid.imp_uid, amount: 1001 });
    expect(envelope(big)).toMatchObject({ code: 1, response: null });
    expect(envelope(big).message).toContain('requested cancel amount is bigger than cancelable amount');
    expect((await lookup(paid.imp_uid)).cancel_amount).toBe(0);
    const failed = await createPayment(sandbox, {
      merchant_uid: 'order_failed',
      amount: 1000,
      status: 'failed',
    });
    expect(envelope(await cancelJson({ imp_uid: failed.imp_uid })).code).toBe(1);
  });

  it('refuses a paid vbank refund without refund_holder/refund_bank/refund_account', async () => {
    const vbank = await createPayment(sandbox, {
      merchant_uid: 'order_vbank',
      amount: 9000,
      pay_method: 'vbank',
    });
    const without = await cancelJson({ imp_uid: vbank.imp_uid, refund_holder: '홍길동', refund_bank: '04' });
    expect(envelope(without).code).toBe(1);
    expect(envelope(without).message).toContain('refund_account');
    expect((await lookup(vbank.imp_uid)).status).toBe('paid');
    const withAccount = await cancelForm({
      imp_uid: vbank.imp_uid,
      refund_holder: '홍길동',
      refund_bank: '04',
      refund_account: '12345678901234',
      'extra[requester]': 'customer',
    });
    expect(envelope(withAccount).code).toBe(0);
    expect(paymentOf(withAccount).cancel_amount).toBe(9000);
  });

  it('validates PHP-style bracket keys such as extra[requester]', async () => {
    const paid = await createPayment(sandbox, { merchant_uid: 'order_extra', amount: 1000 });
    const bad = await cancelForm({ imp_uid: paid.imp_uid, 'extra[requester]': 'robot' });
    expect(bad.status).toBe(400);
    expect(envelope(bad).message).toContain('extra.requester');
    const bogusNumber = await cancelForm({ imp_uid: paid.imp_uid, amount: 'lots' });
    expect(bogusNumber.status).toBe(400);
    expect((await lookup(paid.imp_uid)).status).toBe('paid');
  });

  it('handles non-KRW decimal amounts without leaving a phantom balance', async () => {
    const usd = await createPayment(sandbox, { merchant_uid: 'order_usd', amount: 0.3, currency: 'USD' });
    await cancelJson({ imp_uid: usd.imp_uid, amount: 0.1, checksum: 0.3 });
    const rest = paymentOf(await cancelJson({ imp_uid: usd.imp_uid, amount: 0.2, checksum: 0.2 }));
    expect(rest.cancel_amount).toBe(0.3);
    expect(envelope(await cancelJson({ imp_uid: usd.imp_uid })).message).toBe('이미 전액취소된 주문입니다.');
  });
});
