import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { SandboxState } from '../state';
import type { V2WebhookFormat, V2WebhookVersion } from './config';
import { V2Error, v2Messages } from './errors';
import { balanceOf, moveTo, taxFreeBalanceOf, type V2MethodKind, type V2PaymentRecord } from './store';
import type { V2Cancellation, V2ChannelType, V2Currency, V2Customer, V2Status } from './types';
import { v2ReceiptUrl } from './view';
import type { V2WebhookDelivery } from './webhooks';

/**
 * What a buyer, the PG or a merchant in PortOne's console can do to a V2 payment, independent of HTTP:
 * the V2 API routes and the control API both call these. Refusals throw `V2Error` with PortOne's type.
 */

const iso = (ms: number): string => new Date(ms).toISOString();
const digits = (n: number): string => Array.from({ length: n }, () => String(randomInt(10))).join('');
const paidStatuses: readonly V2Status[] = ['PAID', 'PARTIAL_CANCELLED', 'CANCELLED'];

export interface V2NoticeOptions {
  cancellationId?: string | undefined;
  version?: V2WebhookVersion | undefined;
  format?: V2WebhookFormat | undefined;
  /** false = no signature headers. @default true */
  signed?: boolean | undefined;
  /** Signs with this `whsec_` secret instead of the configured one (a forged signature). */
  secret?: string | undefined;
  url?: string | undefined;
  /** The event's time (the body's `timestamp`), sandbox ms; the payment's change it announces. @default now */
  eventAt?: number | undefined;
}

/** Sends a V2 notice of `type` about `record`; null when no V2 webhook URL is configured. */
export function notifyV2(
  state: SandboxState,
  target: Pick<V2PaymentRecord, 'id' | 'transactionId' | 'storeId' | 'noticeUrl'>,
  type: string,
  options: V2NoticeOptions = {},
): V2WebhookDelivery | null {
  const config = state.v2.config;
  const url = options.url ?? target.noticeUrl ?? config.webhookUrl;
  if (url === null) return null;
  const version = options.version ?? config.webhookVersion;
  return state.v2.webhooks.send(
    url,
    {
      type,
      storeId: target.storeId,
      paymentId: target.id,
      transactionId: target.transactionId,
      cancellationId: options.cancellationId,
    },
    {
      version,
      // 2024-04-25 is JSON only (PortOne's webhook guide).
      format: version === '2024-04-25' ? 'json' : (options.format ?? config.webhookFormat),
      secret: options.signed === false ? null : (options.secret ?? config.webhookSecret),
      eventAt: options.eventAt,
    },
  );
}

/** The webhook `type` a payment's arrival in `status` announces. */
export const noticeTypeOf: Record<V2Status, string> = {
  READY: 'Transaction.Ready',
  PAY_PENDING: 'Transaction.PayPending',
  VIRTUAL_ACCOUNT_ISSUED: 'Transaction.VirtualAccountIssued',
  PAID: 'Transaction.Paid',
  FAILED: 'Transaction.Failed',
  PARTIAL_CANCELLED: 'Transaction.PartialCancelled',
  CANCELLED: 'Transaction.Cancelled',
};

export interface V2CheckoutInput {
  paymentId: string;
  amount: number;
  taxFree: number;
  currency: V2Currency;
  status: 'READY' | 'PAY_PENDING' | 'PAID' | 'VIRTUAL_ACCOUNT_ISSUED' | 'FAILED';
  method: V2MethodKind;
  channel: V2ChannelType;
  orderName: string;
  customer: V2Customer;
  customData: string | undefined;
  failReason: string | undefined;
  /** The PG's code of a failure, e.g. a buyer who closed the window. @default 'SBX_DECLINED' */
  failPgCode?: string | undefined;
  /** The request's `noticeUrls[0]`; missing = the console's V2 webhook URL. */
  noticeUrl?: string | undefined;
  /** Deposit deadline of an issued virtual account, sandbox ms; default three days after issue. */
  expiresAt: number | undefined;
  notify: boolean;
  /**
   * Skips the pre-registration check: the payment window's "different amount" scenario, a payment that
   * got past it (as the V1 window's tampered outcome skips prepare), so the server's own check is tested.
   */
  skipPreRegistrationCheck?: boolean | undefined;
}

