import * as v from 'valibot';
import { parseJsonQuietly } from '../net/answers';
import { failedPaths, int, type Schema } from '../validation';
import {
  IamportMalformedResponseError,
  IamportNotFoundError,
  IamportRefusedError,
  IamportUnauthorizedError,
  IamportUnavailableError,
} from './errors';

/** Every Iamport answer, success or failure, is wrapped in this. `response` is checked per endpoint. */
const envelopeSchema = v.object({
  code: int,
  message: v.nullish(v.string()),
  response: v.unknown(),
});
type Envelope = v.InferOutput<typeof envelopeSchema>;

/** 408 and 429 say "not now", like a 5xx: nothing was decided and the same call may succeed later. */
function isTransientStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

/**
 * Parses the body as an envelope, or returns undefined. The `SyntaxError` is dropped on purpose: V8 quotes
 * a slice of the input in its message, and on `/users/getToken` that slice can be the access token.
 */
function parseEnvelope(text: string): Envelope | undefined {
  const read = parseJsonQuietly(text);
  if (read === undefined) return undefined;
  const parsed = v.safeParse(envelopeSchema, read.json);
  return parsed.success ? parsed.output : undefined;
}

/**
 * Turns one HTTP answer into the endpoint's typed `response`, or throws the matching `IamportError`.
 *
 * Decisions (Iamport documents 200, 400, 401 and 404, docs/iamport-v1.md §0; the rest is ours):
 * - 5xx, 408, 429 → unavailable, whatever the body says.
 * - 401 → unauthorized on status alone: its body is undocumented, the caller refreshes the token once.
 * - 404 with an envelope → not found. A 404 *without* one is a proxy or a wrong base URL, not Iamport
 *   saying "no such payment", so it is malformed: reporting a real payment as unknown would be worse.
 * - 200 with `code == 0` → the response, validated by `schema`.
 * - 200 or any other 4xx with an envelope and `code != 0` → refused, with Iamport's code and message.
 * - Anything else (a 2xx other than 200 such as the multi-get's 207, a redirect, a 4xx with `code == 0`,
 *   no envelope) → malformed: none of the endpoints this client calls answers like that.
 * @internal
 */
export function interpretResponse<T>(operation: string, status: number, text: string, schema: Schema<T>): T {
  const httpStatus = status;
  if (isTransientStatus(status)) {
    throw new IamportUnavailableError(`${operation}: Iamport answered HTTP ${status}`, { httpStatus });
  }
  if (status === 401) {
    throw new IamportUnauthorizedError(`${operation}: Iamport refused the credentials (HTTP 401)`, {
      httpStatus,
    });
  }
  const envelope = parseEnvelope(text);
  if (envelope === undefined) {
    throw new IamportMalformedResponseError(
      `${operation}: HTTP ${status} without a JSON {code, message, response} envelope`,
      { httpStatus },
    );
  }
  if (status === 404) {
    throw new IamportNotFoundError(`${operation}: ${envelope.message ?? 'not found'}`, { httpStatus });
  }
  if (envelope.code !== 0 && (status === 200 || (status >= 400 && status < 500))) {
    throw new IamportRefusedError(envelope.code, envelope.message ?? '', { httpStatus });
  }
  if (status !== 200) {
    throw new IamportMalformedResponseError(
      `${operation}: unexpected HTTP ${status} with code ${envelope.code}`,
      { httpStatus },
    );
  }
  const parsed = v.safeParse(schema, envelope.response);
  if (!parsed.success) {
    throw new IamportMalformedResponseError(
      `${operation}: response does not match the expected shape at ${failedPaths(parsed.issues).join(', ')}`,
      // No cause: valibot's issues carry the refused values, and an answer can hold a token.
      { httpStatus },
    );
  }
  return parsed.output;
}
