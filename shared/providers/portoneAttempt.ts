import type { VbankAccount } from '../orders/types';
import type { Attempt, AttemptState } from '../payments/attempt';
import { isVirtualAccountMethod, type Payment } from '../portone/types';

/** The methods V2 names as types, in the words the order item already uses for V1 (`pay_method`). */
const methods: Readonly<Record<string, string>> = {
  PaymentMethodCard: 'card',
  PaymentMethodVirtualAccount: 'vbank',
  PaymentMethodTransfer: 'trans',
  PaymentMethodMobile: 'phone',
  PaymentMethodEasyPay: 'easy_pay',
  PaymentMethodGiftCertificate: 'gift_certificate',
};

/**
 * A PortOne V2 payment as the verification core sees it. The paymentId is the order's id (a V2 order's
 * merchant_uid IS its paymentId); the attempt is the transaction. Amount = `amount.total`, returned =
 * `amount.cancelled`. A payment on any channel but `LIVE` is a test payment (refused in production).
 */
export function attemptFromPortOne(payment: Payment): Attempt {
  const vbank = vbankAccount(payment);
  const lastCancellation = payment.cancellations?.at(-1)?.id;
  const method = payment.method ? (methods[payment.method.type] ?? payment.method.type) : undefined;
  return {
    api: 'v2',
    id: payment.transactionId,
    orderId: payment.id,
    state: stateOf(payment.status),
    providerStatus: payment.status,
    amount: payment.amount.total,
    cancelledAmount: payment.amount.cancelled,
    currency: payment.currency,
    ...(method ? { method } : {}),
    ...(vbank ? { vbank } : {}),
    // A status that holds money always names its channel (the client enforces it); one that does not
    // (READY, FAILED) decides nothing that a test channel could abuse.
    test: payment.channel !== undefined && payment.channel.type !== 'LIVE',
    ...(lastCancellation ? { lastCancellationId: lastCancellation } : {}),
    ...(payment.cancellations?.some((cancellation) => cancellation.status === 'REQUESTED')
      ? { cancelPending: true }
      : {}),
  };
}

function stateOf(status: Payment['status']): AttemptState {
  switch (status) {
    case 'PAID':
      return 'paid';
    case 'VIRTUAL_ACCOUNT_ISSUED':
      return 'awaiting_deposit';
    case 'FAILED':
      return 'failed';
    case 'PARTIAL_CANCELLED':
    case 'CANCELLED':
      return 'cancelled';
    case 'READY':
    case 'PAY_PENDING':
      return 'in_progress';
    default:
      return 'unknown';
  }
}

function vbankAccount(payment: Payment): VbankAccount | undefined {
  if (!isVirtualAccountMethod(payment.method) || payment.method.expiredAt === undefined) return undefined;
  return {
    num: payment.method.accountNumber,
    bank: payment.method.bank ?? '',
    holder: payment.method.remitteeName ?? '',
    due: Math.floor(Date.parse(payment.method.expiredAt) / 1000),
  };
}
