import { IamportMalformedResponseError } from './errors';
import type { TokenResponse } from './types';

/** What the cache needs to work; the client wires `fetchToken` to `POST /users/getToken`. @internal */
export interface TokenCacheOptions {
  fetchToken: () => Promise<TokenResponse>;
  /** Seconds taken off the server-given lifetime, so a token is never sent in its last moments. */
  safetyMarginSeconds: number;
  /** Monotonic milliseconds (`performance.now()`); only differences between two readings matter. */
  now: () => number;
}

/** @internal */
export interface TokenCache {
  /** The cached token while it is fresh, else one shared refresh for every concurrent caller. */
  get(): Promise<string>;
  /** Forgets `token` after Iamport rejected it; a token a concurrent refresh already replaced stays. */
  invalidate(token: string): void;
  clear(): void;
}

interface CachedToken {
  token: string;
  /** On our monotonic clock. */
  validUntil: number;
}

/**
 * Caches the Iamport access token of one key pair.
 *
 * The lifetime comes from the server alone (`expired_at - now`, both server seconds), so a skewed or
 * unsynchronised Lambda clock cannot stretch it; it is then counted on our monotonic clock from the moment
 * the answer arrived, minus the safety margin. A lifetime shorter than the margin is handed to the callers
 * waiting for it but not cached. A failed refresh caches nothing, so the next call tries again.
 *
 * Keep the margin at or under 60 s: Iamport answers a getToken with the *same* token until less than a
 * minute is left (then it adds 5 minutes), so a larger margin would refetch that same token on every call.
 * @internal
 */
export function createTokenCache({ fetchToken, safetyMarginSeconds, now }: TokenCacheOptions): TokenCache {
  let cached: CachedToken | undefined;
  let inflight: Promise<string> | undefined;

  async function refresh(): Promise<string> {
    const answer = await fetchToken();
    const receivedAt = now();
    const lifetimeSeconds = answer.expired_at - answer.now;
    if (lifetimeSeconds <= 0) {
      throw new IamportMalformedResponseError('getToken: the token expires before it was issued');
    }
    cached = {
      token: answer.access_token,
      validUntil: receivedAt + (lifetimeSeconds - safetyMarginSeconds) * 1000,
    };
    return answer.access_token;
  }

  return {
    get() {
      if (cached !== undefined && now() < cached.validUntil) return Promise.resolve(cached.token);
      if (inflight === undefined) {
        inflight = refresh().finally(() => {
          inflight = undefined;
        });
      }
      return inflight;
    },
    invalidate(token) {
      if (cached?.token === token) cached = undefined;
    },
    clear() {
      cached = undefined;
    },
  };
}
