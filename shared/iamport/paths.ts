import { IamportInvalidRequestError } from './errors';

/**
 * Refuses an id that is not a string or is blank, before anything is sent: Iamport would read a blank
 * `imp_uid` in a cancel as "not given" and fall back to `merchant_uid`, or hit another route in a path.
 * @internal
 */
export function requireId(value: string, name: string): void {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new IamportInvalidRequestError(`${name} must be a non-empty string`);
  }
}

/**
 * Encodes one caller-supplied value (an `imp_uid`, a `merchant_uid`, a status) as exactly one path segment.
 *
 * `encodeURIComponent` turns `/`, `?`, `#` and `%` into escapes, so `../x` or `a?b` stays inside its segment.
 * It leaves `.` alone, and URL normalisers (WHATWG URL, proxies) treat `.`, `..` and even `%2e%2e` as dot
 * segments that climb the path, so those two values are refused outright; no real id looks like that.
 * An empty value would silently hit another route (`/payments/`, `/payments/find/`), so it is refused too.
 *
 * @example
 * pathSegment('imp_123', 'imp_uid'); // 'imp_123'
 * pathSegment('a/b', 'merchant_uid'); // 'a%2Fb'
 * @internal
 */
export function pathSegment(value: string, name: string): string {
  requireId(value, name);
  if (value === '.' || value === '..') {
    throw new IamportInvalidRequestError(`${name} must not be a dot segment`);
  }
  return encodeURIComponent(value);
}

/**
 * Joins the path of the configured base URL (usually empty; a prefix when Iamport sits behind a gateway)
 * with an API path and an optional query. Never passed through `new URL()`, which would normalise it.
 * @internal
 */
export function buildPath(basePath: string, path: string, query?: Record<string, string>): string {
  const search = query === undefined ? '' : new URLSearchParams(query).toString();
  return `${basePath}${path}${search === '' ? '' : `?${search}`}`;
}
