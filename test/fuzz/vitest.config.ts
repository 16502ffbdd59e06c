import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Runs the fuzz suite alone, without the root config's global setup (dynalite): every property here
 * uses in-memory fakes. `npx vitest run --config test/fuzz/vitest.config.ts`; `FUZZ_RUNS=5000` for more.
 */
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    name: 'fuzz',
    environment: 'node',
    include: ['test/fuzz/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      LOG_LEVEL: 'ERROR',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    },
  },
});
