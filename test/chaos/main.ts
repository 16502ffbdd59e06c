/**
 * `npm run chaos`: the full reliability run. N payments (CHAOS_N, default 1000) from one seed
 * (CHAOS_SEED) against the in-process stack with Iamport failing 30% of calls, then the invariants.
 * Prints the summary, writes it to test-results/chaos-report.md (CHAOS_REPORT), and exits non-zero
 * when any invariant was violated.
 */
import { resolve } from 'node:path';
import { createTablesFromResources, startLocalDynamo } from '../../local/dynamo';
import { printServerlessConfig, projectRoot } from '../../local/serverlessConfig';
import { runChaos } from './runChaos';

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer`);
  return value;
}

function rateFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!(value >= 0 && value <= 1)) throw new Error(`${name} must be a number from 0 to 1`);
  return value;
}

async function main(): Promise<number> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const n = intFromEnv('CHAOS_N', 1000);
  const seed = intFromEnv('CHAOS_SEED', 20_240_917);
  const reportPath = resolve(projectRoot, process.env.CHAOS_REPORT ?? 'test-results/chaos-report.md');
  console.log(`chaos: ${n} payments, seed ${seed}`);

  const dynamo = await startLocalDynamo();
  try {
    // The tables and the retry queue exactly as serverless.yml declares them (the test stage).
    const config = await printServerlessConfig('test');
    const resources = config.resources?.Resources ?? {};
    const tables = await createTablesFromResources(dynamo.client, resources);
    const ordersTable = tables.find((name) => name.endsWith('-orders'));
    if (!ordersTable) throw new Error('serverless.yml declares no orders table');
    const result = await runChaos({
      n,
      seed,
      dynamoEndpoint: dynamo.endpoint,
      ordersTable,
      retryQueueResource: resources.RetryQueue,
      concurrency: intFromEnv('CHAOS_CONCURRENCY', 32),
      consumers: intFromEnv('CHAOS_CONSUMERS', 6),
      faultRate: rateFromEnv('CHAOS_FAULT_RATE', 0.3),
      settings: { reconcileMaxAgeSeconds: intFromEnv('CHAOS_MAX_AGE_SECONDS', 30) },
      drainTimeoutMs: intFromEnv('CHAOS_DRAIN_TIMEOUT_SECONDS', 300) * 1000,
      reportPath,
      verbose: process.env.CHAOS_VERBOSE === '1',
      log: (line) => console.log(line),
    });
    console.log(`\n${result.report}`);
    console.log(`report written to ${reportPath}`);
    return result.ok ? 0 : 1;
  } finally {
    await dynamo.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error('chaos run could not complete:', error);
    process.exitCode = 2;
  },
);
