/**
 * The sandbox's notion of "now". Everything time-dependent (token expiry, payment timestamps, logs)
 * reads this clock, so a test can move time forward instead of sleeping.
 */
export interface SandboxClock {
  /** Milliseconds since the epoch, offset by any `advance`/`set`. */
  now(): number;
  /** Integer unix seconds, the unit Iamport uses everywhere. */
  nowSeconds(): number;
  advance(seconds: number): void;
  /** Jump to an absolute time (ms); later readings keep flowing from there. */
  set(ms: number): void;
  reset(): void;
  /**
   * Calls `listener` after every jump (`advance`, `set`, `reset`), so work due on the sandbox clock (V2
   * webhook retries) runs when a test moves time instead of waiting for the wall clock. Returns the unsubscribe.
   */
  onJump(listener: () => void): () => void;
}

export function createClock(base: () => number = Date.now): SandboxClock {
  let offsetMs = 0;
  const now = (): number => base() + offsetMs;
  const listeners = new Set<() => void>();
  const jumped = (): void => {
    for (const listener of [...listeners]) listener();
  };
  return {
    now,
    nowSeconds: () => Math.floor(now() / 1000),
    advance(seconds) {
      if (!Number.isFinite(seconds)) throw new RangeError('advance(seconds) needs a finite number');
      offsetMs += seconds * 1000;
      jumped();
    },
    set(ms) {
      if (!Number.isFinite(ms)) throw new RangeError('set(ms) needs a finite number');
      offsetMs = ms - base();
      jumped();
    },
    reset() {
      offsetMs = 0;
      jumped();
    },
    onJump(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
