import { type Dispatcher, Pool } from 'undici';
import { keepAlivePoolOptions } from '../net/keepAlive';

/** How to reach Iamport and with which keys. */
export interface IamportClientOptions {
  /** `https://api.iamport.kr` (config `IAMPORT_BASE_URL`); a path prefix is kept, a trailing slash is not. */
  baseUrl: string | URL;
  /** REST API key, `imp_key` (config `IAMPORT_API_KEY`). */
  apiKey: string;
  /** REST API secret, `imp_secret` (config `IAMPORT_API_SECRET`). Never logged or put in an error. */
  apiSecret: string;
  /**
   * Deadline of one HTTP exchange: connecting, the headers and the whole body (config `IAMPORT_TIMEOUT_MS`).
   * @default 5000
   */
  timeoutMs?: number;
  /**
   * Transport to use instead of the client's own keep-alive `Pool` (a `MockAgent` in tests, a shared
   * `Agent`). The caller owns it: `close()` leaves an injected dispatcher open.
   */
  dispatcher?: Dispatcher;
  /**
   * Sends `include_sandbox=true` on `GET /payments/{imp_uid}` so test-channel payments are visible.
   * Leave off in production: test-channel payments are the documented abuse vector.
   * @default false
   */
  includeSandbox?: boolean;
  /**
   * Seconds before the server-given expiry at which a cached token is no longer used. Keep it ≤ 60.
   * @default 60
   */
  tokenSafetyMarginSeconds?: number;
  /** Monotonic clock in milliseconds, for tests. @default performance.now */
  now?: () => number;
}

/** The defaults of {@link IamportClientOptions}. */
export const IAMPORT_CLIENT_DEFAULTS = Object.freeze({
  timeoutMs: 5000,
  includeSandbox: false,
  tokenSafetyMarginSeconds: 60,
});

/** Options after validation, with defaults applied and the base URL split for undici. @internal */
export interface ResolvedOptions {
  origin: string;
  basePath: string;
  apiKey: string;
  apiSecret: string;
  timeoutMs: number;
  includeSandbox: boolean;
  tokenSafetyMarginSeconds: number;
  now: () => number;
}

/** Messages name the option, never its value: two of them are secrets. */
function fail(message: string): never {
  throw new TypeError(`createIamportClient: ${message}`);
}

function parseBaseUrl(baseUrl: string | URL): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    fail('baseUrl must be an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') fail('baseUrl must be an http(s) URL');
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    fail('baseUrl must not carry a query, a fragment or credentials');
  }
  return url;
}

/**
 * Validates the options once, when the client is built, so a bad configuration fails at cold start.
 * @internal
 */
export function resolveOptions(options: IamportClientOptions): ResolvedOptions {
  const url = parseBaseUrl(options.baseUrl);
  if (typeof options.apiKey !== 'string' || options.apiKey === '') fail('apiKey must be a non-empty string');
  if (typeof options.apiSecret !== 'string' || options.apiSecret === '') {
    fail('apiSecret must be a non-empty string');
  }
  const timeoutMs = options.timeoutMs ?? IAMPORT_CLIENT_DEFAULTS.timeoutMs;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) fail('timeoutMs must be a positive integer');
  const margin = options.tokenSafetyMarginSeconds ?? IAMPORT_CLIENT_DEFAULTS.tokenSafetyMarginSeconds;
  if (!Number.isFinite(margin) || margin < 0) fail('tokenSafetyMarginSeconds must be a number ≥ 0');
  return {
    origin: url.origin,
    basePath: url.pathname.replace(/\/+$/, ''),
    apiKey: options.apiKey,
    apiSecret: options.apiSecret,
    timeoutMs,
    includeSandbox: options.includeSandbox ?? IAMPORT_CLIENT_DEFAULTS.includeSandbox,
    tokenSafetyMarginSeconds: margin,
    now: options.now ?? (() => performance.now()),
  };
}

/** The client's own transport: one keep-alive `Pool` per origin (shared/net/keepAlive.ts). @internal */
export function createDefaultDispatcher({ origin, timeoutMs }: ResolvedOptions): Dispatcher {
  return new Pool(origin, keepAlivePoolOptions(timeoutMs));
}
