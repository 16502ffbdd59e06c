import { resolve } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { projectRoot } from '../../local/serverlessConfig';
import { runChaos } from './runChaos';
import { cloneOrdersTable } from './stack';

/**
 * The small version of `npm run chaos` inside `npm test`: 60 payments (V1 and V2) and 8 second charges
 * from a fixed seed with every fault class on, crash points drawn more often than in the full run so
 * that a small run meets them, and a shorter maximum age so never-paid orders expire within the test.
 */
describe('reliability with a fault at every dependency and crashes mid-flight', () => {
  it('settles 60 payments and 8 second charges with every invariant held', async () => {
    // Its own table: the sweeper must not pick up other suites' orders (nor theirs ours).
    const ordersTable = `chaos-${process.pid}-${Date.now()}-orders`;
    const ledgerTable = `chaos-${process.pid}-${Date.now()}-ledger-checks`;
    const dynamoEndpoint = inject('dynamoEndpoint');
    await cloneOrdersTable(dynamoEndpoint, inject('ordersTable'), ordersTable);
    await cloneOrdersTable(dynamoEndpoint, inject('ledgerTable'), ledgerTable);

    const result = await runChaos({
      n: 60,
      seed: 7,
      dynamoEndpoint,
      ordersTable,
      ledgerTable,
      secondCharges: 8,
      concurrency: 24,
      consumers: 4,
      rates: { crash: 0.1 },
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
    // The run really was chaotic: faults at every dependency, crashes, deliveries dropped, work retried.
    const { summary } = result;
    const total = (counts: [string, number][]) => counts.reduce((sum, [, n]) => sum + n, 0);
    const portoneFaults = summary.apiStatusesUnderFaults.filter(([key]) => /\s(503|429|499)$/.test(key));
    expect(total(portoneFaults)).toBeGreaterThan(0);
    expect(total(summary.lostAnswers)).toBeGreaterThan(0);
    expect(total(summary.dynamo.injected)).toBeGreaterThan(0);
    expect(total(summary.sqs.injected)).toBeGreaterThan(0);
    expect(total(summary.redeliveries)).toBeGreaterThan(0);
    for (const sink of summary.sinks) {
      expect(sink.tally.some(([key]) => key.startsWith('fault'))).toBe(true);
    }
    expect(total(summary.crashes)).toBeGreaterThan(0);
    expect(summary.kinds.reduce((sum, kind) => sum + kind.v2, 0)).toBeGreaterThan(0);
    expect(summary.dropped.browser + summary.dropped.webhookNotices).toBeGreaterThan(0);
    // Work was queued because a provider was down, and the consumer queued work again; for which reason
    // the consumer re-queues depends on timing (a run on Node 22 met no Iamport outage in the consumer).
    expect(summary.enqueued.some(([key]) => key === 'entry point: iamport_unavailable')).toBe(true);
    expect(summary.enqueued.some(([key]) => key.startsWith('consumer: '))).toBe(true);
  }, 150_000);
});
