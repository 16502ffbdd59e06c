import { HttpError } from './errors';

/** The part of an API Gateway HTTP API (payload v2) event that carries the body. */
export interface BodyCarrier {
  body?: string | null;
  isBase64Encoded?: boolean;
  headers?: Record<string, string | undefined> | null;
}

/** Identifiers and a few fields are all we ever read; anything near this size is not a payment notice. */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024;

/**
 * Decodes a JSON or form-urlencoded body (jQuery's default, and Iamport's webhook option), base64 or
 * not, into a flat record of unknown values for schema validation. Unknown fields pass through and are
 * dropped by the schema. A repeated form key keeps its first value.
 */
export function readBody(event: BodyCarrier, maxBytes = DEFAULT_MAX_BODY_BYTES): Record<string, unknown> {
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.byteLength > maxBytes)
    throw new HttpError(413, 'BODY_TOO_LARGE', `body exceeds ${maxBytes} bytes`);
  const untrimmed = bytes.toString('utf8');
  const text = untrimmed.trim();
  if (text === '') return {};
  const type = contentType(event.headers);
  if (type === 'application/json' || (type !== 'application/x-www-form-urlencoded' && text.startsWith('{'))) {
    return parseJsonObject(text);
  }
  // A form's values run to the end of the body: trimming it would rewrite the last one (ids are opaque).
  if (type === '' || type === 'application/x-www-form-urlencoded' || type === 'text/plain')
    return parseForm(untrimmed);
  throw new HttpError(
    415,
    'UNSUPPORTED_MEDIA_TYPE',
    'send application/json or application/x-www-form-urlencoded',
  );
}

function contentType(headers: BodyCarrier['headers']): string {
  if (!headers) return '';
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === 'content-type' && value)
      return value.split(';')[0]?.trim().toLowerCase() ?? '';
  }
  return '';
}

function parseJsonObject(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'MALFORMED_BODY', 'body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HttpError(400, 'MALFORMED_BODY', 'body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

function parseForm(text: string): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    if (!(key in record)) record[key] = value;
  }
  return record;
}
