import { describe, expect, it } from 'vitest';
import { attemptFromIamport } from '../../../shared/providers/iamportAttempt';
import { aPayment, aVbankPayment } from '../../helpers/fakes';

describe('Function: attemptFromIamport (the V1 adapter)', () => {
  it('maps a paid card payment to a provider-neutral attempt', () => {
    expect(attemptFromIamport(aPayment())).toEqual({
      api: 'v1',
      id: 'imp_100000000001',
      orderId: 'order_1001',
      state: 'paid',
      providerStatus: 'paid',
      amount: 14_000,
      cancelledAmount: 0,
      currency: 'KRW',
      method: 'card',
      test: false,
    });
  });

  it('reads a ready vbank as awaiting a deposit, with its account, and any other ready as abandoned', () => {
    const vbank = attemptFromIamport(aVbankPayment());
    expect(vbank.state).toBe('awaiting_deposit');
    expect(vbank.vbank).toMatchObject({ num: expect.any(String), due: expect.any(Number) });
    expect(attemptFromIamport(aPayment({ status: 'ready', pay_method: 'card', paid_at: 0 })).state).toBe(
      'abandoned',
    );
  });

  it('keeps a partly refunded payment cancelled with what was returned, and its last cancellation id', () => {
    const attempt = attemptFromIamport(
      aPayment({
        status: 'cancelled',
        cancel_amount: 4_000,
        cancel_history: [
          {
            pg_tid: null,
            amount: 4_000,
            cancelled_at: 1,
            reason: null,
            cancellation_id: 'c_1',
            receipt_url: null,
          },
        ],
      }),
    );
    expect(attempt).toMatchObject({ state: 'cancelled', cancelledAmount: 4_000, lastCancellationId: 'c_1' });
  });

  it('marks a test-channel payment, and leaves a status it does not know undecided', () => {
    expect(attemptFromIamport(aPayment({ sandbox: true })).test).toBe(true);
    expect(attemptFromIamport(aPayment({ status: 'disputed' }))).toMatchObject({
      state: 'unknown',
      providerStatus: 'disputed',
    });
  });
});
