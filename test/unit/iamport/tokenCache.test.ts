import { describe, expect, it, vi } from 'vitest';
import { IamportMalformedResponseError, IamportUnavailableError } from '../../../shared/iamport';
import { createTokenCache } from '../../../shared/iamport/tokenCache';
import type { TokenResponse } from '../../../shared/iamport/types';

const serverNow = 1_700_000_000;

function answer(token: string, lifetimeSeconds = 1800): TokenResponse {
  return { access_token: token, now: serverNow, expired_at: serverNow + lifetimeSeconds };
}

function rig(fetchToken: () => Promise<TokenResponse>, safetyMarginSeconds = 60) {
  const clock = { ms: 5 };
  const fetch = vi.fn(fetchToken);
  const cache = createTokenCache({ fetchToken: fetch, safetyMarginSeconds, now: () => clock.ms });
  return { clock, fetch, cache };
}

describe('createTokenCache', () => {
  it('shares one refresh among 100 concurrent callers', async () => {
    const { fetch, cache } = rig(async () => answer('t1'));

    const tokens = await Promise.all(Array.from({ length: 100 }, () => cache.get()));

    expect(fetch).toHaveBeenCalledTimes(1);
    expect(new Set(tokens)).toEqual(new Set(['t1']));
  });

  it('keeps the token for expired_at - now minus the margin, counted from when it arrived', async () => {
    let issued = 0;
    const { clock, fetch, cache } = rig(async () => answer(`t${++issued}`, 1800));

    expect(await cache.get()).toBe('t1');
    clock.ms += (1800 - 60) * 1000 - 1;
    expect(await cache.get()).toBe('t1');
    clock.ms += 1;
    expect(await cache.get()).toBe('t2');
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('reads the lifetime from the server clock only, however far ours is from it', async () => {
    const { clock, fetch, cache } = rig(async () => ({ access_token: 't', now: 42, expired_at: 342 }), 0);
    clock.ms = 9_999_999_999;

    await cache.get();
    clock.ms += 299_999;
    await cache.get();
    expect(fetch).toHaveBeenCalledTimes(1);
    clock.ms += 1;
    await cache.get();
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('does not cache a failed refresh: every waiting caller gets the error, the next call retries', async () => {
    const failure = new IamportUnavailableError('getToken: connection failed');
    const { fetch, cache } = rig(async () => answer('t1'));
    fetch.mockRejectedValueOnce(failure);

    const results = await Promise.allSettled([cache.get(), cache.get(), cache.get()]);

    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(await cache.get()).toBe('t1');
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('hands out a token whose lifetime is within the margin but does not keep it', async () => {
    const { fetch, cache } = rig(async () => answer('short', 30), 60);

    expect(await cache.get()).toBe('short');
    expect(await cache.get()).toBe('short');
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('refuses a token that expires before it was issued', async () => {
    const { cache } = rig(async () => answer('dead', 0));

    await expect(cache.get()).rejects.toBeInstanceOf(IamportMalformedResponseError);
  });

  it('invalidates only the token it is told about', async () => {
    let issued = 0;
    const { fetch, cache } = rig(async () => answer(`t${++issued}`));

    await cache.get();
    cache.invalidate('t1');
    expect(await cache.get()).toBe('t2');
    // A caller still holding the old token must not throw away the one a refresh already replaced it with.
    cache.invalidate('t1');
    expect(await cache.get()).toBe('t2');
    expect(fetch).toHaveBeenCalledTimes(2);
  });
});
