/**
 * `npm run fuzz`: the fuzz suite's full version (`FUZZ_PROFILE=full`: at least FULL_RUNS_PER_ROUTE
 * generated inputs per HTTP route) on test/fuzz/vitest.config.ts, in-memory fakes only. Counts the inputs
 * each route really received (test/fuzz/tally.ts), writes docs/fuzz-report.md (`FUZZ_REPORT` to write
 * elsewhere) and exits non-zero when a property failed or a route got fewer inputs than the floor.
 *
 * One seed for the whole run, `FUZZ_SEED` or a new one, printed and reported: `FUZZ_SEED=<seed> npm run
 * fuzz` replays the run.
 */
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { FULL_RUNS_PER_ROUTE, FUZZED_ROUTES, type TallyEntry } from './fuzzedRoutes';
import { serverlessRoutes } from './serverlessRoutes';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const vitestBin = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url));
const biomeBin = fileURLToPath(new URL('../../node_modules/@biomejs/biome/bin/biome', import.meta.url));
const reportPath = resolve(projectRoot, process.env.FUZZ_REPORT ?? 'docs/fuzz-report.md');

/** What vitest's JSON reporter writes, as far as the report reads it. */
const resultsSchema = z.object({
  testResults: z.array(
    z.object({
      name: z.string(),
      assertionResults: z.array(
        z.object({
          ancestorTitles: z.array(z.string()),
          title: z.string(),
          status: z.string(),
          duration: z.number().nullish(),
        }),
      ),
    }),
  ),
});
type TestResult = z.infer<typeof resultsSchema>['testResults'][number]['assertionResults'][number];

const tallyEntrySchema = z.object({ route: z.enum(FUZZED_ROUTES), property: z.string(), inputs: z.number() });

function runNode(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, { cwd: projectRoot, env, stdio: 'inherit' });
    child.once('error', fail);
    child.once('exit', (code, signal) => done(code ?? (signal ? 1 : 0)));
  });
}

