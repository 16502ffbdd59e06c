import { setTimeout as delay } from 'node:timers/promises';
import { Agent, type Dispatcher, request } from 'undici';
import { describeTransportFailure } from '../net/describeTransportFailure';
import { keepAlivePoolOptions } from '../net/keepAlive';
import { WebhookDeliveryError } from './errors';
import { parseWebhookSecret, signWebhook } from './standardWebhooks';
import type { EventTarget, OrderEvent } from './types';
import { backoffDelay, classifyStatus, parseRetryAfter } from './webhookRetry';
import { parseWebhookUrl } from './webhookUrl';

/** Where and how to deliver events to the merchant's own endpoint. */
export interface WebhookTargetOptions {
  /** The merchant's endpoint (config `MERCHANT_WEBHOOK_URL`): https, or http on loopback. */
  url: string | URL;
  /** `whsec_` + base64 key (config `MERCHANT_WEBHOOK_SECRET`). Never logged or put in an error. */
  secret: string;
  /**
   * Transport to use instead of the target's own keep-alive `Agent` (a `MockAgent` in tests). The
   * caller owns it: `close()` leaves an injected dispatcher open.
   */
  dispatcher?: Dispatcher;
  /** Deadline of one attempt: connecting, the headers and the whole answer. @default 5000 */
  timeoutMs?: number;
  /** Requests per `deliver` call, the first included. @default 3 */
  maxAttempts?: number;
  /** First backoff ceiling, doubled per attempt, half of it jittered. @default 200 */
  backoffMs?: number;
  /**
   * Longest `Retry-After` waited for inside one call. A longer one ends the call at once: the outbox
   * re-sends later, and the receiver is not hit sooner than it asked. @default 2000
   */
  maxRetryAfterMs?: number;
  /** Wall clock in milliseconds, for `webhook-timestamp`. @default Date.now */
  now?: () => number;
  /** Waits between attempts; tests pass one that returns at once. */
  sleep?: (ms: number) => Promise<void>;
}

/** The defaults of {@link WebhookTargetOptions}. */
export const WEBHOOK_TARGET_DEFAULTS = Object.freeze({
  timeoutMs: 5000,
  maxAttempts: 3,
  backoffMs: 200,
  maxRetryAfterMs: 2000,
});

/** A webhook {@link EventTarget} that owns a connection pool unless one was injected. */
export interface WebhookTarget extends EventTarget {
  readonly name: 'webhook';
  /** Closes the target's own dispatcher (not an injected one). */
  close(): Promise<void>;
}

type Attempt =
  | { verdict: 'delivered' }
  | {
      verdict: 'retry' | 'reject';
      status: number | undefined;
      /** Safe to log: a status or an error code, never a header, the URL or the body. */
      reason: string;
      retryAfterMs?: number;
      cause?: unknown;
    };

const USER_AGENT = 'iamport-verify';

/**
 * Header values must be visible ASCII, but a merchant_uid may be Korean text or hold spaces. Such ids
 * are percent-encoded, which is deterministic (re-deliveries still share one `webhook-id`) and cannot
 * collide with a plain id: plain ids keep their `:` before the version, encoded ones have `%3A`.
 */
function webhookIdFor(eventId: string): string {
  return /^[\x21-\x7e]+$/.test(eventId) ? eventId : encodeURIComponent(eventId);
}

function fail(message: string): never {
  throw new TypeError(`createWebhookTarget: ${message}`);
}

function resolveOptions(options: WebhookTargetOptions) {
  const timeoutMs = options.timeoutMs ?? WEBHOOK_TARGET_DEFAULTS.timeoutMs;
  const maxAttempts = options.maxAttempts ?? WEBHOOK_TARGET_DEFAULTS.maxAttempts;
  const backoffMs = options.backoffMs ?? WEBHOOK_TARGET_DEFAULTS.backoffMs;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? WEBHOOK_TARGET_DEFAULTS.maxRetryAfterMs;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) fail('timeoutMs must be a positive integer');
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) fail('maxAttempts must be an integer ≥ 1');
  if (!Number.isFinite(backoffMs) || backoffMs < 0) fail('backoffMs must be a number ≥ 0');
  if (!Number.isFinite(maxRetryAfterMs) || maxRetryAfterMs < 0) fail('maxRetryAfterMs must be a number ≥ 0');
  try {
    parseWebhookSecret(options.secret);
    return { url: parseWebhookUrl(options.url), timeoutMs, maxAttempts, backoffMs, maxRetryAfterMs };
  } catch (error) {
    // Both messages name the rule only, never the secret or the URL.
    fail(error instanceof Error ? error.message : 'invalid url or secret');
  }
}

