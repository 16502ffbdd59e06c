/**
 * Standard Webhooks (https://www.standardwebhooks.com), the scheme PortOne V2 also uses: signing for our
 * webhook target, and a verifier merchants may copy into their own back end. Depends on `node:crypto`
 * only, on purpose, so this file can be copied as it is.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';
/** The spec asks for keys of 24 to 64 bytes; shorter ones make a weak HMAC key. */
const MIN_KEY_BYTES = 24;
const MAX_KEY_BYTES = 64;
/** Canonical standard base64 with padding, as the reference libraries decode it. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const DEFAULT_TOLERANCE_SECONDS = 5 * 60;

/**
 * Checks a webhook secret (`whsec_` + base64 of a 24 to 64 byte key; the prefix is optional, as in the
 * reference libraries) and returns the HMAC key. Messages name the problem, never the secret.
 *
 * @throws TypeError when the secret is empty, not standard base64, or decodes to a key of the wrong size.
 * @example
 * ```ts
 * const key = parseWebhookSecret(process.env.MERCHANT_WEBHOOK_SECRET ?? ''); // fails at cold start
 * ```
 */
export function parseWebhookSecret(secret: string): Buffer {
  if (typeof secret !== 'string' || secret === '') throw new TypeError('webhook secret is empty');
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  if (/\s/.test(encoded)) {
    throw new TypeError(
      'webhook secret contains whitespace (a trailing newline from a file or a parameter?)',
    );
  }
  if (/[-_]/.test(encoded)) {
    throw new TypeError(
      'webhook secret uses URL-safe base64 (- or _); expected standard base64 after "whsec_"',
    );
  }
  if (encoded === '' || !BASE64.test(encoded)) {
    throw new TypeError('webhook secret is not padded standard base64 after the optional "whsec_" prefix');
  }
  const key = Buffer.from(encoded, 'base64');
  if (key.length < MIN_KEY_BYTES || key.length > MAX_KEY_BYTES) {
    throw new TypeError(
      `webhook secret decodes to ${key.length} bytes; Standard Webhooks keys are ${MIN_KEY_BYTES} to ${MAX_KEY_BYTES} bytes`,
    );
  }
  return key;
}

/** The three headers of a signed delivery (a type, not an interface, so it fits header records). */
export type WebhookHeaders = {
  'webhook-id': string;
  /** Unix seconds, as a decimal string. */
  'webhook-timestamp': string;
  /** `v1,<base64 HMAC-SHA256>`; several such entries, space-separated, during a secret rotation. */
  'webhook-signature': string;
};

/** Base64 HMAC-SHA256 of `${id}.${timestamp}.${body}` over the body's exact bytes. */
function hmac(key: Buffer, id: string, timestamp: number, body: string | Uint8Array): string {
  return createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64');
}

/**
 * Signs one delivery. Sign the exact string that is sent: receivers verify the raw body.
 *
 * @example
 * ```ts
 * const body = JSON.stringify(event);
 * const headers = signWebhook({ secret, id: event.id, timestamp: Math.floor(Date.now() / 1000), body });
 * ```
 */
export function signWebhook(input: {
  secret: string;
  id: string;
  /** Unix seconds. */
  timestamp: number;
  body: string;
}): WebhookHeaders {
  const { secret, id, timestamp, body } = input;
  if (id === '') throw new TypeError('webhook id is empty');
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new TypeError('webhook timestamp must be whole unix seconds');
  }
  const signature = hmac(parseWebhookSecret(secret), id, timestamp, body);
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': `v1,${signature}` };
}

/** Why a delivery was refused; stable values to branch on or count. */
export type WebhookVerificationFailure =
  | 'missing_header'
  | 'duplicated_header'
  | 'invalid_timestamp'
  | 'timestamp_too_old'
  | 'timestamp_too_new'
  | 'no_matching_signature'
  | 'invalid_json';

/** The request is not a genuine, fresh delivery: answer 400/401 and do nothing else. */
export class WebhookVerificationError extends Error {
  readonly reason: WebhookVerificationFailure;
  constructor(reason: WebhookVerificationFailure, message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
    this.reason = reason;
  }
}

/** Fetch `Headers`, or a plain object such as Node's `req.headers` / `req.headersDistinct`. */
export type WebhookHeaderSource = Headers | Record<string, string | readonly string[] | undefined>;

/** Duck-typed: a `Headers` from another copy of undici or a framework fails `instanceof`. */
function isFetchHeaders(headers: WebhookHeaderSource): headers is Headers {
  return 'get' in headers && typeof headers.get === 'function';
}

