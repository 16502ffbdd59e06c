import { resolve } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { projectRoot } from '../../local/serverlessConfig';
import { runChaos } from './runChaos';
import { cloneOrdersTable } from './stack';

/**
 * The small version of `npm run chaos` inside `npm test`: 60 payments from a fixed seed under the same
 * 30% fault mix, with a shorter maximum age so never-paid orders expire within the test.
 */
describe('reliability under a 30% Iamport fault mix', () => {
  it('settles 60 payments with every invariant held', async () => {
    // Its own table: the sweeper must not pick up other suites' orders (nor theirs ours).
    const ordersTable = `chaos-${process.pid}-${Date.now()}-orders`;
    const dynamoEndpoint = inject('dynamoEndpoint');
    await cloneOrdersTable(dynamoEndpoint, inject('ordersTable'), ordersTable);

    const result = await runChaos({
      n: 60,
      seed: 7,
      dynamoEndpoint,
      ordersTable,
      concurrency: 24,
      consumers: 4,
      settings: { reconcileAfterSeconds: 1, retryBaseSeconds: 1, reconcileMaxAgeSeconds: 14 },
      drainTimeoutMs: 60_000,
      reportPath: resolve(projectRoot, 'test-results/chaos-report-small.md'),
    });

    const violated = result.invariants
      .filter((invariant) => invariant.violated > 0)
      .map(
        (invariant) =>
          `${invariant.name} (${invariant.violated}): ${invariant.examples.slice(0, 3).join('; ')}`,
      );
    expect(violated, result.report).toEqual([]);
    expect(result.ok).toBe(true);
    // The run really was chaotic: faults were injected, deliveries dropped, work retried.
    const underFaults = new Map(result.summary.apiStatusesUnderFaults);
    expect(
      (underFaults.get('503') ?? 0) + (underFaults.get('429') ?? 0) + (underFaults.get('499') ?? 0),
    ).toBeGreaterThan(0);
    expect(result.summary.dropped.browser + result.summary.dropped.webhookNotices).toBeGreaterThan(0);
    expect(result.summary.enqueued.some(([key]) => key === 'consumer: iamport_unavailable')).toBe(true);
  }, 120_000);
});
