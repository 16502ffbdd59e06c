import { defineConfig } from 'vitest/config';

const shared = {
  environment: 'node' as const,
  env: {
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    LOG_LEVEL: 'ERROR',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  },
};

export default defineConfig({
  test: {
    globalSetup: ['test/globalSetup.ts'],
    // Real servers on port 0; two workers match CI's two cores.
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      {
        test: {
          ...shared,
          name: 'fast',
          include: [
            'test/unit/**/*.test.ts',
            'test/sandbox/**/*.test.ts',
            'test/local/**/*.test.ts',
            'test/fuzz/**/*.test.ts',
          ],
          testTimeout: 10_000,
        },
      },
      {
        test: {
          ...shared,
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/chaos/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          sequence: { groupOrder: 1 },
        },
      },
      {
        // Whole stacks (npm start, serverless package, a browser): one at a time, after the rest, so
        // their cold starts are not measured against two other suites on two cores.
        test: {
          ...shared,
          name: 'system',
          include: ['test/e2e/**/*.test.ts', 'test/deploy/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
