import * as v from 'valibot';
import { parseJsonQuietly } from '../net/answers';
import { failedPaths, nonEmpty, type Schema } from '../validation';
import {
  PortOneMalformedResponseError,
  PortOneNotFoundError,
  PortOneRefusedError,
  PortOneUnauthorizedError,
  PortOneUnavailableError,
} from './errors';

/** Every V2 error answer: `{type, message}` (plus per-type fields such as `pgCode`, not needed here). */
const errorBodySchema = v.object({ type: nonEmpty, message: v.optional(v.string()) });

/** 408 and 429 say "not now", like a 5xx: the same call may succeed later. */
function isTransientStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

function errorBodyOf(text: string): v.InferOutput<typeof errorBodySchema> | undefined {
  const read = parseJsonQuietly(text);
  if (read === undefined) return undefined;
  const parsed = v.safeParse(errorBodySchema, read.json);
  return parsed.success ? parsed.output : undefined;
}

/** One HTTP answer, read to the end. @internal */
export interface Answer {
  /** The call it answers, for error messages. */
  operation: string;
  status: number;
  text: string;
}

/**
 * Turns one HTTP answer into the endpoint's validated body, or throws the matching `PortOneError`.
 *
 * Decisions (PortOne documents 200, 400, 401, 403, 404, 409 and 502 with `{type, message}`; the rest is
 * ours):
 * - 5xx, 408, 429 → unavailable, whatever the body says (its `type` is kept, its message is not: a
 *   proxy's error page may echo our headers).
 * - 401, 403 → unauthorized on the status alone, for the same reason.
 * - 404 with `PAYMENT_NOT_FOUND` → not found. A 404 without a typed body is a proxy or a wrong base URL,
 *   not PortOne saying "no such payment", so it is malformed: reporting a real payment as unknown would
 *   be worse. A 404 of another type is a refusal like any other 4xx.
 * - Any other 4xx with `{type}` → refused, with PortOne's type and message; without → malformed.
 * - 200 → the body, validated by `schema`; any other 2xx or 3xx → malformed.
 * @internal
 */
export function answerOf<T>(answer: Answer, schema: Schema<T>): T {
  const { operation, status, text } = answer;
  const httpStatus = status;
  const error = status === 200 ? undefined : errorBodyOf(text);
  const portOneType = error?.type;
  if (isTransientStatus(status)) {
    throw new PortOneUnavailableError(`${operation}: PortOne answered HTTP ${status}`, {
      httpStatus,
      portOneType,
    });
  }
  if (status === 401 || status === 403) {
    throw new PortOneUnauthorizedError(`${operation}: PortOne refused the API secret (HTTP ${status})`, {
      httpStatus,
      portOneType,
    });
  }
  if (status >= 400 && status < 500 && error !== undefined) {
    if (status === 404 && error.type === 'PAYMENT_NOT_FOUND') {
      throw new PortOneNotFoundError(`${operation}: ${error.message ?? 'payment not found'}`, {
        httpStatus,
        portOneType,
      });
    }
    throw new PortOneRefusedError(error.type, error.message ?? '', { httpStatus });
  }
  if (status !== 200) {
    const without = status >= 400 ? ' without a JSON {type, message} body' : '';
    throw new PortOneMalformedResponseError(`${operation}: unexpected HTTP ${status}${without}`, {
      httpStatus,
    });
  }
  const read = parseJsonQuietly(text);
  const parsed = read === undefined ? undefined : v.safeParse(schema, read.json);
  if (parsed?.success) return parsed.output;
  const problem =
    parsed === undefined
      ? 'is not JSON'
      : `does not match the expected shape at ${failedPaths(parsed.issues).join(', ')}`;
  // No cause: valibot's issues carry the refused values, and an answer can hold a secret.
  throw new PortOneMalformedResponseError(`${operation}: the answer ${problem}`, { httpStatus });
}
