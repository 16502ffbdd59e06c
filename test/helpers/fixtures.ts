import * as v from 'valibot';
import { type Payment, paymentSchema } from '../../shared/iamport/types';
import { type Order, orderSchema, type Refund } from '../../shared/orders/types';

/** 2025-10-09T08:53:20Z: a fixed instant so that fixtures compare by value. */
export const FIXED_NOW = new Date('2025-10-09T08:53:20.000Z');
export const FIXED_UNIX = Math.floor(FIXED_NOW.getTime() / 1000);

// ---------------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------------

/** A valid Iamport payment: paid 14,000 KRW by card, not a test-channel payment, integer timestamps. */
export function aPayment(overrides: Partial<Payment> = {}): Payment {
  return v.parse(paymentSchema, {
    imp_uid: 'imp_100000000001',
    merchant_uid: 'order_1001',
    amount: 14_000,
    cancel_amount: 0,
    currency: 'KRW',
    status: 'paid',
    sandbox: false,
    pay_method: 'card',
    channel: 'pc',
    pg_provider: 'html5_inicis',
    pg_tid: 'StdpayCARDINIpayTest20251009175320',
    name: '주문명:결제테스트',
    started_at: FIXED_UNIX - 60,
    paid_at: FIXED_UNIX - 30,
    failed_at: 0,
    cancelled_at: 0,
    cancel_history: [],
    ...overrides,
  });
}

/** A vbank attempt whose account was issued (`ready`), with every account field Iamport sends. */
export function aVbankPayment(overrides: Partial<Payment> = {}): Payment {
  return aPayment({
    status: 'ready',
    pay_method: 'vbank',
    paid_at: 0,
    vbank_code: '004',
    vbank_name: 'KB국민은행',
    vbank_num: '12345678901234',
    vbank_holder: '（주）테스트상점',
    vbank_date: FIXED_UNIX + 3 * 86_400,
    vbank_issued_at: FIXED_UNIX - 30,
    ...overrides,
  });
}

/** A valid stored order: pending, 14,000 KRW, version 1, created by `POST /orders`. */
export function anOrder(overrides: Partial<Order> = {}): Order {
  const at = new Date(FIXED_NOW.getTime() - 120_000).toISOString();
  return v.parse(orderSchema, {
    merchant_uid: 'order_1001',
    amount: 14_000,
    currency: 'KRW',
    name: '주문명:결제테스트',
    status: 'pending',
    created_at: at,
    updated_at: at,
    version: 1,
    history: [{ at, from: null, to: 'pending', imp_uid: null, source: 'register' }],
    refunds: [],
    ...overrides,
  });
}

/** A refund claim (`requested`) as `verifyPayment` writes it before cancelling. */
export function aRefund(overrides: Partial<Refund> = {}): Refund {
  return {
    imp_uid: 'imp_100000000001',
    amount: 14_000,
    reason: 'forgery',
    status: 'requested',
    requested_at: FIXED_NOW.toISOString(),
    ...overrides,
  };
}

/** Lets other pending work run first, as a network round trip would. */
export function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
