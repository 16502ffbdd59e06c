import { cancelPayment } from './cancel';
import type { NewPayment, WebhookFormat } from './payment';
import { buildPayment, receiptUrl } from './payment';
import { checkPrepared } from './prepare';
import type { SandboxState } from './state';
import type { PaymentRecord } from './store';
import type { WebhookDelivery } from './webhooks';

/**
 * What a buyer, the PG or a merchant in the admin console can do to a payment, independent of HTTP.
 * The control API calls these; a payment-window page can call them too.
 */
export type Outcome<T> = { ok: true; value: T } | { ok: false; message: string };

export interface NoticeOptions {
  format?: WebhookFormat | undefined;
  cancellationId?: string | undefined;
}

/**
 * Sends a notice for `record` with `status` to its notice_url, else the configured URL. Returns null
 * when neither is set: Iamport has nowhere to send it either.
 */
export function notify(
  state: SandboxState,
  record: PaymentRecord,
  status: string,
  options: NoticeOptions = {},
): WebhookDelivery | null {
  const url = record.noticeUrl ?? state.config.webhookUrl;
  if (url === null) return null;
  const format = options.format ?? record.webhookFormat ?? state.config.webhookFormat;
  return state.webhooks.send(url, format, {
    imp_uid: record.payment.imp_uid,
    merchant_uid: record.payment.merchant_uid,
    status,
    cancellation_id: options.cancellationId,
  });
}

export interface CheckoutInput extends NewPayment {
  notify: boolean;
  noticeUrl?: string | undefined;
  webhookFormat?: WebhookFormat | undefined;
  /**
   * Records the attempt even when it disagrees with the prepared amount: the payment window's
   * "tampered" outcome, an amount changed where the SDK's check cannot see it (README, "Payment window").
   */
  skipPrepareCheck?: boolean | undefined;
}

/**
 * A finished payment window: refused like the JS SDK when it disagrees with a prepared amount (no
 * attempt is recorded), else stored and notified. Iamport sends no notice for an ordinary failure nor
 * for a window left open (`ready` other than vbank).
 */
export function completeCheckout(state: SandboxState, input: CheckoutInput): Outcome<PaymentRecord> {
  if (input.status !== 'failed' && input.skipPrepareCheck !== true) {
    const refusal = checkPrepared(state.prepared.get(input.merchant_uid), input);
    if (refusal !== null) return { ok: false, message: refusal };
  }
  const now = state.clock.nowSeconds();
  const payment = buildPayment(state.payments.newImpUid(), input, now);
  const record = state.payments.insert(
    payment,
    { noticeUrl: input.noticeUrl, webhookFormat: input.webhookFormat },
    now,
  );
  const notifiable = input.status === 'paid' || (input.status === 'ready' && input.pay_method === 'vbank');
  if (input.notify && notifiable) notify(state, record, input.status);
  return { ok: true, value: record };
}

/** The buyer paid into the issued virtual account. */
export function depositVbank(
  state: SandboxState,
  record: PaymentRecord,
  send: boolean,
): Outcome<PaymentRecord> {
  const p = record.payment;
  if (p.pay_method !== 'vbank' || p.status !== 'ready') {
    return {
      ok: false,
      message: `입금 대기 중인 가상계좌 결제건이 아닙니다. (pay_method: ${p.pay_method}, status: ${p.status})`,
    };
  }
  const now = state.clock.nowSeconds();
  p.status = 'paid';
  p.paid_at = now;
  p.receipt_url = receiptUrl(p.imp_uid);
  state.payments.touch(record, now);
  if (send) notify(state, record, 'paid');
  return { ok: true, value: record };
}

export interface ConsoleCancel {
  amount?: number | undefined;
  reason?: string | undefined;
  notify: boolean;
}

/**
 * A cancel from the admin console: no checksum, and the console collects refund details itself. Iamport
 * always notifies a console cancel; `notify: false` simulates that notice getting lost.
 */
export function cancelFromConsole(
  state: SandboxState,
  record: PaymentRecord,
  request: ConsoleCancel,
): Outcome<PaymentRecord> {
  const outcome = cancelPayment(
    state.payments,
    record,
    {
      amount: request.amount,
      reason: request.reason ?? '관리자 콘솔에서 취소',
      hasRefundAccount: true,
      requireRefundAccount: false,
    },
    state.clock.nowSeconds(),
  );
  if (!outcome.ok) return outcome;
  if (request.notify) notify(state, record, 'cancelled', { cancellationId: outcome.entry.cancellation_id });
  return { ok: true, value: record };
}
