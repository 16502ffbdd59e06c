import { describe, expect, it } from 'vitest';
import { IamportNotFoundError } from '../../../shared/iamport/errors';
import type { Payment } from '../../../shared/iamport/types';
import { findBestAttempt } from '../../../shared/payments/findBestAttempt';
import { aPayment, aVbankPayment, FakeIamport } from '../../helpers/fakes';

/** The nth attempt for order_1001, started n minutes after the first. */
function attempt(n: number, overrides: Partial<Payment>): Payment {
  return aPayment({ imp_uid: `imp_10000000000${n}`, started_at: 1_759_990_000 + n * 60, ...overrides });
}

describe('Function: findBestAttempt', () => {
  it('prefers a paid attempt over later failed and ready ones', async () => {
    const iamport = new FakeIamport(
      attempt(1, { status: 'paid' }),
      attempt(2, { status: 'failed', paid_at: 0 }),
      attempt(3, { status: 'ready', paid_at: 0 }),
    );

    const best = await findBestAttempt(iamport, 'order_1001');

    expect(best.imp_uid).toBe('imp_100000000001');
    expect(iamport.calls.findAllPayments).toBe(1);
    expect(iamport.calls.findPayment).toBe(0);
  });

  it('prefers the latest of several paid attempts', async () => {
    const iamport = new FakeIamport(attempt(1, { status: 'paid' }), attempt(2, { status: 'paid' }));

    expect((await findBestAttempt(iamport, 'order_1001')).imp_uid).toBe('imp_100000000002');
  });

  it('without a paid attempt, prefers a cancelled one, then an issued vbank, then the latest', async () => {
    const cancelled = new FakeIamport(
      attempt(1, { status: 'cancelled', cancel_amount: 14_000 }),
      aVbankPayment({ imp_uid: 'imp_100000000002', started_at: 1_759_990_120 }),
      attempt(3, { status: 'failed' }),
    );
    const vbank = new FakeIamport(
      aVbankPayment({ imp_uid: 'imp_100000000001', started_at: 1_759_990_060 }),
      attempt(2, { status: 'ready', pay_method: 'card' }),
      attempt(3, { status: 'failed' }),
    );
    const latest = new FakeIamport(attempt(1, { status: 'ready' }), attempt(2, { status: 'failed' }));

    expect((await findBestAttempt(cancelled, 'order_1001')).imp_uid).toBe('imp_100000000001');
    expect((await findBestAttempt(vbank, 'order_1001')).imp_uid).toBe('imp_100000000001');
    expect((await findBestAttempt(latest, 'order_1001')).imp_uid).toBe('imp_100000000002');
  });

  it('ignores attempts of other merchant_uids', async () => {
    const iamport = new FakeIamport(
      attempt(1, { status: 'failed' }),
      attempt(2, { status: 'paid', merchant_uid: 'order_2002' }),
    );

    expect((await findBestAttempt(iamport, 'order_1001')).imp_uid).toBe('imp_100000000001');
  });

  it('throws IamportNotFoundError when the merchant_uid has no attempt', async () => {
    await expect(findBestAttempt(new FakeIamport(), 'order_1001')).rejects.toBeInstanceOf(
      IamportNotFoundError,
    );
  });

  it('falls back to find when findAll answers with an empty page', async () => {
    const iamport = new FakeIamport(attempt(1, { status: 'paid' }));
    iamport.findAllPayments = async () => ({ total: 0, previous: 0, next: 0, list: [] });

    const best = await findBestAttempt(iamport, 'order_1001');

    expect(best.imp_uid).toBe('imp_100000000001');
    expect(iamport.calls.findPayment).toBe(1);
  });
});
