/**
 * The V2 answers as the sandbox sends them, typed narrowly so that the tests can check them against
 * `@portone/server-sdk`'s generated types (`Payment`, `CancelPaymentResponse`, …): a field that drifts
 * from PortOne's OpenAPI (`src/schema/v2.openapi.json` of portone-io/developers.portone.io) fails the
 * type check there. Only the fields the sandbox fills are listed; each status carries every field the
 * OpenAPI marks required for it.
 */

export const v2Statuses = [
  'READY',
  'PAY_PENDING',
  'VIRTUAL_ACCOUNT_ISSUED',
  'PAID',
  'FAILED',
  'PARTIAL_CANCELLED',
  'CANCELLED',
] as const;
export type V2Status = (typeof v2Statuses)[number];

/**
 * The listing's filter (`PaymentFilterInput.status`, the OpenAPI's `PaymentStatus`) names the pending
 * status `PENDING`, where a payment's own `status` is `PAY_PENDING`.
 */
export type V2FilterStatus = Exclude<V2Status, 'PAY_PENDING'> | 'PENDING';

/** A payment's status as the listing's filter names it. */
export function filterStatusOf(status: V2Status): V2FilterStatus {
  return status === 'PAY_PENDING' ? 'PENDING' : status;
}

export const v2FilterStatuses = v2Statuses.map(filterStatusOf) as [V2FilterStatus, ...V2FilterStatus[]];

/** The currencies the sandbox takes; V2 amounts are integers in each currency's smallest unit. */
export const v2Currencies = ['KRW', 'USD', 'JPY'] as const;
export type V2Currency = (typeof v2Currencies)[number];

export type V2ChannelType = 'LIVE' | 'TEST';

export interface V2Channel {
  type: V2ChannelType;
  id: string;
  key: string;
  name: string;
  pgProvider: 'INICIS_V2';
  pgMerchantId: string;
}

export interface V2Amount {
  total: number;
  taxFree: number;
  vat: number;
  supply: number;
  discount: number;
  paid: number;
  cancelled: number;
  cancelledTaxFree: number;
}

export interface V2CardMethod {
  type: 'PaymentMethodCard';
  card: {
    publisher: string;
    issuer: string;
    brand: 'LOCAL';
    type: 'CREDIT';
    ownerType: 'PERSONAL';
    bin: string;
    name: string;
    number: string;
  };
  approvalNumber: string;
  installment: { month: number; isInterestFree: boolean };
  pointUsed: boolean;
}

export interface V2VirtualAccountMethod {
  type: 'PaymentMethodVirtualAccount';
  bank: 'KOOKMIN';
  accountNumber: string;
  accountType: 'NORMAL';
  remitteeName: string;
  expiredAt: string;
  issuedAt: string;
}

export type V2Method = V2CardMethod | V2VirtualAccountMethod;

export interface V2Customer {
  name?: string;
  email?: string;
  phoneNumber?: string;
}

export interface V2Cancellation {
  status: 'SUCCEEDED';
  id: string;
  pgCancellationId: string;
  totalAmount: number;
  taxFreeAmount: number;
  vatAmount: number;
  reason: string;
  cancelledAt: string;
  requestedAt: string;
  receiptUrl: string;
  trigger: 'API' | 'CONSOLE';
}

export interface V2Failure {
  reason: string;
  pgCode: string;
  pgMessage: string;
}

interface V2PaymentBase {
  id: string;
  transactionId: string;
  merchantId: string;
  storeId: string;
  method?: V2Method;
  channel: V2Channel;
  version: 'V2';
  requestedAt: string;
  updatedAt: string;
  statusChangedAt: string;
  orderName: string;
  amount: V2Amount;
  currency: V2Currency;
  customer: V2Customer;
  /** Required by the OpenAPI (newer than SDK 0.19.0's types, which lack it). */
  origin: { platformType: 'PC' | 'MOBILE' | 'API'; ipAddress: string };
  customData?: string;
  pgTxId: string;
}

interface V2Settled {
  paidAt: string;
  receiptUrl: string;
  cancellations: V2Cancellation[];
}

export type V2Payment =
  | (V2PaymentBase & { status: 'READY' })
  | (V2PaymentBase & { status: 'PAY_PENDING' })
  | (V2PaymentBase & { status: 'VIRTUAL_ACCOUNT_ISSUED' })
  | (V2PaymentBase & V2Settled & { status: 'PAID'; disputes: never[] })
  | (V2PaymentBase & { status: 'FAILED'; failedAt: string; failure: V2Failure })
  | (V2PaymentBase & V2Settled & { status: 'PARTIAL_CANCELLED'; cancelledAt: string })
  | (V2PaymentBase & V2Settled & { status: 'CANCELLED'; cancelledAt: string });

export interface V2CancelPaymentResponse {
  cancellation: V2Cancellation;
}

/** `POST /payments/{paymentId}/pre-register` answers an empty object. */
export type V2PreRegisterPaymentResponse = Record<string, never>;

/** Every V2 error body: `{type, message}` with a real HTTP status. */
export interface V2ErrorBody {
  type: string;
  message: string;
}

/** `GET /payments`: one page of payments; `totalCount` is every payment matching the filter. */
export interface V2GetPaymentsResponse {
  items: V2Payment[];
  page: { number: number; size: number; totalCount: number };
}
