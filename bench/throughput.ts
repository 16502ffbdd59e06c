/**
 * Verifications per second and latency through the real HTTP stack: POST /payments/complete served
 * over node:http by our deployed handler module (our Iamport client → sandbox over HTTP, DynamoDB store →
 * dynalite), against the guide-pattern reference on the same services, driven by the same autocannon
 * load. Every request verifies a different payment created beforehand (a first `paid` for a pending
 * order: the hot path). Round trips are counted by the servers during each run.
 */

import { drive } from './lib/drive';
import { type Counts, sum } from './lib/infra';
import { seedPaidOrders } from './lib/seed';
import { fmt, median, percentile, ratio, times, withRange } from './lib/stats';
import { describeSut, type Sut, type SutOptions, startSut } from './lib/sut';
import { markdownTable, printTable } from './lib/table';
import type { Benchmark, BenchOutcome } from './lib/types';

const VARIANTS: SutOptions[] = [
  { kind: 'ours', fn: 'complete' },
  { kind: 'reference', fn: 'complete' },
  { kind: 'ours', fn: 'complete', eventTarget: true },
];

interface RunFigures {
  completed: number;
  perSecond: number;
  p50: number;
  p99: number;
  failures: number;
  /** CPU milliseconds per verification: the server under test, and the services it called. */
  sutCpuMs: number;
  servicesCpuMs: number;
  dynamoPerVerification: number;
  iamportPerVerification: number;
  counts: Counts;
}