function runVitest(env: NodeJS.ProcessEnv, resultsFile: string): Promise<number> {
  return runNode(
    [
      vitestBin,
      'run',
      '--config',
      'test/fuzz/vitest.config.ts',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${resultsFile}`,
    ],
    env,
  );
}

/** A run that crashed before a file wrote its tally leaves none: its routes then count 0 inputs. */
function readTallies(dir: string): TallyEntry[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .flatMap((file) => z.array(tallyEntrySchema).parse(JSON.parse(readFileSync(join(dir, file), 'utf8'))));
}

/** vitest's `currentTestName` is the describe titles and the test's, joined with " > ". */
const nameOf = (test: TestResult) => [...test.ancestorTitles, test.title].join(' > ');

const count = (n: number) => n.toLocaleString('en-US');

function minutes(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

async function main(): Promise<void> {
  const seed = process.env.FUZZ_SEED === undefined ? randomInt(2 ** 31) : Number(process.env.FUZZ_SEED);
  if (!Number.isInteger(seed))
    throw new TypeError(`FUZZ_SEED must be an integer, got ${process.env.FUZZ_SEED}`);
  const work = mkdtempSync(join(tmpdir(), 'fuzz-'));
  const tallyDir = join(work, 'tally');
  const resultsFile = join(work, 'results.json');
  console.log(`fuzz: full run, seed ${seed}, at least ${count(FULL_RUNS_PER_ROUTE)} inputs per HTTP route`);

  const started = performance.now();
  const exitCode = await runVitest(
    { ...process.env, FUZZ_PROFILE: 'full', FUZZ_SEED: String(seed), FUZZ_TALLY_DIR: tallyDir },
    resultsFile,
  );
  const wallMs = performance.now() - started;

  // No results file: vitest failed before running anything; the report says so instead of crashing.
  const results = existsSync(resultsFile)
    ? resultsSchema.parse(JSON.parse(readFileSync(resultsFile, 'utf8')))
    : { testResults: [] };
  const tests = results.testResults.flatMap((file) =>
    file.assertionResults.map((test) => ({ file: relative(projectRoot, file.name), test })),
  );
  const tallies = readTallies(tallyDir);
  rmSync(work, { recursive: true, force: true });

  const problems: string[] = [];
  if (exitCode !== 0) problems.push(`vitest exited with ${exitCode}`);
  const deployed = serverlessRoutes();
  for (const route of deployed) {
    if (!(FUZZED_ROUTES as readonly string[]).includes(route))
      problems.push(`${route} is deployed but not fuzzed`);
  }

  const rows = FUZZED_ROUTES.map((route) => {
    const entries = tallies.filter((entry) => entry.route === route);
    const inputs = entries.reduce((sum, entry) => sum + entry.inputs, 0);
    const failed = entries.filter((entry) =>
      tests.some(({ test }) => nameOf(test) === entry.property && test.status !== 'passed'),
    ).length;
    if (inputs < FULL_RUNS_PER_ROUTE)
      problems.push(`${route}: ${count(inputs)} inputs, fewer than ${count(FULL_RUNS_PER_ROUTE)}`);
    // Each property's title starts with its route, which the row already names.
    const titleOf = (property: string) =>
      (property.split(' > ').at(-1) ?? property).replace(`${route}: `, '');
    const properties = entries.map((entry) => `${titleOf(entry.property)} (${count(entry.inputs)})`);
    return { route, inputs, properties, failed };
  });
  const others = tests.filter(({ test }) => !tallies.some((entry) => entry.property === nameOf(test)));
  const failedTests = tests.filter(({ test }) => test.status !== 'passed');
  if (failedTests.length > 0) problems.push(`${failedTests.length} failing properties`);

  const pass = problems.length === 0;
  const date = new Date().toISOString().slice(0, 10);
  const total = rows.reduce((sum, row) => sum + row.inputs, 0);
  const report = [
    `# Fuzz run: ${FUZZED_ROUTES.length} HTTP routes, ${count(total)} generated inputs — ${pass ? 'PASS' : 'FAIL'}`,
    '',
    `\`npm run fuzz\` on ${date}: Node ${process.version}, ${availableParallelism()} cores, wall time ${minutes(wallMs)} ` +
      `(the whole fuzz suite, \`test/fuzz/vitest.config.ts\`, in-memory fakes). Seed ${seed}: ` +
      `\`FUZZ_SEED=${seed} npm run fuzz\` replays it. The floor: ${count(FULL_RUNS_PER_ROUTE)} inputs for ` +
      'each route of `serverless.yml`; each input runs in a fresh world (test/fuzz/world.ts).',
    '',
    '| route | generated inputs | properties (inputs) | failures |',
    '| ----- | ---------------: | ------------------- | -------: |',
    ...rows.map(
      (row) =>
        `| \`${row.route}\` | ${count(row.inputs)} | ${row.properties.join('; ') || '—'} | ${row.failed} |`,
    ),
    '',
    "Every route property checks: an answer, never a crash; a status of the route's documented set, never a 5xx " +
      'but the documented 503 (or a bare 500 when DynamoDB failed under the request, which then moved nothing); ' +
      'redirects always a 302 to the result page; error bodies `{error:{code,message}}` with a documented code ' +
      'at its status; nothing asked, written, queued or cancelled for a request refused from the request alone ' +
      '(nor for any V2 notice not signed by PortOne); no API or webhook secret, buyer data or card number in any ' +
      'answer, stored order, event or queued message; a route of one API never moves an order of the other; ' +
      'CORS only on the complete routes, for the shop origins.',
    '',
    `| other properties (${process.env.FUZZ_RUNS ? `FUZZ_RUNS=${process.env.FUZZ_RUNS}` : 'five times their `npm test` runs'}) | file | result | time |`,
    '| --------------------------------------------------- | ---- | ------ | ---: |',
    ...others.map(
      ({ file, test }) =>
        `| ${test.title} | \`${file}\` | ${test.status} | ${((test.duration ?? 0) / 1000).toFixed(1)} s |`,
    ),
    '',
    ...(pass ? [] : ['## Problems', '', ...problems.map((problem) => `- ${problem}`), '']),
  ].join('\n');
  mkdirSync(dirname(reportPath), { recursive: true });
  writeFileSync(reportPath, report);
  // Biome formats Markdown here (tables padded and aligned): the committed report must pass `npm run check`.
  // A report outside the project (FUZZ_REPORT=/tmp/…) is no file of Biome's and stays as written.
  if (!relative(projectRoot, reportPath).startsWith('..')) {
    await runNode([biomeBin, 'format', '--write', '--no-errors-on-unmatched', reportPath]);
  }
  console.log(`\n${readFileSync(reportPath, 'utf8')}`);
  console.log(`report written to ${relative(projectRoot, reportPath)}`);
  process.exitCode = pass ? 0 : 1;
}

await main();
