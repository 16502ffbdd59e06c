/** A mode of a client benchmark: how many calls are in flight at once. */
export interface InFlightMode {
  readonly name: string;
  readonly inFlight: number;
}

/**
 * The client benchmarks' runs: one untimed warm-up pass per contender (module loading, JIT, the
 * server's own warm-up), then `runs` rounds in which every mode measures every contender, the order of
 * contenders rotated each round so none always runs first. Figures by `mode|contender`.
 */
export async function interleavedRuns<C extends { name: string }, F>(options: {
  contenders: readonly C[];
  modes: readonly InFlightMode[];
  runs: number;
  warmUp(contender: C): Promise<unknown>;
  measure(contender: C, mode: InFlightMode): Promise<F>;
  describe(figures: F): string;
  log(message: string): void;
}): Promise<Map<string, F[]>> {
  const { contenders, modes, runs } = options;
  const results = new Map<string, F[]>();
  for (const contender of contenders) await options.warmUp(contender);
  for (let run = 0; run < runs; run++) {
    for (const mode of modes) {
      const order = contenders.map((_, i) => contenders[(i + run) % contenders.length] as C);
      for (const contender of order) {
        const figures = await options.measure(contender, mode);
        const key = resultKey(mode.name, contender.name);
        results.set(key, [...(results.get(key) ?? []), figures]);
        options.log(`  run ${run + 1}/${runs} ${mode.name} ${contender.name}: ${options.describe(figures)}`);
      }
    }
  }
  return results;
}

export const resultKey = (mode: string, contender: string) => `${mode}|${contender}`;
