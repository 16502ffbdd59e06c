import { optionalKrwWithin, requireKrw } from './amounts';
import { PortOneInvalidRequestError } from './errors';
import { requireId } from './ids';
import type { CancelPaymentRequest, ListPaymentsRequest, PreRegisterPaymentRequest } from './types';

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

/** Names the store in a POST body (PortOne reads it there, not from the query), when there is one. */
function withStore(body: Record<string, unknown>, storeId: string | undefined): Record<string, unknown> {
  return storeId === undefined ? body : { ...body, storeId };
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
  const balance = { value: request.currentCancellableAmount, name: 'currentCancellableAmount' };
  if (optionalKrwWithin(request.amount, 'amount', 1, balance)) body.amount = request.amount;
  return withStore(body, storeId);
}

/** The JSON body of `POST /payments/{paymentId}/pre-register`. @internal */
export function preRegisterBody(
  request: PreRegisterPaymentRequest,
  storeId: string | undefined,
): Record<string, unknown> {
  requireKrw(request.totalAmount, 'totalAmount', 1);
  if (request.currency !== 'KRW') throw new PortOneInvalidRequestError('currency must be KRW');
  const body: Record<string, unknown> = { totalAmount: request.totalAmount, currency: request.currency };
  const total = { value: request.totalAmount, name: 'totalAmount' };
  if (optionalKrwWithin(request.taxFreeAmount, 'taxFreeAmount', 0, total)) {
    body.taxFreeAmount = request.taxFreeAmount;
  }
  return withStore(body, storeId);
}

/** PortOne's bounds on `GET /payments` paging. */
const MAX_PAGE_SIZE = 1000;
const MAX_PAGE_DEPTH = 60_000;

/**
 * The query of `GET /payments`: the JSON input in one `requestBody` parameter, as PortOne's OpenAPI
 * (`x-portone-query-or-body`) and its SDK send it. Filters on the time of each payment's current status.
 * @internal
 */
export function listPaymentsQuery(
  request: ListPaymentsRequest,
  storeId: string | undefined,
): Record<string, string> {
  const { pageNumber, pageSize } = request;
  if (!Number.isInteger(pageNumber) || pageNumber < 0) {
    throw new PortOneInvalidRequestError('pageNumber must be an integer from 0');
  }
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw new PortOneInvalidRequestError(`pageSize must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  }
  if ((pageNumber + 1) * pageSize > MAX_PAGE_DEPTH) {
    throw new PortOneInvalidRequestError(`(pageNumber + 1) * pageSize must not exceed ${MAX_PAGE_DEPTH}`);
  }
  if (!(request.from.getTime() < request.until.getTime())) {
    throw new PortOneInvalidRequestError('from must be before until');
  }
  const filter: Record<string, unknown> = {
    timestampType: 'STATUS_CHANGED_AT',
    from: request.from.toISOString(),
    until: request.until.toISOString(),
  };
  if (storeId !== undefined) filter.storeId = storeId;
  if (request.status !== undefined) filter.status = [...request.status];
  return { requestBody: JSON.stringify({ page: { number: pageNumber, size: pageSize }, filter }) };
}
