import type { Order } from '../orders/types';
import { statusMessage } from './messages';

/** The body of a decided verification (docs/design.md §5); `vbank` only while an account awaits deposit. */
export interface PaymentAnswer {
  status: Order['status'];
  merchant_uid: string;
  imp_uid: string;
  amount: number;
  message: string;
  vbank?: Order['vbank'];
}

export function paymentAnswer(order: Order, impUid: string): PaymentAnswer {
  return {
    status: order.status,
    merchant_uid: order.merchant_uid,
    imp_uid: impUid,
    amount: order.amount,
    message: statusMessage(order.status),
    ...(order.status === 'vbank_issued' && order.vbank ? { vbank: order.vbank } : {}),
  };
}
