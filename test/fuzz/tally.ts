/**
 * How many generated inputs each HTTP route was fuzzed with, counted where the property runs (not where
 * fast-check is configured: an input a filter dropped never reached the route, and a shrink did). Each
 * test file keeps its own tally and, when `FUZZ_TALLY_DIR` is set (`npm run fuzz`), writes it there for
 * the report.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { FuzzedRoute, TallyEntry } from './fuzzedRoutes';

export { FULL_RUNS_PER_ROUTE, FUZZED_ROUTES, type FuzzedRoute, type TallyEntry } from './fuzzedRoutes';

const counts = new Map<string, TallyEntry>();

/** Counts one generated input sent to `route` by the property that is running now. */
export function countInput(route: FuzzedRoute): void {
  const property = expect.getState().currentTestName ?? 'unnamed';
  const key = `${route}\n${property}`;
  const entry = counts.get(key);
  if (entry) entry.inputs += 1;
  else counts.set(key, { route, property, inputs: 1 });
}

/** Writes this file's tally to `FUZZ_TALLY_DIR/<name>.json`; a no-op without it. Call in `afterAll`. */
export function saveTally(name: string): void {
  const dir = process.env.FUZZ_TALLY_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify([...counts.values()], null, 2)}\n`);
}
