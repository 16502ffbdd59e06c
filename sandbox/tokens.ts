import { randomBytes, timingSafeEqual } from 'node:crypto';

/** Iamport's documented token rules: 30 min life, reuse before expiry, +5 min in the last minute. */
export const tokenLifetimeSeconds = 1800;
export const extensionWindowSeconds = 60;
export const extensionSeconds = 300;

export interface IssuedToken {
  access_token: string;
  now: number;
  expired_at: number;
}

interface ActiveToken {
  token: string;
  expiredAt: number;
}

export interface Credentials {
  apiKey: string;
  apiSecret: string;
}

/** Compares in constant time, so a caller cannot learn a secret by timing; the V2 API's check uses it too. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * One active token per key pair, so that many servers of one merchant share it, exactly as Iamport
 * describes. The extension is counted from the old expiry ("old expiry + 5 min"); the README notes
 * that the sources leave this open.
 */
export class TokenIssuer {
  private active: ActiveToken | null = null;

  constructor(private readonly credentials: Credentials) {}

  accepts(apiKey: string, apiSecret: string): boolean {
    return apiKey === this.credentials.apiKey && sameSecret(apiSecret, this.credentials.apiSecret);
  }

  /** Call only with accepted credentials; `now` is unix seconds from the sandbox clock. */
  issue(now: number): IssuedToken {
    const current = this.active;
    if (current && now < current.expiredAt) {
      if (current.expiredAt - now < extensionWindowSeconds) current.expiredAt += extensionSeconds;
      return { access_token: current.token, now, expired_at: current.expiredAt };
    }
    const next = { token: randomBytes(20).toString('hex'), expiredAt: now + tokenLifetimeSeconds };
    this.active = next;
    return { access_token: next.token, now, expired_at: next.expiredAt };
  }

  /** A token is valid strictly before its `expired_at`. */
  isValid(token: string, now: number): boolean {
    const current = this.active;
    return current !== null && now < current.expiredAt && sameSecret(token, current.token);
  }

  clear(): void {
    this.active = null;
  }
}

/**
 * The token may come as `Authorization: <t>` (official Python/Node/Java/Go clients),
 * `Authorization: Bearer <t>` (current docs, PHP client) or the legacy `X-ImpTokenHeader: <t>`.
 * When both headers are present, `Authorization` wins.
 */
export function tokenFromHeaders(headers: Record<string, string | string[] | undefined>): string | null {
  const first = (v: string | string[] | undefined): string =>
    (Array.isArray(v) ? (v[0] ?? '') : (v ?? '')).trim();
  const authorization = first(headers.authorization);
  if (authorization !== '') return authorization.replace(/^bearer\s+/i, '').trim() || null;
  return first(headers['x-imptokenheader']) || null;
}
