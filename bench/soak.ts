/**
 * Soak: the stack a merchant runs (`npm start`), not the bench's own harness. For each load level a
 * fresh stack: 50 orders registered and paid at the sandbox (no webhook), then autocannon sends
 * `POST /payments/webhook` (JSON) cycling over them, for a while, at that many connections. The stack's
 * memory is the resident size of its whole process group, sampled every second. Afterwards every order
 * must be `paid` with exactly one transition, and every answer a 2xx.
 *
 *   npm run soak                                   10 connections for 60 s, then 200 for 300 s
 *   npm run soak -- --levels 1:20,10:60,200:300     connections:seconds, each on a fresh stack
 *
 * Writes docs/soak-report.md (`--no-write` to print only).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../local/serverlessConfig';
import { type RunningLocalStack, startLocalStack } from '../test/helpers/localStack';
import { drive } from './lib/drive';
import { mapLimit } from './lib/pool';
import type { SeededPayment } from './lib/seed';
import { fmt, percentile } from './lib/stats';
import { markdownTable } from './lib/table';

const PAYMENTS = 50;
/** Targets of the soak (README, "The local stack under load"). */
const MEMORY_LIMIT_MB = 2_560;

interface Level {
  connections: number;
  seconds: number;
}

interface LevelResult extends Level {
  completed: number;
  perSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  wrongAnswers: number;
  badOrders: number;
  memoryStartMb: number;
  memoryPeakMb: number;
  memoryEndMb: number;
}

function parseLevels(args: string[]): Level[] {
  const at = args.indexOf('--levels');
  const spec = at >= 0 ? (args[at + 1] ?? '') : '10:60,200:300';
  return spec.split(',').map((part) => {
    const [connections, seconds] = part.split(':').map(Number);
    if (!Number.isInteger(connections) || !Number.isInteger(seconds) || !connections || !seconds) {
      throw new Error(`--levels: "${part}" is not connections:seconds`);
    }
    return { connections, seconds };
  });
}

/** Resident memory of every process in the group led by `pid`, in MB (Linux `ps`). */
function groupMemoryMb(pid: number): number {
  const out = execFileSync('ps', ['-e', '-o', 'pgid=,rss='], { encoding: 'utf8' });
  let kb = 0;
  for (const line of out.split('\n')) {
    const [pgid, rss] = line.trim().split(/\s+/).map(Number);
    if (pgid === pid && rss !== undefined && Number.isFinite(rss)) kb += rss;
  }
  return kb / 1024;
}

async function json(url: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : JSON.parse(text) };
}

const field = (value: unknown, name: string): unknown =>
  typeof value === 'object' && value !== null ? Reflect.get(value, name) : undefined;

/** 50 registered orders, each paid at the sandbox without a webhook: the load's notices decide them. */
async function seed(stack: RunningLocalStack, run: string): Promise<SeededPayment[]> {
  return mapLimit(
    Array.from({ length: PAYMENTS }, (_, i) => i),
    4,
    async (i) => {
      const merchantUid = `soak_${run}_${i}`;
      const order = await json(`${stack.apiUrl}/orders`, { merchant_uid: merchantUid, amount: 14_000 });
      if (order.status !== 201) throw new Error(`register ${merchantUid}: HTTP ${order.status}`);
      const paid = await json(`${stack.sandboxUrl}/__sandbox/payments`, {
        merchant_uid: merchantUid,
        amount: 14_000,
        notify: false,
      });
      const impUid = field(paid.body, 'imp_uid');
      if (typeof impUid !== 'string') throw new Error(`pay ${merchantUid}: HTTP ${paid.status}`);
      return { merchant_uid: merchantUid, imp_uid: impUid, amount: 14_000 };
    },
  );
}

/** Orders not `paid`, or not with exactly one transition into it. */
async function badOrders(stack: RunningLocalStack, payments: readonly SeededPayment[]): Promise<number> {
  const bad = await mapLimit([...payments], 4, async (payment) => {
    const order = await json(`${stack.apiUrl}/orders/${encodeURIComponent(payment.merchant_uid)}`);
    const history = field(order.body, 'history');
    const intoPaid = Array.isArray(history) ? history.filter((entry) => field(entry, 'to') === 'paid') : [];
    return !(field(order.body, 'status') === 'paid' && intoPaid.length === 1);
  });
  return bad.filter(Boolean).length;
}

