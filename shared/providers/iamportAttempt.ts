import type { Payment } from '../iamport/types';
import type { VbankAccount } from '../orders/types';
import type { Attempt, AttemptState } from '../payments/attempt';

/** An Iamport (PortOne V1) payment as the verification core sees it (docs/iamport-v1.md §2). */
export function attemptFromIamport(payment: Payment): Attempt {
  const vbank = vbankAccount(payment);
  const lastCancellation = payment.cancel_history?.at(-1)?.cancellation_id;
  return {
    api: 'v1',
    id: payment.imp_uid,
    orderId: payment.merchant_uid,
    state: stateOf(payment),
    providerStatus: payment.status,
    amount: payment.amount,
    cancelledAmount: payment.cancel_amount,
    currency: payment.currency,
    ...(payment.pay_method ? { method: payment.pay_method } : {}),
    ...(vbank ? { vbank } : {}),
    test: payment.sandbox,
    ...(lastCancellation ? { lastCancellationId: lastCancellation } : {}),
  };
}

/** V1 keeps a partly refunded payment `cancelled` with `cancel_amount`; a `ready` vbank awaits money. */
function stateOf(payment: Payment): AttemptState {
  switch (payment.status) {
    case 'paid':
      return 'paid';
    case 'ready':
      return payment.pay_method === 'vbank' ? 'awaiting_deposit' : 'abandoned';
    case 'failed':
      return 'failed';
    case 'cancelled':
      return 'cancelled';
    default:
      return 'unknown';
  }
}

function vbankAccount(payment: Payment): VbankAccount | undefined {
  if (!payment.vbank_num || !payment.vbank_date) return undefined;
  return {
    num: payment.vbank_num,
    bank: payment.vbank_name ?? payment.vbank_code ?? '',
    holder: payment.vbank_holder ?? '',
    due: payment.vbank_date,
  };
}
