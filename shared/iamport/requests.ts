import { IamportInvalidRequestError } from './errors';
import { requireId } from './paths';
import type { CancelPaymentRequest, FindAllOptions, PreparePaymentRequest, StatusListOptions } from './types';

/** Iamport's documented maximum page size for findAll. */
const MAX_FIND_ALL_LIMIT = 1000;

/**
 * `JSON.stringify` writes `NaN` and `Infinity` as `null`, and Iamport reads a null `checksum` as "skip the
 * double-refund check" and a null `amount` as "cancel everything", so non-finite numbers never leave here.
 */
function requireFinite(value: number, name: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new IamportInvalidRequestError(`${name} must be a finite number`);
  }
}

function requireIntegerIn(value: number, name: string, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new IamportInvalidRequestError(`${name} must be an integer from ${min} to ${max}`);
  }
}

/**
 * The JSON body of `POST /payments/cancel`, built field by field so nothing foreign rides along (a browser's
 * `cancel_request_amount` forwarded as is would leave `amount` out, which Iamport takes as a *full* cancel).
 *
 * `amount` is sent only when given, and must then be above 0 (0 also means "full cancel" to Iamport) and
 * within `checksum`, the balance we believe is left.
 * @internal
 */
export function cancelBody(request: CancelPaymentRequest): Record<string, unknown> {
  requireId(request.imp_uid, 'imp_uid');
  requireFinite(request.checksum, 'checksum');
  if (request.checksum < 0) throw new IamportInvalidRequestError('checksum must not be negative');
  if (typeof request.reason !== 'string') throw new IamportInvalidRequestError('reason must be a string');
  const body: Record<string, unknown> = {
    imp_uid: request.imp_uid,
    checksum: request.checksum,
    reason: request.reason,
  };
  if (request.amount !== undefined) {
    requireFinite(request.amount, 'amount');
    if (request.amount <= 0) {
      throw new IamportInvalidRequestError('amount must be above 0; omit it to cancel the whole balance');
    }
    if (request.amount > request.checksum) {
      throw new IamportInvalidRequestError('amount must not exceed checksum, the balance left to cancel');
    }
    body.amount = request.amount;
  }
  return body;
}

/** The JSON body of `POST /payments/prepare`; `currency` only when given. @internal */
export function prepareBody(request: PreparePaymentRequest): Record<string, unknown> {
  requireId(request.merchant_uid, 'merchant_uid');
  requireFinite(request.amount, 'amount');
  const body: Record<string, unknown> = { merchant_uid: request.merchant_uid, amount: request.amount };
  if (request.currency !== undefined) body.currency = request.currency;
  return body;
}

/** `page`, `limit` and `sorting` of Iamport's listings; absent options stay absent (Iamport's defaults). */
function pagingQuery(
  options: Pick<FindAllOptions, 'page' | 'limit' | 'sorting'>,
  maxLimit: number,
): Record<string, string> {
  const query: Record<string, string> = {};
  if (options.page !== undefined) {
    requireIntegerIn(options.page, 'page', 1, Number.MAX_SAFE_INTEGER);
    query.page = String(options.page);
  }
  if (options.limit !== undefined) {
    requireIntegerIn(options.limit, 'limit', 1, maxLimit);
    query.limit = String(options.limit);
  }
  if (options.sorting !== undefined) query.sorting = options.sorting;
  return query;
}

/** The query of `GET /payments/findAll/...`. @internal */
export const findAllQuery = (options: FindAllOptions): Record<string, string> =>
  pagingQuery(options, MAX_FIND_ALL_LIMIT);

/** Iamport caps `limit` of `GET /payments/status/{status}` at 1000 and its window at 90 days. */
const MAX_STATUS_LIST_LIMIT = 1000;
const MAX_STATUS_WINDOW_SECONDS = 90 * 86_400;

/** The query of `GET /payments/status/{status}`: the window, then the paging. @internal */
export function statusListQuery(options: StatusListOptions): Record<string, string> {
  requireIntegerIn(options.from, 'from', 0, Number.MAX_SAFE_INTEGER);
  requireIntegerIn(options.to, 'to', options.from, options.from + MAX_STATUS_WINDOW_SECONDS);
  return {
    from: String(options.from),
    to: String(options.to),
    ...pagingQuery(options, MAX_STATUS_LIST_LIMIT),
  };
}
