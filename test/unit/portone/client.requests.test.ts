import { describe, expect, it } from 'vitest';
import { type CancelPaymentRequest, PortOneInvalidRequestError } from '../../../shared/portone';
import {
  cancellationJson,
  IDEMPOTENCY_KEY,
  paymentJson,
  rejectionOf,
  SECRET,
  STORE_ID,
  useMockPortOne,
} from './mockPortOne';

const cancel: CancelPaymentRequest = {
  paymentId: 'payment-order-1001',
  reason: '금액 위변조',
  currentCancellableAmount: 14000,
  idempotencyKey: IDEMPOTENCY_KEY,
};

describe('PortOneClient: requests on the wire', () => {
  const rig = useMockPortOne();

  it('gets a payment with GET /payments/{paymentId} and the PortOne authorization, no body', async () => {
    const seen = rig.mock.replyAny(200, paymentJson());

    await rig.mock.client.getPayment('payment-order-1001');

    expect(seen).toEqual([
      {
        method: 'GET',
        path: '/payments/payment-order-1001',
        headers: expect.objectContaining({ authorization: `PortOne ${SECRET}`, accept: 'application/json' }),
        body: undefined,
      },
    ]);
    expect(seen[0]?.headers).not.toHaveProperty('content-type');
    expect(seen[0]?.headers).not.toHaveProperty('idempotency-key');
  });

  describe('paymentId as one path segment', () => {
    it.each([
      ['../x', '/payments/..%2Fx'],
      ['a/b', '/payments/a%2Fb'],
      ['a?b', '/payments/a%3Fb'],
      ['a#b', '/payments/a%23b'],
      ['a%2Fb', '/payments/a%252Fb'],
      ['a b', '/payments/a%20b'],
      ['주문 1', '/payments/%EC%A3%BC%EB%AC%B8%201'],
    ])('getPayment(%j) requests %s', async (paymentId, path) => {
      const seen = rig.mock.replyAny(200, paymentJson());

      await rig.mock.client.getPayment(paymentId);

      expect(seen.map((request) => request.path)).toEqual([path]);
    });

    it('encodes it the same way in cancel and pre-register', async () => {
      const cancelled = rig.mock.replyAny(200, { cancellation: cancellationJson() });
      const registered = rig.mock.replyAny(200, {});

      await rig.mock.client.cancelPayment({ ...cancel, paymentId: '../a?b' });
      await rig.mock.client.preRegisterPayment({ paymentId: '../a?b', totalAmount: 14000, currency: 'KRW' });

      expect([...cancelled, ...registered].map((request) => request.path)).toEqual([
        '/payments/..%2Fa%3Fb/cancel',
        '/payments/..%2Fa%3Fb/pre-register',
      ]);
    });

    it.each([
      ['', 'must be a non-empty string'],
      [' payment-1', 'must not start or end with whitespace'],
      ['payment-1\u00a0', 'must not start or end with whitespace'],
      ['\u200bpayment-1', 'must not start or end with whitespace'],
      ['pay\nment', 'must not contain control characters'],
      ['.', 'must not be a dot segment'],
      ['..', 'must not be a dot segment'],
      ['pay\ud800ment', 'must be well-formed Unicode'],
    ])('refuses the paymentId %j before sending, in every call', async (paymentId, problem) => {
      const calls = [
        rig.mock.client.getPayment(paymentId),
        rig.mock.client.cancelPayment({ ...cancel, paymentId }),
        rig.mock.client.preRegisterPayment({ paymentId, totalAmount: 1000, currency: 'KRW' }),
      ];
      for (const call of calls) {
        const error = await rejectionOf(call);
        expect(error).toBeInstanceOf(PortOneInvalidRequestError);
        expect(error).toMatchObject({ message: `paymentId ${problem}` });
      }
    });

    it('sends an id as it is given: never trimmed or rewritten', async () => {
      const seen = rig.mock.replyAny(200, paymentJson({ id: 'Payment-ÄB' }));

      const payment = await rig.mock.client.getPayment('Payment-ÄB');

      expect(seen[0]?.path).toBe(`/payments/${encodeURIComponent('Payment-ÄB')}`);
      expect(payment.id).toBe('Payment-ÄB');
    });
  });

  describe('storeId', () => {
    it('is left out when neither the client nor the call names one', async () => {
      const gets = rig.mock.replyAny(200, paymentJson());
      const cancels = rig.mock.replyAny(200, { cancellation: cancellationJson() });

      await rig.mock.client.getPayment('p1');
      await rig.mock.client.cancelPayment(cancel);

      expect(gets[0]?.path).toBe('/payments/p1');
      expect(JSON.parse(cancels[0]?.body ?? '')).not.toHaveProperty('storeId');
    });

    it('comes from the client’s options: a query on GET, a body field on POST', async () => {
      await rig.reset({ storeId: STORE_ID });
      const gets = rig.mock.replyAny(200, paymentJson());
      const cancels = rig.mock.replyAny(200, { cancellation: cancellationJson() });
      const registers = rig.mock.replyAny(200, {});

      await rig.mock.client.getPayment('p1');
      await rig.mock.client.cancelPayment(cancel);
      await rig.mock.client.preRegisterPayment({ paymentId: 'p1', totalAmount: 1000, currency: 'KRW' });

      expect(gets[0]?.path).toBe(`/payments/p1?storeId=${STORE_ID}`);
      expect(JSON.parse(cancels[0]?.body ?? '')).toMatchObject({ storeId: STORE_ID });
      expect(JSON.parse(registers[0]?.body ?? '')).toMatchObject({ storeId: STORE_ID });
    });

    it('is overridden by the call’s own, encoded as a query value', async () => {
      await rig.reset({ storeId: STORE_ID });
      const seen = rig.mock.replyAny(200, paymentJson());

      await rig.mock.client.getPayment('p1', { storeId: 'store-a&b=c' });

      expect(seen[0]?.path).toBe('/payments/p1?storeId=store-a%26b%3Dc');
    });

    it('refuses a blank or padded store before sending', async () => {
      for (const storeId of ['', ' store-1']) {
        await expect(rig.mock.client.getPayment('p1', { storeId })).rejects.toBeInstanceOf(
          PortOneInvalidRequestError,
        );
      }
    });
  });

  describe('cancelPayment', () => {
    it('posts exactly reason, amount and currentCancellableAmount as JSON with the Idempotency-Key', async () => {
      const seen = rig.mock.replyAny(200, { cancellation: cancellationJson({ totalAmount: 4000 }) });

      const answer = await rig.mock.client.cancelPayment({ ...cancel, amount: 4000 });

      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject({
        method: 'POST',
        path: '/payments/payment-order-1001/cancel',
        headers: {
          authorization: `PortOne ${SECRET}`,
          'content-type': 'application/json',
          'idempotency-key': `"${IDEMPOTENCY_KEY}"`,
        },
      });
      expect(JSON.parse(seen[0]?.body ?? '')).toEqual({
        reason: '금액 위변조',
        amount: 4000,
        currentCancellableAmount: 14000,
      });
      expect(answer.cancellation).toMatchObject({
        id: 'cancellation-01',
        status: 'SUCCEEDED',
        totalAmount: 4000,
      });
    });

    it('leaves amount out for a full cancel of the balance', async () => {
      const seen = rig.mock.replyAny(200, { cancellation: cancellationJson() });

      await rig.mock.client.cancelPayment(cancel);

      expect(JSON.parse(seen[0]?.body ?? '')).toEqual({
        reason: '금액 위변조',
        currentCancellableAmount: 14000,
      });
    });

    it('drops what the caller adds beyond the request', async () => {
      const seen = rig.mock.replyAny(200, { cancellation: cancellationJson() });
      const widened = { ...cancel, skipWebhook: true, refundAccount: { bank: 'KOOKMIN' } };

      await rig.mock.client.cancelPayment(widened);

      expect(Object.keys(JSON.parse(seen[0]?.body ?? ''))).toEqual(['reason', 'currentCancellableAmount']);
    });

    it('sends the same key on a retry, so PortOne replays the first outcome', async () => {
      const first = rig.mock.replyAny(200, { cancellation: cancellationJson() });
      const second = rig.mock.replyAny(200, { cancellation: cancellationJson() });

      await rig.mock.client.cancelPayment(cancel);
      await rig.mock.client.cancelPayment(cancel);

      expect([...first, ...second].map((request) => request.headers['idempotency-key'])).toEqual([
        `"${IDEMPOTENCY_KEY}"`,
        `"${IDEMPOTENCY_KEY}"`,
      ]);
    });

    it.each([
      ['REQUESTED (asynchronous: announced by a webhook later)', 'REQUESTED'],
      ['FAILED', 'FAILED'],
      ['a status PortOne adds later', 'SOMETHING_NEW'],
    ])('returns a cancellation %s as it is', async (_, status) => {
      rig.mock.replyAny(200, { cancellation: cancellationJson({ status, cancelledAt: undefined }) });

      const answer = await rig.mock.client.cancelPayment(cancel);

      expect(answer.cancellation.status).toBe(status);
    });

    it.each([
      ['a key of 15 characters', { idempotencyKey: 'k'.repeat(15) }, 'idempotencyKey'],
      ['a key of 257 characters', { idempotencyKey: 'k'.repeat(257) }, 'idempotencyKey'],
      ['a key with a line break', { idempotencyKey: `${'k'.repeat(16)}\r\nx-evil: 1` }, 'idempotencyKey'],
      ['a key with a space', { idempotencyKey: `${'k'.repeat(8)} ${'k'.repeat(8)}` }, 'idempotencyKey'],
      ['a key with Hangul', { idempotencyKey: `${'k'.repeat(16)}키` }, 'idempotencyKey'],
      ['a NaN amount', { amount: Number.NaN }, 'amount'],
      ['an infinite amount', { amount: Number.POSITIVE_INFINITY }, 'amount'],
      ['a fractional amount', { amount: 100.5 }, 'amount'],
      ['an amount of 0 (not a full cancel: omit it for that)', { amount: 0 }, 'amount'],
      ['a negative amount', { amount: -1 }, 'amount'],
      ['an amount above the cancellable balance', { amount: 14001 }, 'amount'],
      [
        'an unsafe integer',
        { amount: 2 ** 53, currentCancellableAmount: 2 ** 53 },
        'currentCancellableAmount',
      ],
      ['a NaN balance', { currentCancellableAmount: Number.NaN }, 'currentCancellableAmount'],
      ['a fractional balance', { currentCancellableAmount: 0.1 }, 'currentCancellableAmount'],
      ['a negative balance', { currentCancellableAmount: -1 }, 'currentCancellableAmount'],
      ['an empty reason', { reason: '' }, 'reason'],
      ['a blank reason', { reason: '   ' }, 'reason'],
    ])('refuses %s before sending', async (_, change, field) => {
      const error = await rejectionOf(rig.mock.client.cancelPayment({ ...cancel, ...change }));

      expect(error).toBeInstanceOf(PortOneInvalidRequestError);
      expect((error as Error).message.startsWith(field)).toBe(true);
    });

    it('accepts keys of exactly 16 and 256 characters', async () => {
      const short = rig.mock.replyAny(200, { cancellation: cancellationJson() });
      const long = rig.mock.replyAny(200, { cancellation: cancellationJson() });

      await rig.mock.client.cancelPayment({ ...cancel, idempotencyKey: 'k'.repeat(16) });
      await rig.mock.client.cancelPayment({ ...cancel, idempotencyKey: 'k'.repeat(256) });

      expect(short[0]?.headers['idempotency-key']).toBe(`"${'k'.repeat(16)}"`);
      expect(long[0]?.headers['idempotency-key']).toBe(`"${'k'.repeat(256)}"`);
    });

    it('sends the key as an RFC 8941 string, as PortOne asks: quoted, its quote and backslash escaped', async () => {
      const sent = rig.mock.replyAny(200, { cancellation: cancellationJson() });

      await rig.mock.client.cancelPayment({ ...cancel, idempotencyKey: 'key-with-"quote"-and-\\' });

      expect(sent[0]?.headers['idempotency-key']).toBe('"key-with-\\"quote\\"-and-\\\\"');
    });
  });

  describe('preRegisterPayment', () => {
    it('posts totalAmount and currency, and taxFreeAmount when given', async () => {
      const seen = rig.mock.replyAny(200, {});

      await rig.mock.client.preRegisterPayment({
        paymentId: 'payment-order-1001',
        totalAmount: 14000,
        currency: 'KRW',
        taxFreeAmount: 1000,
      });

      expect(seen[0]).toMatchObject({
        method: 'POST',
        path: '/payments/payment-order-1001/pre-register',
        headers: { authorization: `PortOne ${SECRET}`, 'content-type': 'application/json' },
      });
      expect(seen[0]?.headers).not.toHaveProperty('idempotency-key');
      expect(JSON.parse(seen[0]?.body ?? '')).toEqual({
        totalAmount: 14000,
        currency: 'KRW',
        taxFreeAmount: 1000,
      });
    });

    it.each([
      ['a NaN total', { totalAmount: Number.NaN }, 'totalAmount'],
      ['a fractional total', { totalAmount: 14000.01 }, 'totalAmount'],
      ['a total of 0', { totalAmount: 0 }, 'totalAmount'],
      ['a total given as a string', { totalAmount: '14000' as unknown as number }, 'totalAmount'],
      ['a fractional tax-free amount', { taxFreeAmount: 0.5 }, 'taxFreeAmount'],
      ['a tax-free amount above the total', { taxFreeAmount: 14001 }, 'taxFreeAmount'],
      ['another currency', { currency: 'USD' as 'KRW' }, 'currency'],
    ])('refuses %s before sending', async (_, change, field) => {
      const error = await rejectionOf(
        rig.mock.client.preRegisterPayment({
          paymentId: 'p1',
          totalAmount: 14000,
          currency: 'KRW',
          ...change,
        }),
      );

      expect(error).toBeInstanceOf(PortOneInvalidRequestError);
      expect((error as Error).message.startsWith(field)).toBe(true);
    });
  });
});
