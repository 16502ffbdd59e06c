import type { ReconcileSettings } from '../../shared/reconcile/schedule';

export interface ChaosInvariant {
  name: string;
  checked: number;
  violated: number;
  /** The first few violations, each naming the order, attempt or step. */
  examples: string[];
}

type Counts = [string, number][];

export interface ChaosSummary {
  n: number;
  seed: number;
  faultSeed: number;
  settings: ReconcileSettings;
  concurrency: number;
  consumers: number;
  timeoutMs: number;
  faultRate: number;
  faultDelayMs: number;
  kinds: { kind: string; count: number; expected: string; outcomes: Counts; paths: Counts }[];
  dropped: { browser: number; webhookNotices: number };
  deliveries: Counts;
  completeAnswers: Counts;
  mobileAnswers: Counts;
  webhookAnswers: Counts;
  apiStatuses: Counts;
  apiStatusesUnderFaults: Counts;
  enqueued: Counts;
  consumer: Counts;
  consumerResults: Counts;
  sweeps: Counts;
  harness: Counts;
  loggedErrors: Counts;
  iamportErrors: Counts;
  timings: [string, number][];
  /** How long each kind of step took, ms (a redirect or callback: the browser's wait). */
  latencies: { kind: string; count: number; p50: number; p95: number; max: number }[];
  statuses: string[];
}

function table(head: string[], rows: (string | number)[][]): string {
  const cells = [head, ...rows.map((row) => row.map(String))];
  const widths = head.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? '').length), 3));
  const line = (row: string[]) =>
    `| ${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  return [line(head), line(widths.map((width) => '-'.repeat(width))), ...cells.slice(1).map(line)].join('\n');
}

const list = (counts: Counts) =>
  counts.length === 0 ? '–' : counts.map(([key, count]) => `${key}: ${count}`).join(', ');
const sum = (counts: Counts) => counts.reduce((total, [, count]) => total + count, 0);
const count = (counts: Counts, key: string) => counts.find(([k]) => k === key)?.[1] ?? 0;
const percent = (part: number, whole: number) =>
  whole === 0 ? '–' : `${((100 * part) / whole).toFixed(1)}%`;

/** The summary as Markdown: what was run, what was checked, what happened. */
export function renderReport(summary: ChaosSummary, invariants: ChaosInvariant[], ok: boolean): string {
  const out: string[] = [];
  const total = summary.timings.find(([phase]) => phase === 'total')?.[1] ?? 0;
  out.push(
    `# Chaos run: ${summary.n} payments, seed ${summary.seed} — ${ok ? 'PASS' : 'FAIL'}`,
    '',
    `Wall time ${(total / 1000).toFixed(1)} s. Iamport failing ${summary.faultRate * 100}% of calls during the ` +
      `deliveries (503, 429 and held ${summary.faultDelayMs} ms past a ${summary.timeoutMs} ms client deadline, equal ` +
      `weights, fault seed ${summary.faultSeed}); then healthy until the queue drained. Timings: lost-result check ` +
      `after ${summary.settings.reconcileAfterSeconds} s, retry base ${summary.settings.retryBaseSeconds} s, ` +
      `maximum age ${summary.settings.reconcileMaxAgeSeconds} s. ${summary.concurrency} deliveries in flight, ` +
      `${summary.consumers} queue pollers.`,
    '',
    '## Invariants',
    '',
    table(
      ['invariant', 'checked', 'violated', ''],
      invariants.map((invariant) => [
        invariant.name,
        invariant.checked,
        invariant.violated,
        invariant.violated === 0 ? 'ok' : 'FAIL',
      ]),
    ),
  );
  for (const invariant of invariants.filter((i) => i.violated > 0)) {
    out.push('', `**${invariant.name}** (${invariant.violated}):`, '');
    for (const example of invariant.examples) out.push(`- ${example}`);
  }

  out.push(
    '',
    '## Orders',
    '',
    table(
      ['kind', 'orders', 'expected', 'final states', 'histories'],
      summary.kinds.map((kind) => [
        kind.kind,
        kind.count,
        kind.expected,
        list(kind.outcomes),
        list(kind.paths),
      ]),
    ),
  );

  const deliveryRows: (string | number)[][] = summary.deliveries.map(([key, value]) => [key, value]);
  deliveryRows.push(['browser deliveries dropped (redirect or callback)', summary.dropped.browser]);
  deliveryRows.push(['webhook notices dropped (never sent)', summary.dropped.webhookNotices]);
  out.push('', '## Deliveries', '', table(['what', 'count'], deliveryRows));

  out.push(
    '',
    '## Answers',
    '',
    table(
      ['route', 'answers'],
      [
        ['POST /payments/complete (PC callback)', list(summary.completeAnswers)],
        ['GET /payments/complete/mobile (redirect)', list(summary.mobileAnswers)],
        ['POST /payments/webhook (to the sandbox)', list(summary.webhookAnswers)],
      ],
    ),
  );

  const under = summary.apiStatusesUnderFaults;
  const underTotal = sum(under);
  const faulted = count(under, '503') + count(under, '429') + count(under, '499');
  out.push(
    '',
    '## Iamport calls (sandbox request log)',
    '',
    table(
      ['', 'during faults', 'whole run'],
      [
        ['calls', underTotal, sum(summary.apiStatuses)],
        ['503 injected', count(under, '503'), count(summary.apiStatuses, '503')],
        ['429 injected', count(under, '429'), count(summary.apiStatuses, '429')],
        [
          'timeouts injected (held, client gave up: 499)',
          count(under, '499'),
          count(summary.apiStatuses, '499'),
        ],
        ['faulted share', percent(faulted, underTotal), percent(faulted, sum(summary.apiStatuses))],
        ['by status', list(under), list(summary.apiStatuses)],
      ],
    ),
  );

  out.push('', '### Failed Iamport calls as the functions saw them', '');
  if (summary.iamportErrors.length === 0) out.push('None.');
  else out.push(table(['error', 'count'], summary.iamportErrors));

  out.push(
    '',
    '## Queue, retries, sweeper',
    '',
    table(
      ['what', 'count'],
      [
        ...summary.enqueued.map(([key, value]): [string, number] => [`enqueued by ${key}`, value]),
        ...summary.consumer.map(([key, value]): [string, number] => [`consumer ${key}`, value]),
        ...summary.consumerResults.map(([key, value]): [string, number] => [`message result ${key}`, value]),
        ...summary.sweeps.map(([key, value]): [string, number] => [`sweeper ${key}`, value]),
        ...summary.harness.map(([key, value]): [string, number] => [key, value]),
      ],
    ),
  );

  out.push(
    '',
    '## Timings',
    '',
    table(
      ['phase', 'seconds'],
      summary.timings.map(([phase, ms]) => [phase, (ms / 1000).toFixed(1)]),
    ),
  );

  out.push(
    '',
    table(
      ['step', 'count', 'p50 ms', 'p95 ms', 'max ms'],
      summary.latencies.map((l) => [l.kind, l.count, l.p50.toFixed(0), l.p95.toFixed(0), l.max.toFixed(0)]),
    ),
  );

  out.push('', '## Errors the functions logged', '');
  if (summary.loggedErrors.length === 0) out.push('None.');
  else out.push(table(['message', 'count'], summary.loggedErrors));
  out.push('');
  return out.join('\n');
}
