import * as v from 'valibot';
import { count, finiteNumber, int, nonEmpty, nonNegative, openString } from '../validation';

/**
 * Iamport (PortOne V1) payment object, validated at the boundary.
 *
 * Unknown extra fields are dropped (PortOne may add fields at any time) and enum-like fields accept
 * values we do not know yet, so that a new status or pay_method never makes a verification crash.
 * Only the fields the verifier relies on are required.
 */
const knownStatuses = ['ready', 'paid', 'cancelled', 'failed'] as const;
export type KnownPaymentStatus = (typeof knownStatuses)[number];
/** A status Iamport may add later stays a string; code must treat it as "not decisive". */
export type PaymentStatus = KnownPaymentStatus | (string & {});

/** Iamport sends integer seconds with 0 for "not happened"; some fields are null on some PGs. */
const unixSeconds = count;
const optionalString = v.nullish(v.string());

export const cancelHistoryEntrySchema = v.object({
  pg_tid: optionalString,
  amount: finiteNumber,
  cancelled_at: unixSeconds,
  reason: optionalString,
  cancellation_id: optionalString,
  receipt_url: optionalString,
});
export type CancelHistoryEntry = v.InferOutput<typeof cancelHistoryEntrySchema>;

export const paymentSchema = v.object({
  imp_uid: nonEmpty,
  merchant_uid: nonEmpty,
  amount: nonNegative,
  cancel_amount: v.optional(nonNegative, 0),
  currency: v.optional(nonEmpty, 'KRW'),
  status: openString<PaymentStatus>(),
  /** Required since 2026-01-26; absent on older answers, which were never test-channel payments. */
  sandbox: v.optional(v.boolean(), false),
  pay_method: optionalString,
  channel: optionalString,
  pg_provider: optionalString,
  pg_tid: optionalString,
  name: optionalString,
  started_at: v.nullish(unixSeconds),
  paid_at: v.nullish(unixSeconds),
  failed_at: v.nullish(unixSeconds),
  cancelled_at: v.nullish(unixSeconds),
  fail_reason: optionalString,
  cancel_reason: optionalString,
  receipt_url: optionalString,
  vbank_code: optionalString,
  vbank_name: optionalString,
  vbank_num: optionalString,
  vbank_holder: optionalString,
  vbank_date: v.nullish(unixSeconds),
  vbank_issued_at: v.nullish(unixSeconds),
  /** A JSON *string* chosen by the merchant's front end; never trusted, parse defensively. */
  custom_data: v.nullish(v.string()),
  cancel_history: v.nullish(v.array(cancelHistoryEntrySchema)),
  // Buyer personal data (buyer_name, buyer_tel, buyer_email, buyer_addr, buyer_postcode) is
  // deliberately not parsed: what we never hold we can never log.
});
export type Payment = v.InferOutput<typeof paymentSchema>;

export const tokenResponseSchema = v.object({
  access_token: nonEmpty,
  now: int,
  expired_at: int,
});
export type TokenResponse = v.InferOutput<typeof tokenResponseSchema>;

export const paymentPageSchema = v.object({
  total: count,
  previous: count,
  next: count,
  /** Optional in Iamport's OpenAPI (`PagedPaymentAnnotation` requires only the counts): none is an empty page. */
  list: v.optional(v.array(paymentSchema), []),
});
export type PaymentPage = v.InferOutput<typeof paymentPageSchema>;

export const preparedSchema = v.object({
  merchant_uid: nonEmpty,
  amount: finiteNumber,
  currency: v.nullish(v.string()),
});
export type Prepared = v.InferOutput<typeof preparedSchema>;

export const paymentSortings = ['-started', 'started', '-paid', 'paid', '-updated', 'updated'] as const;
export type PaymentSorting = (typeof paymentSortings)[number];

/** Cancel request as Iamport takes it. `checksum` is mandatory here on purpose: it guards double refunds. */
export interface CancelPaymentRequest {
  imp_uid: string;
  /** Omit for a full cancel of the remaining balance. */
  amount?: number;
  /** The cancellable balance we believe Iamport holds (`amount - cancel_amount`). */
  checksum: number;
  reason: string;
}

export interface PreparePaymentRequest {
  merchant_uid: string;
  amount: number;
  currency?: string;
}

export interface FindAllOptions {
  status?: KnownPaymentStatus;
  page?: number;
  limit?: number;
  sorting?: PaymentSorting;
}

/** `GET /payments/status/{status}`: payments whose current status changed within `[from, to]`. */
export interface StatusListOptions {
  /** Unix seconds; the window is at most 90 days. */
  from: number;
  to: number;
  /** From 1. */
  page?: number;
  /** At most 1000. */
  limit?: number;
  sorting?: PaymentSorting;
}

/** What the verifier and the rest of `shared/` need from Iamport; tests can fake it. */
export interface IamportApi {
  listPaymentsByStatus(status: KnownPaymentStatus, options: StatusListOptions): Promise<PaymentPage>;
  getPayment(impUid: string): Promise<Payment>;
  findPayment(merchantUid: string, status?: KnownPaymentStatus): Promise<Payment>;
  findAllPayments(merchantUid: string, options?: FindAllOptions): Promise<PaymentPage>;
  cancelPayment(request: CancelPaymentRequest): Promise<Payment>;
  preparePayment(request: PreparePaymentRequest): Promise<Prepared>;
  getPrepared(merchantUid: string): Promise<Prepared>;
}
