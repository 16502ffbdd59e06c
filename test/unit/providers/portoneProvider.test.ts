import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { decide } from '../../../shared/payments/decide';
import { AttemptNotFoundError, ProviderUnavailableError } from '../../../shared/payments/provider';
import {
  type CancelPaymentRequest,
  cancelIdempotencyKey,
  type PortOneApi,
  PortOneNotFoundError,
  PortOneRefusedError,
  PortOneUnavailableError,
  paymentSchema,
} from '../../../shared/portone';
import { attemptFromPortOne } from '../../../shared/providers/portoneAttempt';
import { portoneProvider } from '../../../shared/providers/portoneProvider';
import { anOrder, FIXED_NOW } from '../../helpers/fakes';
import { cancellationJson, paymentJson, virtualAccountJson } from '../portone/mockPortOne';

const paid = () => v.parse(paymentSchema, paymentJson());

describe('Function: attemptFromPortOne (the V2 adapter)', () => {
  it('maps a paid V2 payment: the paymentId is the order, the transaction the attempt', () => {
    expect(attemptFromPortOne(paid())).toEqual({
      api: 'v2',
      id: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
      orderId: 'payment-order-1001',
      state: 'paid',
      providerStatus: 'PAID',
      amount: 14_000,
      cancelledAmount: 0,
      currency: 'KRW',
      method: 'card',
      test: false,
    });
  });

  it('reads an issued virtual account as awaiting a deposit, with the account and its deadline', () => {
    const attempt = attemptFromPortOne(v.parse(paymentSchema, virtualAccountJson()));
    expect(attempt).toMatchObject({ state: 'awaiting_deposit', method: 'vbank' });
    expect(attempt.vbank).toEqual({
      num: '12345678901234',
      bank: 'KOOKMIN',
      holder: '(주)테스트상점',
      due: Math.floor(Date.parse('2026-12-07T23:59:59+09:00') / 1000),
    });
  });

  it('marks a cancellation the PG has not finished (REQUESTED) as pending, and only that one', () => {
    const requested = cancellationJson({ status: 'REQUESTED', cancelledAt: undefined });
    const pending = attemptFromPortOne(v.parse(paymentSchema, paymentJson({ cancellations: [requested] })));
    const done = attemptFromPortOne(
      v.parse(paymentSchema, paymentJson({ cancellations: [cancellationJson()] })),
    );

    expect(pending.cancelPending).toBe(true);
    expect(done.cancelPending).toBeUndefined();
  });

  it('reads any channel but LIVE as a test payment, refused where the stage refuses them', () => {
    const test = attemptFromPortOne(
      v.parse(
        paymentSchema,
        paymentJson({ channel: { type: 'TEST', id: 'c', key: 'k', pgProvider: 'X', pgMerchantId: 'm' } }),
      ),
    );
    expect(test.test).toBe(true);
    const options = { acceptSandboxPayments: false, refundLeaseMs: 60_000, now: FIXED_NOW };
    expect(decide(anOrder({ merchant_uid: 'payment-order-1001' }), test, options)).toEqual({
      kind: 'sandbox_refused',
    });
  });

  it('keeps a partial cancel a cancel with what was returned, and a payment in progress undecided', () => {
    const partial = attemptFromPortOne(
      v.parse(
        paymentSchema,
        paymentJson({
          status: 'PARTIAL_CANCELLED',
          amount: {
            total: 14_000,
            paid: 14_000,
            cancelled: 4_000,
            taxFree: 0,
            discount: 0,
            cancelledTaxFree: 0,
          },
          cancellations: [cancellationJson({ id: 'c_2', totalAmount: 4_000 })],
          cancelledAt: '2026-11-30T08:05:00Z',
        }),
      ),
    );
    expect(partial).toMatchObject({ state: 'cancelled', cancelledAmount: 4_000, lastCancellationId: 'c_2' });
    const ready = attemptFromPortOne(
      v.parse(paymentSchema, paymentJson({ status: 'READY', paidAt: undefined })),
    );
    expect(ready.state).toBe('in_progress');
    const options = { acceptSandboxPayments: false, refundLeaseMs: 60_000, now: FIXED_NOW };
    expect(decide(anOrder({ merchant_uid: 'payment-order-1001' }), ready, options)).toMatchObject({
      kind: 'unchanged',
    });
  });
});

