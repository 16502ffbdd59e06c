import { type Dispatcher, Pool } from 'undici';
import { splitBaseUrl } from '../net/baseUrl';
import { keepAlivePoolOptions } from '../net/keepAlive';
import { requireId } from './ids';

/** How to reach PortOne V2 and with which secret. */
export interface PortOneClientOptions {
  /** A path prefix is kept, a trailing slash is not. @default 'https://api.portone.io' */
  baseUrl?: string | URL;
  /** The V2 API secret, sent as `Authorization: PortOne <secret>`. Never logged or put in an error. */
  secret: string;
  /** The store every call names unless it gives its own; omit when the secret has a single store. */
  storeId?: string;
  /**
   * Deadline of one HTTP exchange: connecting, the headers and the whole body. PortOne suggests 60 s
   * because a cancel waits for the PG; we stay well under API Gateway's 29 s instead, which is safe
   * because a timed-out POST is retried with the same idempotency key and replays the first outcome.
   * @default 10000
   */
  timeoutMs?: number;
  /**
   * Transport to use instead of the client's own keep-alive `Pool` (a `MockAgent` in tests, a shared
   * `Agent`). The caller owns it: `close()` leaves an injected dispatcher open.
   */
  dispatcher?: Dispatcher;
}

/** The defaults of {@link PortOneClientOptions}. */
export const PORTONE_CLIENT_DEFAULTS = Object.freeze({
  baseUrl: 'https://api.portone.io',
  timeoutMs: 10_000,
});

/** Options after validation, with defaults applied and the base URL split for undici. @internal */
export interface ResolvedOptions {
  origin: string;
  basePath: string;
  secret: string;
  storeId: string | undefined;
  timeoutMs: number;
}

/** Messages name the option, never its value: one of them is the secret. */
function fail(message: string): never {
  throw new TypeError(`createPortOneClient: ${message}`);
}

/**
 * Validates the options once, when the client is built, so a bad configuration fails at cold start.
 * @internal
 */
export function resolveOptions(options: PortOneClientOptions): ResolvedOptions {
  const url = splitBaseUrl(options.baseUrl ?? PORTONE_CLIENT_DEFAULTS.baseUrl);
  if ('problem' in url) fail(url.problem);
  // Visible ASCII only: anything else cannot be a header value, and a CR/LF would split the header.
  if (typeof options.secret !== 'string' || !/^[\x21-\x7e]+$/.test(options.secret)) {
    fail('secret must be a non-empty string of visible ASCII characters');
  }
  if (options.storeId !== undefined) {
    try {
      requireId(options.storeId, 'storeId');
    } catch {
      fail('storeId must be a non-empty id without surrounding whitespace or control characters');
    }
  }
  const timeoutMs = options.timeoutMs ?? PORTONE_CLIENT_DEFAULTS.timeoutMs;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) fail('timeoutMs must be a positive integer');
  return {
    origin: url.origin,
    basePath: url.basePath,
    secret: options.secret,
    storeId: options.storeId,
    timeoutMs,
  };
}

/** The client's own transport: one keep-alive `Pool` for PortOne's origin. @internal */
export function createDefaultDispatcher({ origin, timeoutMs }: ResolvedOptions): Dispatcher {
  return new Pool(origin, keepAlivePoolOptions(timeoutMs));
}
