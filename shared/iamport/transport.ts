import type { Dispatcher } from 'undici';
import { describeTransportFailure } from '../net/describeTransportFailure';
import { exchange } from '../net/exchange';
import type { Schema } from '../validation';
import { interpretResponse } from './envelope';
import { IamportUnavailableError } from './errors';
import { buildPath } from './paths';

/** Where and how to send; fixed for the life of a client. @internal */
export interface TransportOptions {
  dispatcher: Dispatcher;
  /** `https://api.iamport.kr`: scheme, host and port only. */
  origin: string;
  /** Path prefix of the base URL without a trailing slash; usually ''. */
  basePath: string;
  timeoutMs: number;
}

/** One call to Iamport. `path` is already built from encoded segments. @internal */
export interface IamportRequest<T> {
  /** Names the call in error messages (`getPayment`), instead of the URL with its ids. */
  operation: string;
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string>;
  /** Sent as JSON. Built field by field by the caller, never a spread of foreign input. */
  body?: Record<string, unknown>;
  /** Access token; sent as `Authorization: Bearer <token>`. */
  token?: string;
  schema: Schema<T>;
}

/** Sends one request and returns the endpoint's validated `response`. @internal */
export type Send = <T>(request: IamportRequest<T>) => Promise<T>;

/** @internal */
export function headersFor(request: IamportRequest<unknown>): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  if (request.token !== undefined) headers.authorization = `Bearer ${request.token}`;
  return headers;
}

/**
 * Builds the one function every Iamport call goes through: send, read the whole body, map the outcome.
 *
 * Each attempt has one deadline of `timeoutMs` from the start of the call, covering the wait for a
 * connection, the headers and the full body (`exchange`, shared/net/exchange.ts: one cleared `setTimeout`
 * per call rather than an `AbortSignal.timeout`, which cost more than the rest of a warm lookup). undici's
 * own headers/body timeouts restart per phase and per chunk, so a server dribbling bytes could otherwise
 * hold a Lambda for its whole run; they stay set to `timeoutMs` as a backstop only. The body is always read
 * to the end (or its connection destroyed at the deadline), so no socket is left half-used.
 * @internal
 */
export function createTransport({ dispatcher, origin, basePath, timeoutMs }: TransportOptions): Send {
  return async function send<T>(request: IamportRequest<T>): Promise<T> {
    const answer = await exchange(
      dispatcher,
      {
        origin,
        path: buildPath(basePath, request.path, request.query),
        method: request.method,
        headers: headersFor(request),
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      },
      timeoutMs,
    );
    if (!answer.ok) {
      throw new IamportUnavailableError(
        `${request.operation}: ${describeTransportFailure(answer.error, timeoutMs)}`,
        { cause: answer.error, httpStatus: answer.statusCode },
      );
    }
    return interpretResponse(request.operation, answer.statusCode, answer.text, request.schema);
  };
}
