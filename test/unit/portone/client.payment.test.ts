import { describe, expect, it } from 'vitest';
import { isVirtualAccountMethod, type Payment, paymentStatuses } from '../../../shared/portone';
import { cancellationJson, paymentJson, STORE_ID, useMockPortOne, virtualAccountJson } from './mockPortOne';

describe('PortOneClient: getPayment answers parsed', () => {
  const rig = useMockPortOne();

  async function parsed(json: Record<string, unknown>): Promise<Payment> {
    rig.mock.replyAny(200, json);
    return rig.mock.client.getPayment('payment-order-1001');
  }

  it('keeps the fields verification reads, and drops the buyer’s data and everything else', async () => {
    const payment = await parsed(paymentJson({ customData: '{"cart":"c-1"}' }));

    expect(payment).toEqual({
      status: 'PAID',
      id: 'payment-order-1001',
      transactionId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
      storeId: STORE_ID,
      version: 'V2',
      channel: { type: 'LIVE' },
      currency: 'KRW',
      amount: { total: 14000, paid: 14000, cancelled: 0, taxFree: 0 },
      method: { type: 'PaymentMethodCard' },
      orderName: '주문명:결제테스트',
      paidAt: '2026-11-30T08:00:31.123456+09:00',
      cancellations: [],
      customData: '{"cart":"c-1"}',
    });
    expect(JSON.stringify(payment)).not.toMatch(/구매자이름|010-1234|buyer@|53275000/);
  });

  it('reads a virtual account’s details, narrowed by isVirtualAccountMethod', async () => {
    const payment = await parsed(virtualAccountJson());

    expect(payment.status).toBe('VIRTUAL_ACCOUNT_ISSUED');
    expect(isVirtualAccountMethod(payment.method)).toBe(true);
    if (!isVirtualAccountMethod(payment.method)) return;
    expect(payment.method).toEqual({
      type: 'PaymentMethodVirtualAccount',
      accountNumber: '12345678901234',
      bank: 'KOOKMIN',
      remitteeName: '(주)테스트상점',
      expiredAt: '2026-12-07T23:59:59+09:00',
      issuedAt: '2026-11-30T08:00:31+09:00',
    });
    expect(payment.paidAt).toBeUndefined();
  });

  it('reads a partial cancel with its cancellations', async () => {
    const payment = await parsed(
      paymentJson({
        status: 'PARTIAL_CANCELLED',
        amount: { total: 14000, taxFree: 0, discount: 0, paid: 14000, cancelled: 4000, cancelledTaxFree: 0 },
        cancellations: [
          cancellationJson({ totalAmount: 4000 }),
          cancellationJson({ id: 'c2', status: 'REQUESTED' }),
        ],
      }),
    );

    expect(payment.amount).toMatchObject({ paid: 14000, cancelled: 4000 });
    expect(payment.cancellations).toEqual([
      {
        id: 'cancellation-01',
        status: 'SUCCEEDED',
        totalAmount: 4000,
        taxFreeAmount: 0,
        vatAmount: 1273,
        reason: '금액 위변조',
        cancelledAt: '2026-11-30T08:05:00Z',
        requestedAt: '2026-11-30T08:04:59Z',
      },
      expect.objectContaining({ id: 'c2', status: 'REQUESTED' }),
    ]);
  });

  it('reads a failed payment with its failure and without channel or paidAt', async () => {
    const payment = await parsed(
      paymentJson({
        status: 'FAILED',
        channel: undefined,
        paidAt: undefined,
        failedAt: '2026-11-30T08:00:10Z',
        failure: { reason: '카드 한도 초과', pgCode: 'LIMIT', pgMessage: '한도초과' },
      }),
    );

    expect(payment).toMatchObject({
      status: 'FAILED',
      failedAt: '2026-11-30T08:00:10Z',
      failure: { reason: '카드 한도 초과', pgCode: 'LIMIT', pgMessage: '한도초과' },
    });
    expect(payment.channel).toBeUndefined();
  });

  it.each(paymentStatuses)('parses status %s', async (status) => {
    const payment = await parsed(paymentJson({ status }));

    expect(payment.status).toBe(status);
  });

  it('parses a status, a channel type, a method and a version PortOne adds later, without failing', async () => {
    const payment = await parsed(
      paymentJson({
        status: 'PARTIAL_REFUND_PENDING',
        channel: { type: 'STAGING' },
        method: { type: 'PaymentMethodSomethingNew' },
        version: 'V3',
        currency: 'XTS',
      }),
    );

    expect(payment).toMatchObject({
      status: 'PARTIAL_REFUND_PENDING',
      channel: { type: 'STAGING' },
      method: { type: 'PaymentMethodSomethingNew' },
      version: 'V3',
    });
  });

  it.each(['constructor', '__proto__', 'toString'])(
    'parses a status named %s like any unknown one',
    async (status) => {
      const payment = await parsed(paymentJson({ status, channel: undefined }));

      expect(payment.status).toBe(status);
    },
  );

  it('reads a partial or full cancel without paidAt, as PortOne’s reference allows', async () => {
    const partial = await parsed(paymentJson({ status: 'PARTIAL_CANCELLED', paidAt: undefined }));
    const full = await parsed(
      paymentJson({ status: 'CANCELLED', paidAt: undefined, cancelledAt: '2026-11-30T09:00:00Z' }),
    );

    expect([partial.paidAt, full.paidAt]).toEqual([undefined, undefined]);
  });

  it('reads a TEST channel as it is, for verification to refuse', async () => {
    const payment = await parsed(paymentJson({ channel: { type: 'TEST', pgProvider: 'TOSSPAYMENTS' } }));

    expect(payment.channel?.type).toBe('TEST');
  });

  it('reads a V1 payment seen through V2: transactionId is the imp_uid', async () => {
    const payment = await parsed(paymentJson({ version: 'V1', transactionId: 'imp_448280090638' }));

    expect(payment).toMatchObject({ version: 'V1', transactionId: 'imp_448280090638' });
  });

  it('reads null as absent in optional fields', async () => {
    const payment = await parsed(
      paymentJson({ customData: null, method: null, cancellations: null, failure: null, orderName: null }),
    );

    expect(payment.customData).toBeUndefined();
    expect(payment.method).toBeUndefined();
    expect(payment.cancellations).toBeUndefined();
  });

  it('keeps ids exactly, whitespace and case included', async () => {
    const payment = await parsed(paymentJson({ id: ' Order-1 ', transactionId: 'TX ', storeId: 'Store-A' }));

    expect(payment).toMatchObject({ id: ' Order-1 ', transactionId: 'TX ', storeId: 'Store-A' });
  });
});
