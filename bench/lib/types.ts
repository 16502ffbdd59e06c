import type { Infra } from './infra';

/** What every benchmark gets from `bench/run.ts`. */
export interface BenchContext {
  quick: boolean;
  /** The shared services (dynalite, sandbox, event receiver), started once per run. */
  infra(): Promise<Infra>;
  log(message: string): void;
}

/** One target of the issue, judged from measured figures. */
export interface TargetVerdict {
  target: string;
  met: boolean;
  measured: string;
  /** What stands in the way when not met, or how the figure was obtained. */
  note?: string;
}

export interface BenchOutcome {
  /** Markdown section for BENCHMARKS.md (starting with a `##` heading). */
  section: string;
  targets: TargetVerdict[];
  /** Machine-readable figures, written to `bench/results/latest.json`. */
  figures: Record<string, unknown>;
}

export interface Benchmark {
  name: string;
  title: string;
  run(context: BenchContext): Promise<BenchOutcome>;
}
