import type * as sdk from '@portone/server-sdk/payment';
import * as v from 'valibot';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type CancelPaymentRequest,
  type CancelPaymentResponse,
  type ChannelType,
  cancelResponseSchema,
  type KnownCancellationStatus,
  type KnownPaymentStatus,
  type Payment,
  type PreRegisterPaymentRequest,
  paymentSchema,
  type VIRTUAL_ACCOUNT_METHOD,
  type VirtualAccountMethod,
} from '../../../shared/portone';

/**
 * Our schemas against `@portone/server-sdk`'s generated types, PortOne's own reading of its API: every
 * answer the SDK can describe must fit our parsed types where the two overlap, and our known values must
 * be PortOne's. Checked by `tsc` (the `expectTypeOf` lines) and by parsing SDK-typed fixtures.
 */

/**
 * The SDK marks "a value this SDK version does not know" with a unique symbol (`Unrecognized`); we read
 * those as open strings instead. Drops those union members, deeply, so the rest can be compared.
 */
type Recognized<T> = T extends string | number | boolean | null | undefined
  ? T // `string & {}` included: it is an object type to `extends object`, but must stay as it is.
  : T extends readonly (infer Item)[]
    ? Recognized<Item>[]
    : T extends object
      ? T extends { readonly status: symbol } | { readonly type: symbol }
        ? never
        : { [K in keyof T]: Recognized<T[K]> }
      : T;

type Status<T> = T extends { status: infer S } ? Exclude<S, symbol> : never;

