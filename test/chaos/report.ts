import type { ReconcileSettings } from '../../shared/reconcile/schedule';
import { crashPoints } from './crashes';
import type { FaultRates } from './stack';

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
  rates: FaultRates;
  kinds: { kind: string; count: number; v2: number; expected: string; outcomes: Counts; paths: Counts }[];
  dropped: { browser: number; webhookNotices: number };
  deliveries: Counts;
  completeAnswers: Counts;
  mobileAnswers: Counts;
  webhookAnswers: Counts;
  apiStatuses: Counts;
  apiStatusesUnderFaults: Counts;
  lostAnswers: Counts;
  dynamo: { injected: Counts; requests: Counts };
  sqs: { injected: Counts; requests: Counts };
  redeliveries: Counts;
  sinks: { name: string; tally: Counts; events: number; distinct: number }[];
  stream: Counts;
  safetyNet: Counts;
  crashes: Counts;
  ledger: Counts;
  logLines: number;
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
const pct = (rate: number) => `${Math.round(rate * 100)}%`;
const startingWith = (counts: Counts, prefix: string) =>
  counts.filter(([key]) => key.startsWith(prefix)).reduce((total, [, n]) => total + n, 0);

/** The summary as Markdown: what was run, what was checked, what happened. */
export function renderReport(summary: ChaosSummary, invariants: ChaosInvariant[], ok: boolean): string {
  const out: string[] = [];
  const total = summary.timings.find(([phase]) => phase === 'total')?.[1] ?? 0;
  out.push(
    `# Chaos run: ${summary.n} payments, seed ${summary.seed} — ${ok ? 'PASS' : 'FAIL'}`,
    '',
    `Wall time ${(total / 1000).toFixed(1)} s. V1 and V2 orders mixed; every fault class on at once during the ` +
      `deliveries (fault seed ${summary.faultSeed}): PortOne (V1 and V2 APIs) ${pct(summary.rates.portone)} of calls, ` +
      `DynamoDB ${pct(summary.rates.dynamodb)}, SQS sends ${pct(summary.rates.sqs)}, event deliveries ` +
      `${pct(summary.rates.events)}, a crash at each crash point with p = ${summary.rates.crash}, one message of ` +
      `${pct(summary.rates.redelivery)} of received batches redelivered while its consumer runs; then healthy until ` +
      `the queue drained; then the second charges and the ledger check, under the same faults. Timings: ` +
      `lost-result check after ${summary.settings.reconcileAfterSeconds} s, retry base ` +
      `${summary.settings.retryBaseSeconds} s, maximum age ${summary.settings.reconcileMaxAgeSeconds} s, every ` +
      `deadline ${summary.timeoutMs} ms. ${summary.concurrency} deliveries in flight, ${summary.consumers} queue pollers.`,
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
      ['kind', 'orders', 'of which V2', 'expected', 'final states', 'histories'],
      summary.kinds.map((kind) => [
        kind.kind,
        kind.count,
        kind.v2,
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
        [
          'PC callback (V1 POST /payments/complete, V2 POST /v2/payments/complete)',
          list(summary.completeAnswers),
        ],
        [
          'redirect (V1 GET /payments/complete/mobile, V2 GET /v2/payments/redirect)',
          list(summary.mobileAnswers),
        ],
        ['webhooks (V1 and V2, answered to the sandbox)', list(summary.webhookAnswers)],
      ],
    ),
  );

  out.push('', '## Faults per dependency', '', dependencyTable(summary));

  const under = summary.apiStatusesUnderFaults;
  out.push(
    '',
    '### PortOne calls (sandbox request log)',
    '',
    table(
      ['', 'during faults', 'whole run'],
      [
        ['calls', sum(under), sum(summary.apiStatuses)],
        [
          'by API and status (499: held past the client deadline, dropped)',
          list(under),
          list(summary.apiStatuses),
        ],
        ['answers lost after the call was handled', sum(summary.lostAnswers), list(summary.lostAnswers)],
      ],
    ),
  );

  out.push('', '### Failed PortOne calls as the functions saw them', '');
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
        ...summary.ledger.map(([key, value]): [string, number] => [`ledger check ${key}`, value]),
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

/** One row per dependency: what was injected, what crashed, what was retried, and how it ended. */
function dependencyTable(summary: ChaosSummary): string {
  const under = summary.apiStatusesUnderFaults;
  const portoneFaults =
    startingWith(under, 'V1 503') +
    startingWith(under, 'V1 429') +
    startingWith(under, 'V1 499') +
    startingWith(under, 'V2 503') +
    startingWith(under, 'V2 429') +
    startingWith(under, 'V2 499') +
    sum(summary.lostAnswers);
  /** Crashes at the points that follow a call to this dependency, by function. */
  const crashList = (points: string[]) => {
    const found = summary.crashes.filter(([key]) => points.some((point) => key.endsWith(`: ${point}`)));
    return found.length === 0 ? '0' : found.map(([key, n]) => `${key}: ${n}`).join(', ');
  };
  const sinkRow = (name: string) => summary.sinks.find((sink) => sink.name === name);
  const sinkFaults = (name: string) =>
    (sinkRow(name)?.tally ?? [])
      .filter(([key]) => key.startsWith('fault'))
      .map(([k, n]): [string, number] => [k.replace('fault: ', ''), n]);
  const webhook = sinkRow('merchant webhook');
  const bus = sinkRow('EventBridge');
  const rows: (string | number)[][] = [
    [
      'PortOne V1 + V2 API',
      `${portoneFaults} of ${sum(under)} calls: ${list(under.filter(([key]) => / (503|429|499)$/.test(key)))}; answers lost after acting: ${sum(summary.lostAnswers)}`,
      crashList(['afterCancel']),
      `queued for retry: ${list(summary.enqueued)}; browser requests repeated: ${count(summary.harness, 'browser requests repeated after a killed invocation')}; webhooks re-sent: ${count(summary.harness, 'webhooks re-sent after an answer other than 200')}`,
      'every order final, one cancel per refund',
    ],
    [
      'DynamoDB',
      `${sum(summary.dynamo.injected)} of ${sum(summary.dynamo.requests)} requests: ${list(summary.dynamo.injected)}`,
      crashList(['afterTransition']),
      'the SDK retries each request (4 attempts); what still failed was queued, answered pending, or retried by its invoker',
      'every order final, histories legal',
    ],
    [
      'SQS (retry queue)',
      `${sum(summary.sqs.injected)} of ${sum(summary.sqs.requests)} requests: ${list(summary.sqs.injected)}; redelivered while the consumer ran: ${sum(summary.redeliveries)}`,
      crashList(['afterReceive', 'midSweep']),
      `consumer: ${list(summary.consumer)}`,
      'queue drained, DLQ empty',
    ],
    [
      'Events: merchant webhook',
      `${list(sinkFaults('merchant webhook'))}`,
      crashList(['afterEventSent']),
      `stream: ${list(summary.stream)}; safety net: ${list(summary.safetyNet)}`,
      webhook ? `${webhook.distinct} distinct events (${webhook.events} deliveries)` : '–',
    ],
    [
      'Events: EventBridge PutEvents',
      `${list(sinkFaults('EventBridge'))}`,
      '(same invocations)',
      '(same retries)',
      bus ? `${bus.distinct} distinct events (${bus.events} deliveries)` : '–',
    ],
  ];
  const points = Object.entries(crashPoints).map(([point, what]) => {
    const n = summary.crashes
      .filter(([key]) => key.endsWith(`: ${point}`))
      .reduce((total, [, c]) => total + c, 0);
    return [what, n];
  });
  return [
    table(['dependency', 'faults injected', 'crashes', 'retries', 'outcome'], rows),
    '',
    table(['crash point', 'crashes'], points),
  ].join('\n');
}
