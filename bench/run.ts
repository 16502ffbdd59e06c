/**
 * `npm run bench`: every benchmark, side by side, then BENCHMARKS.md.
 *
 *   npm run bench                       all benchmarks, writes BENCHMARKS.md and bench/results/latest.json
 *   npm run bench -- --quick            fewer runs and requests (a smoke test; writes nothing)
 *   npm run bench -- --only client      one benchmark (comma list allowed); prints, writes nothing
 *   npm run bench -- --write            also write BENCHMARKS.md after --only or --quick
 *
 * Never part of `npm test`; nothing here asserts a time.
 */
import { loadavg } from 'node:os';
import { bundles } from './bundles';
import { client } from './client';
import { type Infra, startInfra } from './lib/infra';
import { writeReport } from './lib/report';
import type { Benchmark, BenchOutcome } from './lib/types';
import { load } from './load';
import { portoneClient } from './portoneClient';
import { roundTrips } from './roundTrips';
import { throughput } from './throughput';

const ALL: Benchmark[] = [roundTrips, throughput, client, portoneClient, bundles, load];

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyIndex = args.indexOf('--only');
const only = onlyIndex >= 0 ? (args[onlyIndex + 1] ?? '').split(',').filter(Boolean) : [];
const unknown = only.filter((name) => !ALL.some((bench) => bench.name === name));
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(', ')}; choose from ${ALL.map((b) => b.name).join(', ')}`);
  process.exit(2);
}
const selected = only.length > 0 ? ALL.filter((bench) => only.includes(bench.name)) : ALL;
const write = args.includes('--write') || (only.length === 0 && !quick);

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
let infra: Promise<Infra> | undefined;
const startedAt = new Date();
const loadAtStart = loadavg();
const outcomes: { bench: Benchmark; outcome: BenchOutcome; seconds: number }[] = [];
try {
  for (const bench of selected) {
    console.log(`\n▶ ${bench.name}: ${bench.title}${quick ? ' (quick)' : ''}`);
    const started = performance.now();
    const outcome = await bench.run({
      quick,
      infra: () => {
        infra ??= startInfra();
        return infra;
      },
      log: (message) => console.log(message),
    });
    const seconds = (performance.now() - started) / 1000;
    outcomes.push({ bench, outcome, seconds });
    console.log(`✔ ${bench.name} in ${seconds.toFixed(1)} s`);
  }
} finally {
  if (infra) await (await infra).stop();
}

console.log('\nTargets');
for (const { outcome } of outcomes) {
  for (const verdict of outcome.targets) {
    console.log(`  ${verdict.met ? 'met    ' : 'NOT MET'}  ${verdict.target}: ${verdict.measured}`);
  }
}
if (write) {
  const path = await writeReport({ startedAt, quick, loadAtStart, outcomes });
  console.log(`\nwrote ${path}`);
}