describe('our PortOne types line up with the SDK’s', () => {
  it('knows exactly the SDK’s payment and cancellation statuses, and the same channel types', () => {
    expectTypeOf<KnownPaymentStatus>().toEqualTypeOf<Status<sdk.Payment>>();
    expectTypeOf<KnownCancellationStatus>().toEqualTypeOf<Status<sdk.PaymentCancellation>>();
    expectTypeOf<ChannelType>().toEqualTypeOf<sdk.PaidPayment['channel']['type']>();
    expectTypeOf<typeof VIRTUAL_ACCOUNT_METHOD>().toEqualTypeOf<sdk.PaymentMethodVirtualAccount['type']>();
  });

  it('holds every payment the SDK can describe, status by status', () => {
    expectTypeOf<Recognized<sdk.ReadyPayment>>().toExtend<Payment>();
    expectTypeOf<Recognized<sdk.PayPendingPayment>>().toExtend<Payment>();
    expectTypeOf<Recognized<sdk.VirtualAccountIssuedPayment>>().toExtend<Payment>();
    expectTypeOf<Recognized<sdk.PaidPayment>>().toExtend<Payment>();
    expectTypeOf<Recognized<sdk.FailedPayment>>().toExtend<Payment>();
    expectTypeOf<Recognized<sdk.PartialCancelledPayment>>().toExtend<Payment>();
    expectTypeOf<Recognized<sdk.CancelledPayment>>().toExtend<Payment>();
    expectTypeOf<sdk.PaymentMethodVirtualAccount>().toExtend<VirtualAccountMethod>();
    expectTypeOf<Recognized<sdk.CancelPaymentResponse>>().toExtend<CancelPaymentResponse>();
  });

  it('reads the overlapping fields with the SDK’s own types', () => {
    expectTypeOf<Payment['amount']['total']>().toEqualTypeOf<sdk.PaymentAmount['total']>();
    expectTypeOf<Payment['amount']['paid']>().toEqualTypeOf<sdk.PaymentAmount['paid']>();
    expectTypeOf<Payment['amount']['cancelled']>().toEqualTypeOf<sdk.PaymentAmount['cancelled']>();
    expectTypeOf<Payment['id']>().toEqualTypeOf<sdk.PaidPayment['id']>();
    expectTypeOf<Payment['transactionId']>().toEqualTypeOf<sdk.PaidPayment['transactionId']>();
    expectTypeOf<Payment['customData']>().toEqualTypeOf<sdk.PaidPayment['customData']>();
    expectTypeOf<Payment['version']>().toEqualTypeOf<sdk.PaidPayment['version']>();
  });

  it('sends only fields the SDK’s request bodies have', () => {
    type CancelFields = Exclude<keyof CancelPaymentRequest, 'paymentId' | 'idempotencyKey'>;
    type PreRegisterFields = Exclude<keyof PreRegisterPaymentRequest, 'paymentId'>;
    expectTypeOf<CancelFields>().toExtend<keyof sdk.CancelPaymentBody>();
    expectTypeOf<PreRegisterFields>().toExtend<keyof sdk.PreRegisterPaymentBody>();
    expectTypeOf<PreRegisterPaymentRequest['currency']>().toExtend<
      NonNullable<sdk.PreRegisterPaymentBody['currency']>
    >();
  });

  const paid = {
    status: 'PAID',
    id: 'payment-order-1001',
    transactionId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
    merchantId: 'merchant-1',
    storeId: 'store-1',
    method: {
      type: 'PaymentMethodVirtualAccount',
      bank: 'SHINHAN',
      accountNumber: '56211105948400',
      remitteeName: '테스트상점',
      expiredAt: '2026-12-07T23:59:59+09:00',
    },
    channel: { type: 'LIVE', pgProvider: 'TOSSPAYMENTS', pgMerchantId: 'tosstest' },
    version: 'V2',
    requestedAt: '2026-11-30T08:00:00Z',
    updatedAt: '2026-11-30T09:00:00Z',
    statusChangedAt: '2026-11-30T09:00:00Z',
    orderName: '주문',
    amount: { total: 14000, taxFree: 0, discount: 0, paid: 14000, cancelled: 0, cancelledTaxFree: 0 },
    currency: 'KRW',
    customer: { name: '구매자' },
    customData: '{"cart":1}',
    paidAt: '2026-11-30T09:00:00Z',
    disputes: [],
    cancellations: [
      {
        status: 'FAILED',
        id: 'c1',
        totalAmount: 1000,
        taxFreeAmount: 0,
        vatAmount: 91,
        reason: 'r',
        requestedAt: '2026-11-30T09:10:00Z',
      },
    ],
  } satisfies sdk.PaidPayment;

  it('parses an SDK-typed paid payment into the same values where the two overlap', () => {
    const parsed: Payment = v.parse(paymentSchema, paid);

    expect(parsed).toMatchObject({
      status: paid.status,
      id: paid.id,
      transactionId: paid.transactionId,
      storeId: paid.storeId,
      version: paid.version,
      channel: { type: paid.channel.type },
      currency: paid.currency,
      amount: { total: paid.amount.total, paid: paid.amount.paid, cancelled: paid.amount.cancelled },
      method: paid.method,
      paidAt: paid.paidAt,
      customData: paid.customData,
      cancellations: paid.cancellations,
    });
  });

  it('parses an SDK-typed failed payment and cancel answer', () => {
    const { paidAt: _paidAt, disputes: _disputes, cancellations: _cancellations, ...rest } = paid;
    const failed = {
      ...rest,
      status: 'FAILED',
      method: { type: 'PaymentMethodCard' },
      failedAt: '2026-11-30T09:00:00Z',
      failure: { reason: '한도 초과', pgCode: 'E1', pgMessage: '한도초과' },
    } satisfies sdk.FailedPayment;
    const answer = {
      cancellation: {
        status: 'SUCCEEDED',
        id: 'c2',
        totalAmount: 14000,
        taxFreeAmount: 0,
        vatAmount: 1273,
        reason: '금액 위변조',
        requestedAt: '2026-11-30T09:10:00Z',
        cancelledAt: '2026-11-30T09:10:01Z',
      },
    } satisfies sdk.CancelPaymentResponse;

    expect(v.parse(paymentSchema, failed)).toMatchObject({ status: 'FAILED', failure: failed.failure });
    expect(v.parse(cancelResponseSchema, answer)).toEqual(answer);
  });
});
