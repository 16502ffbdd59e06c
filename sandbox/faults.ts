/**
 * Scenario switch for "Iamport is down or slow". A drawn fault decides, before a call is handled,
 * whether it fails (and so cannot change any state) or is held back before being handled:
 *
 * | status | delay_ms | effect on a faulty call                                  |
 * |--------|----------|----------------------------------------------------------|
 * | -      | -        | immediate HTTP 503                                       |
 * | s      | -        | immediate HTTP s                                         |
 * | -      | d        | waits d ms, then is handled and answered normally        |
 * | s      | d        | waits d ms, then fails with HTTP s (a slow failure)      |
 */
export interface FaultSettings {
  /** Share of API calls affected, 0..1. */
  rate: number;
  status: number | null;
  delay_ms: number;
  /** Makes the sequence of faulty calls reproducible; null = Math.random. */
  seed: number | null;
}

export interface FaultDecision {
  delayMs: number;
  /** null = answer normally after the delay. */
  status: number | null;
}

export const defaultFaultStatus = 503;

/** mulberry32: tiny, fast, good enough to pick which calls fail. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export class FaultInjector {
  private settings: FaultSettings | null = null;
  private random: () => number = Math.random;

  set(settings: FaultSettings): void {
    this.settings = { ...settings };
    this.random = settings.seed === null ? Math.random : seeded(settings.seed);
  }

  clear(): void {
    this.settings = null;
    this.random = Math.random;
  }

  current(): FaultSettings | null {
    return this.settings ? { ...this.settings } : null;
  }

  /** null = this call is healthy. */
  draw(): FaultDecision | null {
    const s = this.settings;
    if (!s || s.rate <= 0 || this.random() >= s.rate) return null;
    if (s.status === null && s.delay_ms > 0) return { delayMs: s.delay_ms, status: null };
    return { delayMs: s.delay_ms, status: s.status ?? defaultFaultStatus };
  }
}
