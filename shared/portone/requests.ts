import { requireKrw } from './amounts';
import { PortOneInvalidRequestError } from './errors';
import { requireId } from './ids';
import type { CancelPaymentRequest, PreRegisterPaymentRequest } from './types';

/** PortOne keeps an `Idempotency-Key` of 16 to 256 characters for 3 hours. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{16,256}$/;

/**
 * Refuses a key PortOne would not take, or one that cannot be a header value. Visible ASCII only: a
 * CR/LF would split the header, and a key that was silently rewritten would not replay anything.
 * @internal
 */
export function requireIdempotencyKey(value: string): void {
  if (typeof value !== 'string' || !IDEMPOTENCY_KEY.test(value)) {
    throw new PortOneInvalidRequestError('idempotencyKey must be 16 to 256 visible ASCII characters');
  }
}

/** The request's store, else the client's, else none (the secret's only store). @internal */
export function storeOf(requested: string | undefined, fallback: string | undefined): string | undefined {
  const storeId = requested ?? fallback;
  if (storeId !== undefined) requireId(storeId, 'storeId');
  return storeId;
}

/**
 * The JSON body of `POST /payments/{paymentId}/cancel`, built field by field so nothing foreign rides
 * along. `amount` is sent only when given, and must then be above 0 and within
 * `currentCancellableAmount`: PortOne would refuse more, but we need not ask.
 * @internal
 */
export function cancelBody(
  request: CancelPaymentRequest,
  storeId: string | undefined,
): Record<string, unknown> {
  if (typeof request.reason !== 'string' || request.reason.trim() === '') {
    throw new PortOneInvalidRequestError('reason must be a non-empty string');
  }
  requireKrw(request.currentCancellableAmount, 'currentCancellableAmount', 0);
  const body: Record<string, unknown> = {
    reason: request.reason,
    currentCancellableAmount: request.currentCancellableAmount,
  };
  if (request.amount !== undefined) {
    requireKrw(request.amount, 'amount', 1);
    if (request.amount > request.currentCancellableAmount) {
      throw new PortOneInvalidRequestError('amount must not exceed currentCancellableAmount');
    }
    body.amount = request.amount;
  }
  if (storeId !== undefined) body.storeId = storeId;
  return body;
}

/** The JSON body of `POST /payments/{paymentId}/pre-register`. @internal */
export function preRegisterBody(
  request: PreRegisterPaymentRequest,
  storeId: string | undefined,
): Record<string, unknown> {
  requireKrw(request.totalAmount, 'totalAmount', 1);
  if (request.currency !== 'KRW') throw new PortOneInvalidRequestError('currency must be KRW');
  const body: Record<string, unknown> = { totalAmount: request.totalAmount, currency: request.currency };
  if (request.taxFreeAmount !== undefined) {
    requireKrw(request.taxFreeAmount, 'taxFreeAmount', 0);
    if (request.taxFreeAmount > request.totalAmount) {
      throw new PortOneInvalidRequestError('taxFreeAmount must not exceed totalAmount');
    }
    body.taxFreeAmount = request.taxFreeAmount;
  }
  if (storeId !== undefined) body.storeId = storeId;
  return body;
}
