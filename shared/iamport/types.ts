import * as z from 'zod/mini';

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
const unixSeconds = z.int().check(z.nonnegative());
const optionalString = z.nullish(z.string());
const nonEmpty = z.string().check(z.minLength(1));

export const cancelHistoryEntrySchema = z.object({
  pg_tid: optionalString,
  amount: z.number(),
  cancelled_at: unixSeconds,
  reason: optionalString,
  cancellation_id: optionalString,
  receipt_url: optionalString,
});
export type CancelHistoryEntry = z.infer<typeof cancelHistoryEntrySchema>;

export const paymentSchema = z.object({
  imp_uid: nonEmpty,
  merchant_uid: nonEmpty,
  amount: z.number().check(z.nonnegative()),
  cancel_amount: z._default(z.number().check(z.nonnegative()), 0),
  currency: z._default(nonEmpty, 'KRW'),
  status: nonEmpty as z.ZodMiniType<PaymentStatus>,
  /** Required since 2026-01-26; absent on older answers, which were never test-channel payments. */
  sandbox: z._default(z.boolean(), false),
  pay_method: optionalString,
  channel: optionalString,
  pg_provider: optionalString,
  pg_tid: optionalString,
  name: optionalString,
  started_at: z.nullish(unixSeconds),
  paid_at: z.nullish(unixSeconds),
  failed_at: z.nullish(unixSeconds),
  cancelled_at: z.nullish(unixSeconds),
  fail_reason: optionalString,
  cancel_reason: optionalString,
  receipt_url: optionalString,
  vbank_code: optionalString,
  vbank_name: optionalString,
  vbank_num: optionalString,
  vbank_holder: optionalString,
  vbank_date: z.nullish(unixSeconds),
  vbank_issued_at: z.nullish(unixSeconds),
  /** A JSON *string* chosen by the merchant's front end; never trusted, parse defensively. */
  custom_data: z.nullish(z.string()),
  cancel_history: z.nullish(z.array(cancelHistoryEntrySchema)),
  // Buyer personal data (buyer_name, buyer_tel, buyer_email, buyer_addr, buyer_postcode) is
  // deliberately not parsed: what we never hold we can never log.
});
export type Payment = z.infer<typeof paymentSchema>;

export const tokenResponseSchema = z.object({
  access_token: nonEmpty,
  now: z.int(),
  expired_at: z.int(),
});
export type TokenResponse = z.infer<typeof tokenResponseSchema>;

export const paymentPageSchema = z.object({
  total: z.int().check(z.nonnegative()),
  previous: z.int().check(z.nonnegative()),
  next: z.int().check(z.nonnegative()),
  list: z.array(paymentSchema),
});
export type PaymentPage = z.infer<typeof paymentPageSchema>;

export const preparedSchema = z.object({
  merchant_uid: nonEmpty,
  amount: z.number(),
  currency: z.nullish(z.string()),
});
export type Prepared = z.infer<typeof preparedSchema>;

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
