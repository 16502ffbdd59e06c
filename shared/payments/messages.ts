import type { OrderStatus } from '../orders/types';

/**
 * Human text for an order status, in the language of the alerts in Iamport's guide code
 * (local/demoShop/guide/pc.js), with English after it.
 */
const messages: Record<OrderStatus, string> = {
  pending: '결제 결과를 확인하고 있습니다. (We are confirming the payment.)',
  paid: '결제가 완료되었습니다. (Payment complete.)',
  vbank_issued: '가상계좌가 발급되었습니다. 입금 후 완료됩니다. (Virtual account issued; awaiting deposit.)',
  failed: '결제에 실패하였습니다. (Payment failed.)',
  forgery:
    '결제된 금액이 요청한 금액과 달라 결제를 자동취소처리하였습니다. (The paid amount differed from the order; the payment was cancelled.)',
  cancelled: '결제가 취소되었습니다. (Payment cancelled.)',
  partially_cancelled: '결제가 부분 취소되었습니다. (Payment partially cancelled.)',
  expired: '결제 시간이 만료되었습니다. (The order expired before payment.)',
};

export function statusMessage(status: OrderStatus): string {
  return messages[status];
}
