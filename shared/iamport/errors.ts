/**
 * Errors of the Iamport client. None carries a token, a key or a request body: they are safe to log.
 * Callers branch on the class (or `code`), never on the message text.
 */
export class IamportError extends Error {
  readonly code: string = 'IAMPORT_ERROR';
  /** HTTP status Iamport answered with, when it answered at all. */
  readonly httpStatus: number | undefined;
  constructor(message: string, options?: ErrorOptions & { httpStatus?: number }) {
    super(message, options);
    this.name = 'IamportError';
    this.httpStatus = options?.httpStatus;
  }
}

/** The payment (or prepared amount) does not exist at Iamport: HTTP 404 with an envelope. */
export class IamportNotFoundError extends IamportError {
  override readonly code = 'IAMPORT_NOT_FOUND';
  constructor(message: string, options?: ErrorOptions & { httpStatus?: number }) {
    super(message, options);
    this.name = 'IamportNotFoundError';
  }
}

/** Our keys or token were refused even after one refresh: a configuration problem, not transient. */
export class IamportUnauthorizedError extends IamportError {
  override readonly code = 'IAMPORT_UNAUTHORIZED';
  constructor(message: string, options?: ErrorOptions & { httpStatus?: number }) {
    super(message, options);
    this.name = 'IamportUnauthorizedError';
  }
}

/**
 * Iamport understood the request and said no (`code != 0`, usually on HTTP 200): a cancel with a
 * stale checksum, an already-cancelled payment, a duplicate prepare. Carries Iamport's own message.
 */
export class IamportRefusedError extends IamportError {
  override readonly code = 'IAMPORT_REFUSED';
  readonly iamportCode: number;
  readonly iamportMessage: string;
  constructor(iamportCode: number, iamportMessage: string, options?: ErrorOptions & { httpStatus?: number }) {
    super(`Iamport refused the request (code ${iamportCode}): ${iamportMessage}`, options);
    this.name = 'IamportRefusedError';
    this.iamportCode = iamportCode;
    this.iamportMessage = iamportMessage;
  }
}

/** Timeout, connection error, 5xx or 429: nothing was decided, the same call is safe to retry later. */
export class IamportUnavailableError extends IamportError {
  override readonly code = 'IAMPORT_UNAVAILABLE';
  constructor(message: string, options?: ErrorOptions & { httpStatus?: number }) {
    super(message, options);
    this.name = 'IamportUnavailableError';
  }
}

/** Iamport answered something we cannot read (not JSON, no envelope, a payment missing fields). */
export class IamportMalformedResponseError extends IamportError {
  override readonly code = 'IAMPORT_MALFORMED_RESPONSE';
  constructor(message: string, options?: ErrorOptions & { httpStatus?: number }) {
    super(message, options);
    this.name = 'IamportMalformedResponseError';
  }
}

/** True when the failure is worth retrying later (the retry queue's business). */
export function isTransientIamportError(error: unknown): error is IamportUnavailableError {
  return error instanceof IamportUnavailableError;
}

/**
 * The client refused to send a request that could only be wrong: an empty or dot-segment id, a non-finite
 * amount or checksum (JSON turns `NaN` into `null`, which Iamport reads as "skip the check" or "cancel
 * everything"). Nothing reached Iamport; retrying the same call cannot help.
 */
export class IamportInvalidRequestError extends IamportError {
  override readonly code = 'IAMPORT_INVALID_REQUEST';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'IamportInvalidRequestError';
  }
}
