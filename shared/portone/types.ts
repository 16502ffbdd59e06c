import * as z from 'zod/mini';

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
function absent<T extends z.ZodMiniType>(schema: T) {
  return z.optional(
    z.pipe(
      z.nullable(schema),
      z.transform((value: z.output<T> | null) => value ?? undefined),
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

/**
 * The answer schemas, built on the first PortOne answer read, not when this module loads: every function
 * imports these types (the provider adapter), but only one that calls PortOne V2 needs the schemas, and
 * a V1-only stage never does.
 */
function buildSchemas() {
  /** Amounts are integers in the currency's unit (whole won for KRW): exact, never fractional. */
  const amount = z.int().check(z.nonnegative());
  /** RFC 3339 with an offset, as PortOne writes every timestamp. Kept as a string: no clock maths here. */
  const timestamp = z.iso.datetime({ offset: true });
  const id = z.string().check(z.minLength(1));

  const virtualAccountMethod = z.object({
    type: z.literal(VIRTUAL_ACCOUNT_METHOD),
    accountNumber: id,
    /** A bank code such as `KOOKMIN`; an open list at PortOne. */
    bank: absent(id),
    remitteeName: absent(z.string()),
    expiredAt: absent(timestamp),
    issuedAt: absent(timestamp),
  });

  /**
   * Any other method (card, transfer, easy pay, …) by its type alone. It refuses the virtual-account
   * type, so a virtual account without its account number fails parsing instead of passing as "some
   * method".
   */
  const otherMethod = z.object({
    type: z.string().check(
      z.minLength(1),
      z.refine((type) => type !== VIRTUAL_ACCOUNT_METHOD, 'a virtual account needs its details'),
    ),
  });

  const method = z.union([virtualAccountMethod, otherMethod]);

  const cancellation = z.object({
    id,
    status: id as z.ZodMiniType<CancellationStatus>,
    totalAmount: amount,
    taxFreeAmount: absent(amount),
    vatAmount: absent(amount),
    reason: absent(z.string()),
    requestedAt: absent(timestamp),
    cancelledAt: absent(timestamp),
  });

  const amounts = z.object({
    total: amount,
    paid: amount,
    cancelled: amount,
    taxFree: absent(amount),
  });

  const payment = z
    .object({
      status: id as z.ZodMiniType<PaymentStatus>,
      /** The `paymentId` the merchant chose. */
      id,
      /** PortOne's id of the attempt (`txId` in the browser; equals `imp_uid` for a V1 payment). */
      transactionId: id,
      storeId: id,
      version: id as z.ZodMiniType<PortOneVersion>,
      channel: absent(z.object({ type: id as z.ZodMiniType<ChannelType> })),
      currency: id as z.ZodMiniType<Currency>,
      amount: amounts,
      method: absent(method),
      orderName: absent(z.string()),
      paidAt: absent(timestamp),
      cancelledAt: absent(timestamp),
      failedAt: absent(timestamp),
      cancellations: absent(z.array(cancellation)),
      failure: absent(
        z.object({ reason: absent(z.string()), pgCode: absent(z.string()), pgMessage: absent(z.string()) }),
      ),
      /** Chosen by the merchant's front end; never trusted, parse defensively. */
      customData: absent(z.string()),
    })
    .check(
      z.superRefine((payment, context) => {
        for (const field of requiredWhen.get(payment.status) ?? []) {
          if (payment[field] === undefined) {
            context.addIssue({ code: 'custom', path: [field], message: `required when ${payment.status}` });
          }
        }
      }),
    );

  return {
    virtualAccountMethod,
    method,
    cancellation,
    payment,
    cancelResponse: z.object({ cancellation }),
    /** The pre-registration answers `{}`; anything else is dropped. */
    preRegisterResponse: z.object({}),
  };
}

type Schemas = ReturnType<typeof buildSchemas>;
let schemas: Schemas | undefined;
/** Each exported schema defers to the one set, built once on first use. */
const built = (): Schemas => {
  schemas ??= buildSchemas();
  return schemas;
};

export type VirtualAccountMethod = z.infer<Schemas['virtualAccountMethod']>;
export type PaymentMethod = z.infer<Schemas['method']>;

/** Narrows a method to the virtual account's details (a plain `type ===` check cannot: the rest is open). */
export function isVirtualAccountMethod(method: PaymentMethod | undefined): method is VirtualAccountMethod {
  return method?.type === VIRTUAL_ACCOUNT_METHOD;
}

export const cancellationSchema = z.lazy(() => built().cancellation);
export type PaymentCancellation = z.infer<typeof cancellationSchema>;

export const paymentSchema = z.lazy(() => built().payment);
export type Payment = z.infer<typeof paymentSchema>;

export const cancelResponseSchema = z.lazy(() => built().cancelResponse);
export type CancelPaymentResponse = z.infer<typeof cancelResponseSchema>;

/** The pre-registration answers `{}`; anything else is dropped. */
export const preRegisterResponseSchema = z.lazy(() => built().preRegisterResponse);

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
  status?: readonly KnownPaymentStatus[];
  /** From 0. */
  pageNumber: number;
  /** At most 1000; `(pageNumber + 1) * pageSize` at most 60,000 (PortOne's bounds). */
  pageSize: number;
}

export const paymentPageSchema = z.lazy(() =>
  z.object({
    items: z.array(paymentSchema),
    page: z.object({ number: z.int(), size: z.int(), totalCount: z.int() }),
  }),
);
export type PaymentPage = z.infer<typeof paymentPageSchema>;

/** What the rest of `shared/` needs from PortOne V2; tests can fake it. */
export interface PortOneApi {
  listPayments(request: ListPaymentsRequest): Promise<PaymentPage>;
  getPayment(paymentId: string, options?: StoreOption): Promise<Payment>;
  cancelPayment(request: CancelPaymentRequest): Promise<CancelPaymentResponse>;
  preRegisterPayment(request: PreRegisterPaymentRequest): Promise<void>;
}