/** Refuses a checkout that disagrees with the payment's pre-registration, as PortOne's checkout does. */
export function checkPreRegistered(
  state: SandboxState,
  input: Pick<V2CheckoutInput, 'paymentId' | 'amount' | 'taxFree' | 'currency' | 'status'>,
): void {
  const entry = state.v2.payments.preRegistration(input.paymentId);
  if (entry === undefined || input.status === 'FAILED') return;
  const wrong = (field: string, registered: unknown, given: unknown): V2Error =>
    new V2Error(
      409,
      'PRE_REGISTERED_PAYMENT_MISMATCH',
      `사전 등록된 결제 정보와 ${field}이(가) 일치하지 않습니다. (paymentId: ${input.paymentId}, 사전 등록: ${String(registered)}, 요청: ${String(given)})`,
    );
  if (entry.totalAmount !== null && entry.totalAmount !== input.amount) {
    throw wrong('금액', entry.totalAmount, input.amount);
  }
  if (entry.taxFreeAmount !== null && entry.taxFreeAmount !== input.taxFree) {
    throw wrong('면세 금액', entry.taxFreeAmount, input.taxFree);
  }
  if (entry.currency !== null && entry.currency !== input.currency) {
    throw wrong('통화', entry.currency, input.currency);
  }
}

/**
 * What PortOne refuses before any attempt of a checkout exists: a payment already paid (`ALREADY_PAID`),
 * then a disagreement with its pre-registration. The payment window asks this when it opens.
 */
export function checkCheckout(
  state: SandboxState,
  input: Pick<
    V2CheckoutInput,
    'paymentId' | 'amount' | 'taxFree' | 'currency' | 'status' | 'skipPreRegistrationCheck'
  >,
): void {
  const existing = state.v2.payments.get(input.paymentId);
  if (existing !== undefined && paidStatuses.includes(existing.status)) {
    throw new V2Error(409, 'ALREADY_PAID', v2Messages.alreadyPaid);
  }
  if (input.skipPreRegistrationCheck !== true) checkPreRegistered(state, input);
}

/**
 * A finished V2 payment window. A paid payment cannot be paid again (`ALREADY_PAID`); an unfinished one
 * is replaced by the new attempt, with a new transactionId.
 */
export function checkoutV2(state: SandboxState, input: V2CheckoutInput): V2PaymentRecord {
  checkCheckout(state, input);
  const now = state.clock.now();
  const paid = input.status === 'PAID';
  const issued = input.method === 'VIRTUAL_ACCOUNT' && (input.status === 'VIRTUAL_ACCOUNT_ISSUED' || paid);
  const record: V2PaymentRecord = {
    id: input.paymentId,
    transactionId: state.v2.payments.newTransactionId(),
    storeId: state.v2.config.storeId,
    status: input.status,
    channel: input.channel,
    method: input.method,
    orderName: input.orderName,
    currency: input.currency,
    total: input.amount,
    taxFree: input.taxFree,
    paid: paid ? input.amount : 0,
    cancelled: 0,
    cancelledTaxFree: 0,
    customer: { ...input.customer },
    customData: input.customData,
    pgTxId: `sbx_${randomBytes(10).toString('hex')}`,
    card:
      input.method === 'CARD' && paid
        ? { approvalNumber: digits(8), number: `910020******${digits(4)}` }
        : null,
    virtualAccount: issued
      ? {
          accountNumber: `${digits(6)}-${digits(2)}-${digits(6)}`,
          issuedAt: now,
          expiredAt: input.expiresAt ?? now + 3 * 86_400_000,
        }
      : null,
    requestedAt: now,
    updatedAt: now,
    statusChangedAt: now,
    paidAt: paid ? now : null,
    failedAt: input.status === 'FAILED' ? now : null,
    cancelledAt: null,
    failure:
      input.status === 'FAILED'
        ? {
            reason: input.failReason ?? '카드 승인이 거절되었습니다.',
            pgCode: input.failPgCode ?? 'SBX_DECLINED',
            pgMessage: input.failReason ?? '승인 거절',
          }
        : null,
    cancellations: [],
    noticeUrl: input.noticeUrl,
  };
  state.v2.payments.put(record);
  if (input.notify) notifyV2(state, record, noticeTypeOf[input.status], { eventAt: now });
  return record;
}

/** The buyer paid into the issued virtual account. */
export function depositV2(state: SandboxState, record: V2PaymentRecord, notify: boolean): V2PaymentRecord {
  if (record.status !== 'VIRTUAL_ACCOUNT_ISSUED') {
    throw new V2Error(409, 'PAYMENT_NOT_WAITING_FOR_DEPOSIT', v2Messages.notWaitingForDeposit);
  }
  const now = state.clock.now();
  record.paid = record.total;
  record.paidAt = now;
  moveTo(record, 'PAID', now);
  if (notify) notifyV2(state, record, noticeTypeOf.PAID, { eventAt: now });
  return record;
}