/**
 * Delivers events to the merchant's endpoint as Standard Webhooks: a JSON POST of the event, signed
 * with `webhook-id` = the event's id (so receivers drop duplicates) and a fresh timestamp per attempt.
 *
 * A 2xx answer is delivered. Connection errors, timeouts, 5xx, 408, 409 and 429 are retried with
 * exponential backoff and jitter (a short `Retry-After` is honoured); other answers end the call at
 * once. Either way a failure throws {@link WebhookDeliveryError} and the outbox tries again later.
 * Each attempt has one deadline of `timeoutMs` from its start for connecting, the headers and the whole
 * answer (undici's own timeouts restart per phase and per chunk), and every answer body is read to the
 * end or destroyed, so no socket is left half-used.
 *
 * @throws TypeError at creation when an option is invalid (the message names it, never its value).
 * @example
 * ```ts
 * const target = createWebhookTarget({ url: 'https://shop.example.com/hooks/iamport', secret });
 * await target.deliver(event); // resolves once the merchant answered 2xx
 * ```
 */
export function createWebhookTarget(options: WebhookTargetOptions): WebhookTarget {
  const { url, timeoutMs, maxAttempts, backoffMs, maxRetryAfterMs } = resolveOptions(options);
  const { secret, now = Date.now, sleep = (ms: number) => delay(ms) } = options;
  const ownDispatcher = options.dispatcher === undefined;
  const dispatcher =
    options.dispatcher ??
    // A warm Lambda reuses its TLS connection; idle sockets go before typical load balancers drop them.
    new Agent(keepAlivePoolOptions(timeoutMs));

  async function attempt(event: OrderEvent, body: string): Promise<Attempt> {
    const signed = signWebhook({
      secret,
      id: webhookIdFor(event.id),
      timestamp: Math.floor(now() / 1000),
      body,
    });
    const headers = { 'content-type': 'application/json', 'user-agent': USER_AGENT, ...signed };
    const signal = AbortSignal.timeout(timeoutMs);
    let response: Dispatcher.ResponseData;
    try {
      response = await request(url, {
        dispatcher,
        method: 'POST',
        headers,
        body,
        signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
    } catch (error) {
      return {
        verdict: 'retry',
        status: undefined,
        reason: describeTransportFailure(error, timeoutMs),
        cause: error,
      };
    }
    // dump() reads the answer to its end (the deadline's signal destroys it, as does passing 128 KiB) and
    // never rejects, so the socket goes back to the pool or is closed, whatever the answer.
    await response.body.dump();
    const status = response.statusCode;
    const verdict = classifyStatus(status);
    if (verdict === 'delivered') return { verdict };
    const retryAfterMs = parseRetryAfter(response.headers['retry-after'], now());
    return { verdict, status, reason: `HTTP ${status}`, retryAfterMs };
  }

  return {
    name: 'webhook',
    async deliver(event) {
      const body = JSON.stringify(event);
      for (let count = 1; ; count += 1) {
        const result = await attempt(event, body);
        if (result.verdict === 'delivered') return;
        const failure = (why: string, retryable: boolean) =>
          new WebhookDeliveryError(
            `webhook delivery of ${event.type} ${event.id} failed after ${count} attempt(s): ${why}`,
            { status: result.status, attempts: count, retryable },
            { cause: result.cause },
          );
        if (result.verdict === 'reject') throw failure(`${result.reason}, not retried`, false);
        if (count >= maxAttempts) throw failure(result.reason, true);
        const { retryAfterMs = 0 } = result;
        if (retryAfterMs > maxRetryAfterMs) {
          throw failure(
            `${result.reason} with Retry-After ${Math.ceil(retryAfterMs / 1000)} s, left for later`,
            true,
          );
        }
        await sleep(Math.max(backoffDelay(count, backoffMs), retryAfterMs));
      }
    },
    close: () => (ownDispatcher ? dispatcher.close() : Promise.resolve()),
  };
}