function readHeader(headers: WebhookHeaderSource, name: keyof WebhookHeaders): string {
  let values: readonly string[];
  if (isFetchHeaders(headers)) {
    const value = headers.get(name);
    values = value === null ? [] : [value];
  } else {
    // Plain objects may differ in case ('Webhook-Id'); two spellings of one name are a duplicate.
    values = Object.entries(headers)
      .filter(([key, value]) => key.toLowerCase() === name && value !== undefined)
      .flatMap(([, value]) => (typeof value === 'string' ? [value] : (value ?? [])));
  }
  if (values.length > 1) throw new WebhookVerificationError('duplicated_header', `duplicated ${name} header`);
  const [value] = values;
  if (value === undefined || value === '') {
    throw new WebhookVerificationError('missing_header', `missing ${name} header`);
  }
  // Node and fetch join a repeated header with ', ', which neither a timestamp nor a signature contains.
  if (name !== 'webhook-id' && value.includes(', ')) {
    throw new WebhookVerificationError('duplicated_header', `duplicated ${name} header`);
  }
  return value;
}

/** What a verified delivery carries. */
export interface VerifiedWebhook {
  /** `webhook-id`: the same on every re-delivery of one event; de-duplicate on it. */
  id: string;
  /** `webhook-timestamp`, unix seconds. */
  timestamp: number;
  /** The parsed JSON body; still validate its shape before use. */
  payload: unknown;
}

/**
 * Verifies a Standard Webhooks delivery: headers present once each, a timestamp within the tolerance
 * (replays of old deliveries fail), and a `v1` signature, compared in constant time, made with one of
 * `secrets` (pass the old and the new secret while rotating). Give it the raw body, before any parsing.
 *
 * @throws WebhookVerificationError when the delivery is not genuine or not fresh.
 * @throws TypeError when a secret is malformed (a configuration error, not a bad request).
 * @example
 * ```ts
 * const { id, payload } = verifyWebhook({
 *   secrets: [process.env.WEBHOOK_SECRET ?? ''],
 *   headers: req.headers,
 *   body: rawBody, // the bytes as received, not JSON.stringify(req.body)
 * });
 * ```
 */
export function verifyWebhook(input: VerifyInput): VerifiedWebhook {
  const { id, timestamp } = verifyWebhookSignature(input);
  const text = typeof input.body === 'string' ? input.body : Buffer.from(input.body).toString('utf8');
  try {
    return { id, timestamp, payload: JSON.parse(text) };
  } catch {
    throw new WebhookVerificationError('invalid_json', 'webhook body is not JSON');
  }
}

interface VerifyInput {
  secrets: readonly string[];
  headers: WebhookHeaderSource;
  body: string | Uint8Array;
  /** @default 300 */
  toleranceSeconds?: number;
  /** Wall clock in milliseconds. @default Date.now */
  now?: () => number;
}

/**
 * The signature check of {@link verifyWebhook} alone, for senders whose bodies are not always JSON
 * (PortOne V2's 2024-01-01 notices may be form-encoded): the caller parses the body it verified.
 */
export function verifyWebhookSignature(input: VerifyInput): Omit<VerifiedWebhook, 'payload'> {
  const { secrets, headers, body, toleranceSeconds = DEFAULT_TOLERANCE_SECONDS, now = Date.now } = input;
  if (secrets.length === 0) throw new TypeError('verifyWebhook needs at least one secret');
  if (!Number.isFinite(toleranceSeconds) || toleranceSeconds < 0) {
    throw new TypeError('toleranceSeconds must be a number ≥ 0');
  }
  const keys = secrets.map(parseWebhookSecret);
  const id = readHeader(headers, 'webhook-id');
  const timestampText = readHeader(headers, 'webhook-timestamp');
  const signatures = readHeader(headers, 'webhook-signature');

  if (!/^\d{1,15}$/.test(timestampText)) {
    throw new WebhookVerificationError('invalid_timestamp', 'webhook-timestamp is not unix seconds');
  }
  const timestamp = Number(timestampText);
  const nowSeconds = Math.floor(now() / 1000);
  if (nowSeconds - timestamp > toleranceSeconds) {
    throw new WebhookVerificationError('timestamp_too_old', 'webhook-timestamp is too old');
  }
  if (timestamp - nowSeconds > toleranceSeconds) {
    throw new WebhookVerificationError('timestamp_too_new', 'webhook-timestamp is in the future');
  }

  const expected = keys.map((key) => Buffer.from(hmac(key, id, timestamp, body)));
  // Entries of other versions (`v1a,…`) are skipped, as the spec asks, so senders can add schemes.
  const candidates = signatures
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => Buffer.from(entry.slice(3)));
  // timingSafeEqual needs equal lengths; an HMAC's length is public, so checking it first leaks nothing.
  const matches = candidates.some((candidate) =>
    expected.some((wanted) => wanted.length === candidate.length && timingSafeEqual(wanted, candidate)),
  );
  if (!matches) throw new WebhookVerificationError('no_matching_signature', 'no matching webhook signature');
  return { id, timestamp };
}
