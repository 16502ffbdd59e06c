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
}

export function createClock(base: () => number = Date.now): SandboxClock {
  let offsetMs = 0;
  const now = (): number => base() + offsetMs;
  return {
    now,
    nowSeconds: () => Math.floor(now() / 1000),
    advance(seconds) {
      if (!Number.isFinite(seconds)) throw new RangeError('advance(seconds) needs a finite number');
      offsetMs += seconds * 1000;
    },
    set(ms) {
      if (!Number.isFinite(ms)) throw new RangeError('set(ms) needs a finite number');
      offsetMs = ms - base();
    },
    reset() {
      offsetMs = 0;
    },
  };
}
