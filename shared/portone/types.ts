import * as v from 'valibot';
import { count, int, nonEmpty, openString, timestamp } from '../validation';

/**
 * PortOne V2 answers, validated at the boundary (shapes from PortOne's REST API reference,
 * developers.portone.io → API → V2; the `@portone/server-sdk` types are checked against ours in
 * test/unit/portone/sdkTypes.test.ts).
 *
 * Only what verification reads is parsed; unknown fields are dropped, so a field PortOne adds changes
 * nothing. Enum-like fields accept values we do not know yet (PortOne adds statuses and method types),
 * so a new one never makes parsing fail: code must treat an unknown value as "not decisive". Buyer data
 * (`customer`) is deliberately not parsed: what we never hold we can never log.
 */

/** The SDK's trick for "a known value, or any other string" without widening the known ones away. */
type Open<Known extends string> = Known | (string & {});

/** V2 omits absent fields; a `null` is read the same way so a serializer change cannot fail a payment. */
function absent<T extends v.GenericSchema>(schema: T) {
  return v.optional(
    v.pipe(
      v.nullable(schema),
      v.transform((value: v.InferOutput<T> | null) => value ?? undefined),
    ),
  );
}

export const paymentStatuses = [
  'READY',
  'PAY_PENDING',
  'VIRTUAL_ACCOUNT_ISSUED',
  'PAID',
  'FAILED',
  'PARTIAL_CANCELLED',
  'CANCELLED',
] as const;
export type KnownPaymentStatus = (typeof paymentStatuses)[number];
/**
 * A status as the listing's filter names it (`PaymentFilterInput.status`, the OpenAPI's `PaymentStatus`):
 * `PENDING` there is a payment whose own `status` is `PAY_PENDING`.
 */
export type PaymentFilterStatus = Exclude<KnownPaymentStatus, 'PAY_PENDING'> | 'PENDING';
export type PaymentStatus = Open<KnownPaymentStatus>;

/** `TEST` channels are the PG's sandbox: money never moves. Anything but `LIVE` must be read as test. */
export type ChannelType = Open<'LIVE' | 'TEST'>;
/** `REQUESTED`: accepted, finished asynchronously (a `Transaction.Cancelled` webhook tells when). */
export type KnownCancellationStatus = 'SUCCEEDED' | 'REQUESTED' | 'FAILED';
export type CancellationStatus = Open<KnownCancellationStatus>;
export type PortOneVersion = Open<'V1' | 'V2'>;
export type Currency = Open<'KRW'>;

export const VIRTUAL_ACCOUNT_METHOD = 'PaymentMethodVirtualAccount';

/**
 * Fields PortOne's reference marks required for a status although they are optional for others. A
 * payment that went through a PG channel without saying which (LIVE or TEST) cannot be verified: a
 * missing `channel` must never read as "not TEST". Only these are enforced; the rest stays lenient.
 */
// A Map, not an object literal: a status such as `constructor` must not find a prototype's member.
const requiredWhen = new Map<string, readonly ('channel' | 'paidAt')[]>([
  ['PAY_PENDING', ['channel']],
  ['VIRTUAL_ACCOUNT_ISSUED', ['channel']],
  ['PAID', ['channel', 'paidAt']],
  ['PARTIAL_CANCELLED', ['channel']],
  ['CANCELLED', ['channel']],
] satisfies [KnownPaymentStatus, readonly ('channel' | 'paidAt')[]][]);

/** Amounts are integers in the currency's unit (whole won for KRW): exact, never fractional. */
const amount = count;
/** RFC 3339 with an offset, as PortOne writes every timestamp. Kept as a string: no clock maths here. */
const rfc3339 = timestamp('any-offset');
const id = nonEmpty;

const virtualAccountMethodSchema = v.object({
  type: v.literal(VIRTUAL_ACCOUNT_METHOD),
  accountNumber: id,
  /** A bank code such as `KOOKMIN`; an open list at PortOne. */
  bank: absent(id),
  remitteeName: absent(v.string()),
  expiredAt: absent(rfc3339),
  issuedAt: absent(rfc3339),
});

/**
 * Any other method (card, transfer, easy pay, …) by its type alone. It refuses the virtual-account
 * type, so a virtual account without its account number fails parsing instead of passing as "some
 * method".
 */
const otherMethodSchema = v.object({
  type: v.pipe(
    nonEmpty,
    v.check((type) => type !== VIRTUAL_ACCOUNT_METHOD, 'a virtual account needs its details'),
  ),
});

const methodSchema = v.union([virtualAccountMethodSchema, otherMethodSchema]);
export type VirtualAccountMethod = v.InferOutput<typeof virtualAccountMethodSchema>;
export type PaymentMethod = v.InferOutput<typeof methodSchema>;

