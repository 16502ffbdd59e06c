import { randomBytes } from 'node:crypto';
import { messages } from './envelope';
import { sortRecords } from './listing';
import { type CancelHistoryEntry, newPgTid, receiptUrl } from './payment';
import type { PaymentRecord, PaymentStore } from './store';

export interface CancelOrder {
  /** Missing, null or 0 = the whole remaining balance. */
  amount?: number | null | undefined;
  /** The balance the caller believes is left; null/undefined skips the check, as Iamport does. */
  checksum?: number | null | undefined;
  reason?: string | null | undefined;
  /** Whether refund_holder, refund_bank and refund_account were all given. */
  hasRefundAccount: boolean;
  /** The API demands a refund account for a paid vbank; the admin console collects it itself. */
  requireRefundAccount: boolean;
}

export type CancelOutcome = { ok: true; entry: CancelHistoryEntry } | { ok: false; message: string };

// Non-KRW amounts are decimals; rounding keeps 0.1 + 0.2 from leaving a phantom balance.
const money = (value: number): number => Math.round(value * 1e6) / 1e6;

export const balanceOf = (record: PaymentRecord): number =>
  money(record.payment.amount - record.payment.cancel_amount);

const refundable = (r: PaymentRecord): boolean =>
  (r.payment.status === 'paid' || r.payment.status === 'cancelled') && balanceOf(r) > 0;

/**
 * `imp_uid` wins over `merchant_uid`, and an unknown `imp_uid` is not rescued by a valid
 * `merchant_uid`. By `merchant_uid`, the latest attempt with money left to refund is chosen, else the
 * latest cancelled one (so a repeat answers "already fully cancelled").
 */
export function findCancelTarget(
  payments: PaymentStore,
  impUid: string | undefined,
  merchantUid: string | undefined,
): PaymentRecord | undefined {
  if (impUid !== undefined) return payments.get(impUid);
  if (merchantUid === undefined) return undefined;
  const attempts = sortRecords(payments.byMerchantUid(merchantUid), '-started');
  return attempts.find(refundable) ?? attempts.find((r) => r.payment.status === 'cancelled');
}

/**
 * Applies one (partial) cancel. Checks run in an order that keeps retries safe: a repeat of a finished
 * full cancel is "already cancelled" whatever its checksum says.
 */
export function cancelPayment(
  payments: PaymentStore,
  record: PaymentRecord,
  order: CancelOrder,
  now: number,
): CancelOutcome {
  const p = record.payment;
  const balance = balanceOf(record);
  if (p.status === 'cancelled' && balance <= 0) return { ok: false, message: messages.alreadyCancelled };
  if (p.status !== 'paid' && p.status !== 'cancelled') return { ok: false, message: messages.notCancellable };
  if (order.checksum !== null && order.checksum !== undefined && money(order.checksum) !== balance) {
    return { ok: false, message: messages.checksumMismatch };
  }
  const amount = order.amount ? money(order.amount) : balance;
  if (amount < 0) return { ok: false, message: '취소요청금액은 0보다 커야 합니다.' };
  if (amount > balance) return { ok: false, message: messages.cancelTooMuch };
  if (order.requireRefundAccount && p.pay_method === 'vbank' && !order.hasRefundAccount) {
    return { ok: false, message: messages.refundAccountMissing };
  }
  const cancellationId = randomBytes(16).toString('base64url');
  const entry: CancelHistoryEntry = {
    pg_tid: newPgTid(),
    amount,
    cancelled_at: now,
    reason: order.reason ?? '',
    cancellation_id: cancellationId,
    receipt_url: receiptUrl(`${p.imp_uid}/cancel/${cancellationId}`),
  };
  p.cancel_amount = money(p.cancel_amount + amount);
  p.status = 'cancelled';
  p.cancelled_at = now;
  p.cancel_reason = entry.reason;
  p.cancel_history.push(entry);
  p.cancel_receipt_urls.push(entry.receipt_url);
  payments.touch(record, now);
  return { ok: true, entry };
}