/** A PortOneApi whose cancel answers as told and records what it was asked. */
function fakeApi(cancel: () => Promise<unknown>) {
  const asked: CancelPaymentRequest[] = [];
  const api: PortOneApi = {
    getPayment: async () => paid(),
    cancelPayment: async (request) => {
      asked.push(request);
      return (await cancel()) as Awaited<ReturnType<PortOneApi['cancelPayment']>>;
    },
    preRegisterPayment: async () => undefined,
    listPayments: async () => ({ items: [], page: { number: 0, size: 10, totalCount: 0 } }),
  };
  return { api, asked };
}

const request = {
  attemptId: 'tx_1',
  orderId: 'payment-order-1001',
  amount: 14_000,
  checksum: 14_000,
  reason: 'amount mismatch (tampered payment)',
};

describe('Function: portoneProvider', () => {
  it('cancels with the balance as currentCancellableAmount and one key per order and attempt', async () => {
    const { api, asked } = fakeApi(async () => ({
      cancellation: { status: 'SUCCEEDED', id: 'c_1', totalAmount: 14_000 },
    }));

    await expect(portoneProvider(api).cancel(request)).resolves.toEqual({
      kind: 'cancelled',
      cancellationId: 'c_1',
    });
    expect(asked).toEqual([
      {
        paymentId: 'payment-order-1001',
        reason: 'amount mismatch (tampered payment)',
        amount: 14_000,
        currentCancellableAmount: 14_000,
        idempotencyKey: cancelIdempotencyKey('payment-order-1001', 'tx_1'),
      },
    ]);
  });

  it.each([
    [
      'a cancel the PG finishes later',
      async () => ({ cancellation: { status: 'REQUESTED', id: 'c', totalAmount: 1 } }),
      { kind: 'pending' },
    ],
    [
      'nothing left to cancel',
      async () => Promise.reject(new PortOneRefusedError('PAYMENT_ALREADY_CANCELLED', 'done')),
      { kind: 'already_cancelled' },
    ],
    [
      'a stale balance',
      async () =>
        Promise.reject(new PortOneRefusedError('CANCELLABLE_AMOUNT_CONSISTENCY_BROKEN', '금액 불일치')),
      { kind: 'refused', message: '금액 불일치' },
    ],
  ])('answers %s as the core expects', async (_label, answer, expected) => {
    await expect(portoneProvider(fakeApi(answer).api).cancel(request)).resolves.toEqual(expected);
  });

  it('turns an outage, or the same key still running, into "provider unavailable" (retried later)', async () => {
    for (const error of [
      new PortOneUnavailableError('PortOne answered HTTP 503'),
      new PortOneRefusedError('IDEMPOTENCY_OUTSTANDING_REQUEST', 'running'),
    ]) {
      await expect(
        portoneProvider(fakeApi(async () => Promise.reject(error)).api).cancel(request),
      ).rejects.toBeInstanceOf(ProviderUnavailableError);
    }
  });

  it('finds the decisive attempt by the paymentId, and a payment PortOne does not know is not found', async () => {
    const { api } = fakeApi(async () => undefined);
    await expect(
      portoneProvider(api).findDecisiveAttempt('payment-order-1001', { acceptTestPayments: false }),
    ).resolves.toMatchObject({
      orderId: 'payment-order-1001',
      state: 'paid',
    });
    const missing: PortOneApi = {
      ...api,
      getPayment: async () => Promise.reject(new PortOneNotFoundError('no such payment')),
    };
    await expect(
      portoneProvider(missing).findDecisiveAttempt('x', { acceptTestPayments: false }),
    ).rejects.toBeInstanceOf(AttemptNotFoundError);
  });
});