async function runLevel(level: Level, index: number): Promise<LevelResult> {
  const stack = await startLocalStack({ SWEEP_INTERVAL_SECONDS: '600' });
  try {
    if (stack.pid === undefined) throw new Error('npm start has no pid');
    const pid = stack.pid;
    const payments = await seed(stack, `${index}_${Date.now()}`);
    const memoryStartMb = groupMemoryMb(pid);
    let memoryPeakMb = memoryStartMb;
    const sampler = setInterval(() => {
      memoryPeakMb = Math.max(memoryPeakMb, groupMemoryMb(pid));
    }, 1_000);
    let wrongAnswers = 0;
    const result = await drive({
      url: stack.apiUrl,
      path: '/payments/webhook',
      connections: level.connections,
      durationSeconds: level.seconds,
      bodies: 'json',
      timeoutSeconds: 10,
      payments,
      body: (payment) => ({ imp_uid: payment.imp_uid, merchant_uid: payment.merchant_uid, status: 'paid' }),
      onResponse: (status, body) => {
        if (status >= 200 && status < 300 && field(JSON.parse(body), 'status') !== 'paid') wrongAnswers += 1;
      },
    }).finally(() => clearInterval(sampler));
    const memoryEndMb = groupMemoryMb(pid);
    return {
      ...level,
      completed: result.completed,
      perSecond: result.perSecond,
      p50: percentile(result.latencies, 50),
      p99: percentile(result.latencies, 99),
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      wrongAnswers,
      badOrders: await badOrders(stack, payments),
      memoryStartMb,
      memoryPeakMb: Math.max(memoryPeakMb, memoryEndMb),
      memoryEndMb,
    };
  } finally {
    await stack.stop();
  }
}

function report(results: LevelResult[], concurrency: string): string {
  const baseline = results.find((r) => r.connections === 10);
  const rows = results.map((r) => [
    fmt(r.connections),
    `${fmt(r.seconds)} s`,
    fmt(r.completed),
    fmt(r.perSecond, 0),
    fmt(r.p50, 0),
    fmt(r.p99, 0),
    fmt(r.non2xx + r.errors + r.timeouts + r.wrongAnswers),
    fmt(r.timeouts),
    fmt(r.badOrders),
    `${fmt(r.memoryStartMb)} → ${fmt(r.memoryPeakMb)} MB`,
  ]);
  const checks = results.map((r) => {
    const errors = r.non2xx + r.errors + r.timeouts + r.wrongAnswers + r.badOrders;
    const fast = baseline === undefined || r === baseline || r.perSecond >= baseline.perSecond;
    const bounded = r.memoryPeakMb <= MEMORY_LIMIT_MB;
    const verdict = errors === 0 && fast && bounded ? 'PASS' : 'FAIL';
    return `- ${r.connections} connections: ${verdict} (errors ${errors}; ${fast ? 'throughput ≥ 10 connections' : 'slower than 10 connections'}; peak ${fmt(r.memoryPeakMb)} MB ${bounded ? '≤' : '>'} ${fmt(MEMORY_LIMIT_MB)} MB)`;
  });
  return [
    '# Soak: `npm start` under load',
    '',
    `Generated by \`npm run soak\` on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${concurrency}.`,
    `A fresh stack per row; ${PAYMENTS} paid payments; autocannon \`POST /payments/webhook\` (JSON), timeout 10 s.`,
    'Memory: resident size of the whole `npm start` process group (serverless-offline and its workers, dynalite, sandbox, queue, shop).',
    '',
    markdownTable({
      headers: [
        'connections',
        'for',
        'answers',
        'verifications/s',
        'p50 ms',
        'p99 ms',
        'errors',
        'timeouts',
        'bad orders',
        'memory (start → peak)',
      ],
      rows,
      alignRight: [0, 1, 2, 3, 4, 5, 6, 7, 8],
    }),
    '',
    ...checks,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const levels = parseLevels(args);
  const results: LevelResult[] = [];
  for (const [index, level] of levels.entries()) {
    console.log(`soak: ${level.connections} connections for ${level.seconds} s on a fresh stack…`);
    const result = await runLevel(level, index);
    console.log(
      `  ${fmt(result.perSecond)} /s, p99 ${fmt(result.p99)} ms, errors ${result.non2xx + result.errors + result.timeouts}, peak ${fmt(result.memoryPeakMb)} MB`,
    );
    results.push(result);
  }
  const concurrency = `LOCAL_FUNCTION_CONCURRENCY=${process.env.LOCAL_FUNCTION_CONCURRENCY ?? '8 (default)'}`;
  const text = report(results, concurrency);
  console.log(`\n${text}`);
  if (!args.includes('--no-write')) writeFileSync(join(projectRoot, 'docs', 'soak-report.md'), text);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