export interface V2CancelOrder {
  /** Missing = everything left. */
  amount?: number | undefined;
  /** Missing = 0 for a partial cancel ("전액 과세 취소"), the tax-free balance for a full one. */
  taxFreeAmount?: number | undefined;
  /** Missing = a tenth of the taxed part, VAT-inclusive, rounded down. */
  vatAmount?: number | undefined;
  /** The balance the caller believes is left; missing skips the check. */
  currentCancellableAmount?: number | undefined;
  reason: string;
  trigger: V2Cancellation['trigger'];
  notify: boolean;
}

/**
 * One (partial) cancel. The checks run in an order that keeps retries safe: a repeat of a finished full
 * cancel is `PAYMENT_ALREADY_CANCELLED`, whatever its `currentCancellableAmount` says.
 */
export function cancelV2(state: SandboxState, record: V2PaymentRecord, order: V2CancelOrder): V2Cancellation {
  if (record.status === 'CANCELLED') {
    throw new V2Error(409, 'PAYMENT_ALREADY_CANCELLED', v2Messages.alreadyCancelled);
  }
  if (record.status !== 'PAID' && record.status !== 'PARTIAL_CANCELLED') {
    throw new V2Error(409, 'PAYMENT_NOT_PAID', v2Messages.notPaid);
  }
  const balance = balanceOf(record);
  if (order.currentCancellableAmount !== undefined && order.currentCancellableAmount !== balance) {
    throw new V2Error(409, 'CANCELLABLE_AMOUNT_CONSISTENCY_BROKEN', v2Messages.consistencyBroken);
  }
  const amount = order.amount ?? balance;
  if (amount > balance) {
    throw new V2Error(409, 'CANCEL_AMOUNT_EXCEEDS_CANCELLABLE_AMOUNT', v2Messages.exceedsCancellable);
  }
  const taxFreeLeft = taxFreeBalanceOf(record);
  const taxFree = order.taxFreeAmount ?? (order.amount === undefined ? taxFreeLeft : 0);
  if (taxFree > taxFreeLeft || taxFree > amount) {
    throw new V2Error(
      409,
      'CANCEL_TAX_FREE_AMOUNT_EXCEEDS_CANCELLABLE_TAX_FREE_AMOUNT',
      v2Messages.taxFreeExceeds,
    );
  }
  const now = state.clock.now();
  const id = randomUUID();
  const cancellation: V2Cancellation = {
    status: 'SUCCEEDED',
    id,
    pgCancellationId: `sbx_${randomBytes(10).toString('hex')}`,
    totalAmount: amount,
    taxFreeAmount: taxFree,
    vatAmount: order.vatAmount ?? Math.floor((amount - taxFree) / 11),
    reason: order.reason,
    cancelledAt: iso(now),
    requestedAt: iso(now),
    receiptUrl: v2ReceiptUrl(`${record.transactionId}/cancel/${id}`),
    trigger: order.trigger,
  };
  record.cancelled += amount;
  record.cancelledTaxFree += taxFree;
  record.cancelledAt = now;
  record.cancellations.push(cancellation);
  moveTo(record, balanceOf(record) === 0 ? 'CANCELLED' : 'PARTIAL_CANCELLED', now);
  if (order.notify)
    notifyV2(state, record, noticeTypeOf[record.status], { cancellationId: id, eventAt: now });
  return { ...cancellation };
}

/** `POST /payments/{paymentId}/pre-register`: refused once the payment is paid. */
export function preRegisterV2(
  state: SandboxState,
  paymentId: string,
  entry: {
    totalAmount?: number | undefined;
    taxFreeAmount?: number | undefined;
    currency?: V2Currency | undefined;
  },
): void {
  const existing = state.v2.payments.get(paymentId);
  if (existing !== undefined && paidStatuses.includes(existing.status)) {
    throw new V2Error(409, 'ALREADY_PAID', v2Messages.alreadyPaid);
  }
  state.v2.payments.preRegister(paymentId, {
    totalAmount: entry.totalAmount ?? null,
    taxFreeAmount: entry.taxFreeAmount ?? null,
    currency: entry.currency ?? null,
  });
}