export const throughput: Benchmark = {
  name: 'throughput',
  title: 'Verifications per second through the HTTP stack',
  async run(context): Promise<BenchOutcome> {
    const infra = await context.infra();
    const runs = context.quick ? 2 : 5;
    const requests = context.quick ? 300 : 1500;
    const connections = 32;
    const warmup = context.quick ? 100 : 300;
    const results = new Map<SutOptions, RunFigures[]>(VARIANTS.map((variant) => [variant, []]));
    const suts = new Map<SutOptions, Sut>();
    try {
      for (const variant of VARIANTS) {
        const sut = await startSut(infra.info, variant);
        suts.set(variant, sut);
        // Warm-up: JIT, the token cache and the connection pools, on payments of their own.
        const payments = await seedPaidOrders(
          { doc: infra.doc, ...infra.info },
          `warm_${variant.kind}_${variant.eventTarget ? 'ev' : 'no'}`,
          warmup + connections + 1,
        );
        await drive({
          url: sut.info.url,
          path: '/payments/complete',
          connections,
          amount: warmup,
          payments,
          body,
        });
      }
      for (let run = 0; run < runs; run++) {
        // Rotate which variant goes first, so drift (GC, dynalite growing) hits each alike.
        const order = VARIANTS.map((_, i) => VARIANTS[(i + run) % VARIANTS.length] as SutOptions);
        for (const variant of order) {
          const sut = suts.get(variant) as Sut;
          const payments = await seedPaidOrders(
            { doc: infra.doc, ...infra.info },
            `tp_${run}_${variant.kind}_${variant.eventTarget ? 'ev' : 'no'}`,
            requests + connections + 1,
          );
          await infra.call('reset', null);
          const [sutCpu, servicesCpu] = [await sut.cpuMs(), await infra.cpuMs()];
          const result = await drive({
            url: sut.info.url,
            path: '/payments/complete',
            connections,
            amount: requests,
            payments,
            body,
          });
          const counts = await infra.call('counts', null);
          const [sutCpuAfter, servicesCpuAfter] = [await sut.cpuMs(), await infra.cpuMs()];
          const figures: RunFigures = {
            sutCpuMs: (sutCpuAfter - sutCpu) / result.completed,
            servicesCpuMs: (servicesCpuAfter - servicesCpu) / result.completed,
            completed: result.completed,
            perSecond: result.perSecond,
            p50: percentile(result.latencies, 50),
            p99: percentile(result.latencies, 99),
            failures: result.non2xx + result.errors + result.timeouts,
            dynamoPerVerification: sum(counts.dynamo) / result.completed,
            iamportPerVerification: sum(counts.iamport) / result.completed,
            counts,
          };
          results.get(variant)?.push(figures);
          context.log(
            `  run ${run + 1}/${runs} ${describeSut(variant)}: ${fmt(figures.perSecond)}/s p50 ${fmt(figures.p50, 1)} ms p99 ${fmt(figures.p99, 1)} ms`,
          );
        }
      }
    } finally {
      for (const sut of suts.values()) await sut.stop();
    }

    const ours = results.get(VARIANTS[0] as SutOptions) ?? [];
    const reference = results.get(VARIANTS[1] as SutOptions) ?? [];
    const medianOf = (list: RunFigures[], pick: (run: RunFigures) => number) => median(list.map(pick));
    const throughputRatio = ratio(
      medianOf(ours, (r) => r.perSecond),
      medianOf(reference, (r) => r.perSecond),
    );
    const p99Ratio = ratio(
      medianOf(ours, (r) => r.p99),
      medianOf(reference, (r) => r.p99),
    );
    const cpuRatio = ratio(
      medianOf(ours, (r) => r.sutCpuMs),
      medianOf(reference, (r) => r.sutCpuMs),
    );
    const p50Ratio = ratio(
      medianOf(ours, (r) => r.p50),
      medianOf(reference, (r) => r.p50),
    );

    const table = {
      headers: [
        'implementation',
        'verifications/s',
        'p50 ms',
        'p99 ms',
        'failed',
        'server CPU ms / verification',
        'services CPU ms / verification',
        'DynamoDB req / verification',
        'Iamport calls / verification',
      ],
      alignRight: [1, 2, 3, 4, 5, 6, 7, 8],
      rows: VARIANTS.map((variant) => {
        const list = results.get(variant) ?? [];
        return [
          describeSut(variant),
          withRange(list.map((r) => r.perSecond)),
          withRange(
            list.map((r) => r.p50),
            1,
          ),
          withRange(
            list.map((r) => r.p99),
            1,
          ),
          fmt(list.reduce((total, r) => total + r.failures, 0)),
          withRange(
            list.map((r) => r.sutCpuMs),
            2,
          ),
          withRange(
            list.map((r) => r.servicesCpuMs),
            2,
          ),
          `${fmt(
            medianOf(list, (r) => r.dynamoPerVerification),
            2,
          )} (${opsOf(list)})`,
          `${fmt(
            medianOf(list, (r) => r.iamportPerVerification),
            2,
          )} (${iamportOf(list)})`,
        ];
      }),
    };
    const ratios = {
      headers: ['ours ÷ reference', 'median of runs', 'target'],
      alignRight: [1],
      rows: [
        ['throughput', times(throughputRatio), '≥ 2×'],
        ['p50 latency', times(p50Ratio), ''],
        ['p99 latency', times(p99Ratio), '≤ 0.6×'],
        ['server CPU per verification', times(cpuRatio), ''],
      ],
    };
    printTable('Throughput (POST /payments/complete)', table);
    printTable('Ratios', ratios);

    const section = [
      `## ${this.title}`,
      '',
      `\`POST /payments/complete\` over node:http, ${fmt(requests)} requests per run at ${connections} connections ` +
        `(autocannon), each verifying a different payment paid beforehand in the sandbox (the hot path: a first ` +
        `\`paid\` for a pending order), bodies alternating JSON and form-urlencoded. ${runs} runs per implementation, ` +
        `interleaved; medians with the range of the runs in brackets. Each server runs in its own process; ` +
        'dynalite, the sandbox and the event receiver share another; autocannon runs in the parent. ' +
        `${warmup} warm-up requests per server before the first run. Round trips are counted by dynalite and the ` +
        'sandbox themselves during the measured runs.',
      '',
      markdownTable(table),
      '',
      markdownTable(ratios),
      '',
      '- **ours**: `functions/complete/handler.ts` as deployed (module-scope config, Iamport client with a cached ' +
        'token and a keep-alive pool, one conditional `UpdateItem`, INFO logs as deployed, written to /dev/null here).',
      '- **guide pattern (reference)**: `bench/reference/guidePattern.ts`: per request a new token ' +
        '(`POST /users/getToken`), `GET /payments/{imp_uid}`, each on a new connection, then `GetItem` and an ' +
        'unconditional `UpdateItem`.',
      '- **ours, with an event target**: the same handler with `MERCHANT_WEBHOOK_URL` set (a signed webhook to a ' +
        'recording receiver on loopback): one more DynamoDB write per transition (the delivered event leaves the ' +
        'outbox) and one webhook delivery, inside the request.',
    ].join('\n');

    return {
      section,
      targets: [
        {
          target: 'throughput ≥ 2× the guide-pattern reference',
          met: throughputRatio >= 2,
          measured: times(throughputRatio),
        },
        {
          target: 'p99 latency ≤ 0.6× the guide-pattern reference',
          met: p99Ratio <= 0.6,
          measured: times(p99Ratio),
        },
      ],
      figures: {
        requests,
        connections,
        runs,
        variants: VARIANTS.map((variant) => ({ variant: describeSut(variant), runs: results.get(variant) })),
        throughputRatio,
        p50Ratio,
        p99Ratio,
        cpuRatio,
      },
    };
  },
};

function body(payment: { imp_uid: string; merchant_uid: string }): Record<string, string> {
  return { imp_uid: payment.imp_uid, merchant_uid: payment.merchant_uid };
}

/** `UpdateItem 1` style summary of DynamoDB operations per verification, medians of the runs. */
function opsOf(list: RunFigures[]): string {
  const ops = new Set(list.flatMap((run) => Object.keys(run.counts.dynamo)));
  return [...ops]
    .sort()
    .map((op) => `${op} ${fmt(median(list.map((run) => (run.counts.dynamo[op] ?? 0) / run.completed)), 2)}`)
    .join(', ');
}

function iamportOf(list: RunFigures[]): string {
  const kinds = new Set(list.flatMap((run) => Object.keys(run.counts.iamport)));
  return [...kinds]
    .sort()
    .map(
      (kind) =>
        `${kind} ${fmt(median(list.map((run) => (run.counts.iamport[kind] ?? 0) / run.completed)), 2)}`,
    )
    .join(', ');
}