/** Narrows a method to the virtual account's details (a plain `type ===` check cannot: the rest is open). */
export function isVirtualAccountMethod(method: PaymentMethod | undefined): method is VirtualAccountMethod {
  return method?.type === VIRTUAL_ACCOUNT_METHOD;
}

export const cancellationSchema = v.object({
  id,
  status: openString<CancellationStatus>(),
  totalAmount: amount,
  taxFreeAmount: absent(amount),
  vatAmount: absent(amount),
  reason: absent(v.string()),
  requestedAt: absent(rfc3339),
  cancelledAt: absent(rfc3339),
});
export type PaymentCancellation = v.InferOutput<typeof cancellationSchema>;

const amountsSchema = v.object({
  total: amount,
  paid: amount,
  cancelled: amount,
  taxFree: absent(amount),
});

export const paymentSchema = v.pipe(
  v.object({
    status: openString<PaymentStatus>(),
    /** The `paymentId` the merchant chose. */
    id,
    /** PortOne's id of the attempt (`txId` in the browser; equals `imp_uid` for a V1 payment). */
    transactionId: id,
    storeId: id,
    version: openString<PortOneVersion>(),
    channel: absent(v.object({ type: openString<ChannelType>() })),
    currency: openString<Currency>(),
    amount: amountsSchema,
    method: absent(methodSchema),
    orderName: absent(v.string()),
    paidAt: absent(rfc3339),
    cancelledAt: absent(rfc3339),
    failedAt: absent(rfc3339),
    cancellations: absent(v.array(cancellationSchema)),
    failure: absent(
      v.object({ reason: absent(v.string()), pgCode: absent(v.string()), pgMessage: absent(v.string()) }),
    ),
    /** Chosen by the merchant's front end; never trusted, parse defensively. */
    customData: absent(v.string()),
  }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const payment = dataset.value;
    for (const field of requiredWhen.get(payment.status) ?? []) {
      if (payment[field] === undefined) {
        addIssue({
          message: `required when ${payment.status}`,
          path: [{ type: 'object', origin: 'value', input: payment, key: field, value: undefined }],
        });
      }
    }
  }),
);
export type Payment = v.InferOutput<typeof paymentSchema>;

export const cancelResponseSchema = v.object({ cancellation: cancellationSchema });
export type CancelPaymentResponse = v.InferOutput<typeof cancelResponseSchema>;

/** The pre-registration answers `{}`; anything else is dropped. */
export const preRegisterResponseSchema = v.object({});

/** Chooses the store when the secret may act on several; defaults to the client's `storeId`. */
export interface StoreOption {
  storeId?: string;
}

export interface CancelPaymentRequest extends StoreOption {
  paymentId: string;
  /** Required by PortOne; shown in the merchant console. */
  reason: string;
  /** Whole KRW to cancel; omit to cancel the whole balance. */
  amount?: number;
  /**
   * The balance we believe is still cancellable (`amount.paid - amount.cancelled`). Mandatory here on
   * purpose: PortOne refuses the cancel (409 `CANCELLABLE_AMOUNT_CONSISTENCY_BROKEN`) when it differs,
   * which guards against refunding twice.
   */
  currentCancellableAmount: number;
  /**
   * 16–256 visible ASCII characters, the same for every retry of one refund (see `cancelIdempotencyKey`):
   * a retry after a timeout then replays the first outcome instead of cancelling twice.
   */
  idempotencyKey: string;
}

export interface PreRegisterPaymentRequest extends StoreOption {
  paymentId: string;
  /** Whole KRW the payment window must charge. */
  totalAmount: number;
  /** This client sends KRW amounts only (integers with no minor unit). */
  currency: 'KRW';
  taxFreeAmount?: number;
}

/** `GET /payments` (the list for ledger checks): payments whose status changed in `[from, until)`. */
export interface ListPaymentsRequest extends StoreOption {
  from: Date;
  until: Date;
  /** Missing = every status. */
  status?: readonly PaymentFilterStatus[];
  /** From 0. */
  pageNumber: number;
  /** At most 1000; `(pageNumber + 1) * pageSize` at most 60,000 (PortOne's bounds). */
  pageSize: number;
}

export const paymentPageSchema = v.object({
  items: v.array(paymentSchema),
  page: v.object({ number: int, size: int, totalCount: int }),
});
export type PaymentPage = v.InferOutput<typeof paymentPageSchema>;

/** What the rest of `shared/` needs from PortOne V2; tests can fake it. */
export interface PortOneApi {
  listPayments(request: ListPaymentsRequest): Promise<PaymentPage>;
  getPayment(paymentId: string, options?: StoreOption): Promise<Payment>;
  cancelPayment(request: CancelPaymentRequest): Promise<CancelPaymentResponse>;
  preRegisterPayment(request: PreRegisterPaymentRequest): Promise<void>;
}
