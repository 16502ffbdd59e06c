import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Runs the fuzz suite alone, without the root config's global setup (dynalite): every property here
 * uses in-memory fakes.
 *
 * - `npx vitest run --config test/fuzz/vitest.config.ts`: the small version, as `npm test` runs it
 *   (100 to 300 inputs per route property).
 * - `npm run fuzz`: the full version (`FUZZ_PROFILE=full`, test/fuzz/main.ts): at least 10,000 generated
 *   inputs per HTTP route of serverless.yml, counted per route and written to docs/fuzz-report.md with
 *   the seed; about 3 minutes on 2 cores. `FUZZ_SEED=<seed> npm run fuzz` replays a run.
 * - `FUZZ_RUNS=<n>` sets every property's inputs, `FUZZ_SEED=<seed>` replays one seed, in either.
 */
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    name: 'fuzz',
    environment: 'node',
    include: ['test/fuzz/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    // A property of the full run makes 10,000 requests in one test.
    testTimeout: process.env.FUZZ_PROFILE === 'full' ? 900_000 : 60_000,
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      LOG_LEVEL: 'ERROR',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    },
  },
});
