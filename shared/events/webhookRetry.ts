/**
 * When to try a webhook again, and after how long. Pure functions; the target composes them.
 * @internal
 */

/** What one answer means for the delivery. @internal */
export type StatusVerdict = 'delivered' | 'retry' | 'reject';

/**
 * 2xx is delivered. 5xx, 429 (slow down), 408 (the server timed out reading us) and 409 (a receiver
 * busy with the same id, e.g. a lock held by an earlier attempt) may succeed later. Any other answer,
 * redirects included, is about the request itself and would fail the same way again: redirects are not
 * followed, since that would send a signed event somewhere the merchant did not configure.
 * @internal
 */
export function classifyStatus(status: number): StatusVerdict {
  if (status >= 200 && status < 300) return 'delivered';
  if (status >= 500 || status === 408 || status === 409 || status === 429) return 'retry';
  return 'reject';
}

/**
 * `Retry-After` in milliseconds from now (delta-seconds or an HTTP date), or undefined when absent or
 * unreadable. A date in the past means "now".
 * @internal
 */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (text === undefined || text === '') return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP date names its day and month; Date.parse would also read '-5' or '2' as years.
  const at = /[A-Za-z]/.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/**
 * Exponential backoff with "equal jitter": half of `baseMs · 2^(attempt-1)` for sure, the other half
 * random, so receivers recovering from an outage are not hit by every sender in the same millisecond.
 * @param attempt the attempt that just failed, from 1.
 * @internal
 */
export function backoffDelay(attempt: number, baseMs: number, random: () => number = Math.random): number {
  const ceiling = baseMs * 2 ** (attempt - 1);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
