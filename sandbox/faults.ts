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
 *
 * `lose_answer` is the one fault that happens after the call: it is handled normally (after `delay_ms`, if
 * any), so its effect is real (a cancel went through), and then its answer is lost: the connection closes
 * without one. `status` is then unused.
 *
 * With a `mix`, each faulty call picks one entry by weight and applies the same table to it, so one
 * setting can mix outages, rate limits and timeouts.
 */
export interface FaultSettings {
  /** Share of API calls affected, 0..1. */
  rate: number;
  status: number | null;
  delay_ms: number;
  /** Makes the sequence of faulty calls reproducible; null = Math.random. */
  seed: number | null;
  /** Kinds of fault a faulty call picks from by weight; `status` and `delay_ms` are then unused. */
  mix?: FaultMixEntry[];
  /** Handle the call, then drop its answer. */
  lose_answer?: boolean;
}

/** One kind of fault in a mix: the same meaning as the top-level `status` and `delay_ms`. */
export interface FaultMixEntry {
  status: number | null;
  delay_ms: number;
  /** Relative share among the mix's entries, > 0. */
  weight: number;
  /** Handle the call, then drop its answer. */
  lose_answer?: boolean;
}

export interface FaultDecision {
  delayMs: number;
  /** null = answer normally after the delay. */
  status: number | null;
  /** Handle the call normally (after the delay), then close the connection without its answer. */
  loseAnswer: boolean;
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

function decisionOf(status: number | null, delayMs: number, loseAnswer = false): FaultDecision {
  if (loseAnswer) return { delayMs, status: null, loseAnswer };
  if (status === null && delayMs > 0) return { delayMs, status: null, loseAnswer };
  return { delayMs, status: status ?? defaultFaultStatus, loseAnswer };
}

/** The entry that `draw` (uniform in [0, 1)) falls on, each entry taking its weight's share. */
function pick(mix: readonly FaultMixEntry[], draw: number): FaultMixEntry | undefined {
  const total = mix.reduce((sum, entry) => sum + entry.weight, 0);
  let point = draw * total;
  for (const entry of mix) {
    if (point < entry.weight) return entry;
    point -= entry.weight;
  }
  // Rounding can leave the point a hair past the last boundary.
  return mix.at(-1);
}

function copy(settings: FaultSettings): FaultSettings {
  const { mix, ...rest } = settings;
  return mix ? { ...rest, mix: mix.map((entry) => ({ ...entry })) } : { ...rest };
}

export class FaultInjector {
  private settings: FaultSettings | null = null;
  private random: () => number = Math.random;

  set(settings: FaultSettings): void {
    this.settings = copy(settings);
    this.random = settings.seed === null ? Math.random : seeded(settings.seed);
  }

  clear(): void {
    this.settings = null;
    this.random = Math.random;
  }

  current(): FaultSettings | null {
    return this.settings ? copy(this.settings) : null;
  }

  /**
   * null = this call is healthy. One draw decides whether a call is faulty; a faulty call of a mix
   * takes a second draw for its entry, so a seed fixes both the faulty calls and their kinds.
   */
  draw(): FaultDecision | null {
    const s = this.settings;
    if (!s || s.rate <= 0 || this.random() >= s.rate) return null;
    if (s.mix && s.mix.length > 0) {
      const entry = pick(s.mix, this.random());
      if (entry) return decisionOf(entry.status, entry.delay_ms, entry.lose_answer);
    }
    return decisionOf(s.status, s.delay_ms, s.lose_answer);
  }
}
