import type { Dispatcher } from 'undici';
import { describeTransportFailure } from '../net/describeTransportFailure';
import type { Schema } from '../validation';
import { PortOneUnavailableError } from './errors';
import { answerOf } from './responses';

/** Where and how to send; fixed for the life of a client. @internal */
export interface TransportOptions {
  dispatcher: Dispatcher;
  /** `https://api.portone.io`: scheme, host and port only. */
  origin: string;
  /** Path prefix of the base URL without a trailing slash; usually ''. */
  basePath: string;
  timeoutMs: number;
  /** The V2 API secret. Lives in this closure only, never on an object a logger could print. */
  secret: string;
}

/** One call to PortOne; `path` is already built from encoded segments. @internal */
export interface PortOneRequest<T> {
  /** Names the call in error messages (`getPayment`), instead of the URL with its ids. */
  operation: string;
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string>;
  /** Sent as JSON; built field by field by the caller, never a spread of foreign input. */
  body?: Record<string, unknown>;
  /** Sent as `Idempotency-Key`; checked by the caller. */
  idempotencyKey?: string;
  schema: Schema<T>;
}

/** Sends one request and resolves with its validated answer, or throws a `PortOneError`. @internal */
export type Send = <T>(request: PortOneRequest<T>) => Promise<T>;

/**
 * Builds the one function every PortOne call goes through.
 *
 * One deadline of `timeoutMs` per call, from the start, covers the wait for a connection, the headers and
 * the whole body: undici's own headers and body timeouts restart per phase and per chunk, so a server
 * dribbling bytes could otherwise hold a Lambda for its whole run. The body is always read to the end or
 * destroyed by the abort, so no socket is left half-used. A timeout does not undo a POST at PortOne: the
 * caller retries it with the same idempotency key to learn what happened.
 * @internal
 */
export function createTransport(options: TransportOptions): Send {
  const { dispatcher, origin, basePath, timeoutMs, secret } = options;
  const authorization = `PortOne ${secret}`;

  return async function send<T>(request: PortOneRequest<T>): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', authorization };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    if (request.idempotencyKey !== undefined) headers['idempotency-key'] = sfString(request.idempotencyKey);
    const search = request.query === undefined ? '' : new URLSearchParams(request.query).toString();

    let answered: number | undefined;
    let text: string;
    try {
      const { statusCode, body } = await dispatcher.request({
        origin,
        // Never through `new URL()`, which would normalise the encoded segments.
        path: `${basePath}${request.path}${search === '' ? '' : `?${search}`}`,
        method: request.method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.timeout(timeoutMs),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      answered = statusCode;
      text = await body.text();
    } catch (error) {
      throw new PortOneUnavailableError(
        `${request.operation}: ${describeTransportFailure(error, timeoutMs)}`,
        {
          cause: error,
          httpStatus: answered,
        },
      );
    }
    return answerOf({ operation: request.operation, status: answered, text }, request.schema);
  };
}

/**
 * An RFC 8941 string, as PortOne asks the `Idempotency-Key` to be sent ("RFC 8941에 따라 문자열을
 * 쌍따옴표로 감싸세요", REST V2 overview): quoted, with `"` and `\` escaped. The key itself is unchanged.
 */
function sfString(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}
