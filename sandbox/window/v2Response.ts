import type { V2PaymentRecord } from '../v2/store';
import { windowErrors } from './response';

/**
 * What `PortOne.requestPayment` resolves with (`@portone/browser-sdk`'s `PaymentResponse`). Like V1's
 * callback, the page must not trust it: it only carries `paymentId` to the merchant's server, which asks
 * the API. `txId` is missing when the request was refused before any attempt existed.
 */
export interface V2PaymentResponse {
  paymentId: string;
  transactionType: 'PAYMENT';
  txId?: string;
  code?: string;
  message?: string;
  pgCode?: string;
  pgMessage?: string;
}

export interface V2WindowError {
  /** One of the SDK's `PaymentErrorCode`s. */
  code: string;
  message: string;
  pgCode?: string;
  pgMessage?: string;
}

/**
 * The codes are the SDK's own (`TxServicePayErrorCode`, `CheckoutServiceErrorCode`); which one PortOne
 * gives in each case is not documented, so these are the sandbox's choices (README, "The payment window").
 * A PG's decline and a buyer closing the window both come back as `PGProviderError` with the PG's code.
 */
export const v2WindowErrors = {
  declined: {
    code: 'PGProviderError',
    message: windowErrors.declined.message,
    pgCode: 'SBX_DECLINED',
    pgMessage: '승인 거절',
  },
  closed: {
    code: 'PGProviderError',
    message: windowErrors.closed.message,
    pgCode: 'PAY_PROCESS_CANCELED',
    pgMessage: windowErrors.closed.message,
  },
  storeNotFound: (storeId: string): V2WindowError => ({
    code: 'StoreNotFound',
    message: `상점을 찾을 수 없습니다. (storeId: ${storeId})`,
  }),
  alreadyPaid: (message: string): V2WindowError => ({ code: 'PaymentAlreadyPaid', message }),
  preRegisteredMismatch: (message: string): V2WindowError => ({
    code: 'AmountNotEqualToPredefined',
    message,
  }),
} as const satisfies Record<string, V2WindowError | ((text: string) => V2WindowError)>;

/** A finished attempt as the page sees it: success for a paid payment and for an issued virtual account. */
export function v2ResponseOf(record: V2PaymentRecord, error?: V2WindowError): V2PaymentResponse {
  const base: V2PaymentResponse = {
    paymentId: record.id,
    transactionType: 'PAYMENT',
    txId: record.transactionId,
  };
  if (record.status === 'PAID' || record.status === 'VIRTUAL_ACCOUNT_ISSUED') return base;
  return { ...base, ...(error ?? v2WindowErrors.declined) };
}

/** Refused before any attempt exists: no `txId`. */
export const v2RefusalOf = (paymentId: string, error: V2WindowError): V2PaymentResponse => ({
  paymentId,
  transactionType: 'PAYMENT',
  ...error,
});

/**
 * Where a redirect ends: `redirectUrl` plus the response's fields as query parameters (`paymentId`,
 * `transactionType`, `txId`, and `code`, `message`, `pgCode`, `pgMessage` on failure), keeping the
 * merchant's own parameters.
 */
export function v2RedirectUrlOf(redirectUrl: string, response: V2PaymentResponse): string {
  const target = new URL(redirectUrl);
  for (const [name, value] of Object.entries(response)) {
    if (typeof value === 'string') target.searchParams.set(name, value);
  }
  return target.toString();
}
