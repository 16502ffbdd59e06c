/**
 * Errors of the PortOne V2 client. None carries the API secret, a header or a request body, so they are
 * safe to log. Callers branch on the class, `code` or `portOneType`, never on the message text.
 */
export interface PortOneErrorOptions extends ErrorOptions {
  /** HTTP status PortOne answered with, when it answered at all. */
  httpStatus?: number;
  /** The `type` of PortOne's error body (`PAYMENT_NOT_FOUND`, `ALREADY_PAID`, …), when there was one. */
  portOneType?: string;
}

/**
 * The base of every error below. Each class names itself in a string field, not through `new.target`:
 * the bundle is minified, and a logged `name` must survive that.
 */
export class PortOneError extends Error {
  override readonly name: string = 'PortOneError';
  readonly code: string = 'PORTONE_ERROR';
  readonly httpStatus: number | undefined;
  readonly portOneType: string | undefined;
  constructor(message: string, options?: PortOneErrorOptions) {
    super(message, options);
    this.httpStatus = options?.httpStatus;
    this.portOneType = options?.portOneType;
  }
}

/** The payment does not exist at PortOne (or not in that store): HTTP 404 `PAYMENT_NOT_FOUND`. */
export class PortOneNotFoundError extends PortOneError {
  override readonly name = 'PortOneNotFoundError';
  override readonly code = 'PORTONE_NOT_FOUND';
}

/**
 * 401 (the secret is wrong or revoked) or 403 (the secret may not touch that store or call): a
 * configuration problem. V2 has no token to refresh, so retrying cannot help.
 */
export class PortOneUnauthorizedError extends PortOneError {
  override readonly name = 'PortOneUnauthorizedError';
  override readonly code = 'PORTONE_UNAUTHORIZED';
}

/**
 * PortOne understood the request and said no (a 4xx with `{type, message}`): `ALREADY_PAID`,
 * `PAYMENT_ALREADY_CANCELLED`, `CANCELLABLE_AMOUNT_CONSISTENCY_BROKEN` (the balance is not what we
 * believed), `INVALID_REQUEST`, … One of them, `IDEMPOTENCY_OUTSTANDING_REQUEST`, only means "the first
 * request with this key is still running": {@link isTransientPortOneError} says to retry it later.
 */
export class PortOneRefusedError extends PortOneError {
  override readonly name = 'PortOneRefusedError';
  override readonly code = 'PORTONE_REFUSED';
  override readonly portOneType: string;
  readonly portOneMessage: string;
  constructor(portOneType: string, portOneMessage: string, options?: PortOneErrorOptions) {
    super(`PortOne refused the request (${portOneType}): ${portOneMessage}`, { ...options, portOneType });
    this.portOneType = portOneType;
    this.portOneMessage = portOneMessage;
  }
}

/**
 * Timeout, connection error, 408, 429 or 5xx (502 `PG_PROVIDER` included: the PG did not answer us
 * usefully). Nothing may have been decided, or something was and we did not hear it: a POST must be
 * retried with the same `Idempotency-Key`, which replays the first outcome instead of acting twice.
 */
export class PortOneUnavailableError extends PortOneError {
  override readonly name = 'PortOneUnavailableError';
  override readonly code = 'PORTONE_UNAVAILABLE';
}

/** PortOne (or something in front of it) answered what we cannot read: not JSON, a wrong shape. */
export class PortOneMalformedResponseError extends PortOneError {
  override readonly name = 'PortOneMalformedResponseError';
  override readonly code = 'PORTONE_MALFORMED_RESPONSE';
}

/**
 * The client refused to send a request that could only be wrong: a blank or dot-segment id, a fractional
 * or non-finite amount (`JSON.stringify` writes `NaN` as `null`, and a null `amount` is "cancel it all"),
 * an idempotency key outside 16–256 characters. Nothing reached PortOne; the same call cannot succeed.
 */
export class PortOneInvalidRequestError extends PortOneError {
  override readonly name = 'PortOneInvalidRequestError';
  override readonly code = 'PORTONE_INVALID_REQUEST';
}

/** PortOne's answer while a request with the same `Idempotency-Key` is still being processed. */
export const IDEMPOTENCY_OUTSTANDING_REQUEST = 'IDEMPOTENCY_OUTSTANDING_REQUEST';

/** True when the same call is worth making again later (the retry queue's business). */
export function isTransientPortOneError(
  error: unknown,
): error is PortOneUnavailableError | PortOneRefusedError {
  return (
    error instanceof PortOneUnavailableError ||
    (error instanceof PortOneRefusedError && error.portOneType === IDEMPOTENCY_OUTSTANDING_REQUEST)
  );
}
