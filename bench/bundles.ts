/**
 * Per function: the bundle as serverless.yml builds it (esbuild: bundle, minify, esm, platform node,
 * target node22, the createRequire banner, linked source map) and its module init time, against a bare
 * handler (`bench/bare/`) that imports only the AWS SDK clients the function needs, built the same way.
 *
 * Init time: `performance.now()` (and the process's CPU time) around `await import(bundle)` in a fresh
 * `node` process, many times, median; the environment points every endpoint at loopback and gives plain
 * keys, so no network call happens (the verifying functions' top-level await resolves the keys without
 * SSM). Measured as deployed (no source maps since BENCHMARKS P3) and with `--enable-source-maps`.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { projectRoot } from './lib/child';
import { kib, median, ratio, times, withRange } from './lib/stats';
import { functionEnv } from './lib/sut';
import { markdownTable, printTable } from './lib/table';
import type { Benchmark, BenchOutcome } from './lib/types';

/** Which bare handler stands for which function: the AWS SDK clients it needs. */
const BARE_FOR: Record<string, string> = {
  complete: 'verify',
  mobile: 'verify',
  webhook: 'verify',
  retryConsumer: 'verify',
  sweeper: 'verify',
  createOrder: 'createOrder',
  getOrder: 'getOrder',
};

const MODES = [
  { name: 'with --enable-source-maps (deployed before P3)', execArgv: ['--enable-source-maps'] },
  { name: 'as deployed (no source maps)', execArgv: [] },
] as const;

interface Built {
  file: string;
  bytes: number;
  gzipBytes: number;
  mapBytes: number;
  /** Bytes in the output per npm package (`(project)` for our own code). */
  packages: Record<string, number>;
}

interface InitSample {
  ms: number;
  cpuMs: number;
}

const IMPORT_SCRIPT = [
  'const cpu = process.cpuUsage();',
  'const started = performance.now();',
  'await import(process.argv[1]);',
  'const ms = performance.now() - started;',
  'const used = process.cpuUsage(cpu);',
  'process.stdout.write(JSON.stringify({ ms, cpuMs: (used.user + used.system) / 1000 }));',
  'process.exit(0);',
].join('\n');

export const bundles: Benchmark = {
  name: 'bundles',
  title: 'Bundle size and module init per function',
  async run(context): Promise<BenchOutcome> {
    const samples = context.quick ? 3 : 9;
    const out = await mkdtemp(join(tmpdir(), 'iamport-bench-bundles-'));
    try {
      const functions = (await readdir(join(projectRoot, 'functions')))
        .filter((name) => name in BARE_FOR)
        .sort();
      const built = new Map<string, Built>();
      for (const name of functions) {
        built.set(name, await bundle(join(projectRoot, 'functions', name, 'handler.ts'), join(out, name)));
      }
      for (const bare of new Set(Object.values(BARE_FOR))) {
        const entry = join(projectRoot, 'bench', 'bare', `${bare}.ts`);
        built.set(`bare:${bare}`, await bundle(entry, join(out, `bare-${bare}`)));
      }
      const fileOf = (key: string) => (built.get(key) as Built).file;

      const init = new Map<string, InitSample[]>();
      const record = (key: string, sample: InitSample) => init.set(key, [...(init.get(key) ?? []), sample]);
      // One untimed import of each first: the file system cache warm, as on a warm Lambda host.
      for (const entry of built.values()) await importTime(entry.file, [], initEnv());
      for (let i = 0; i < samples; i++) {
        for (const mode of MODES) {
          for (const name of functions) {
            record(`${mode.name}|${name}`, await importTime(fileOf(name), mode.execArgv, initEnv()));
            record(
              `${mode.name}|${name}|bare`,
              await importTime(fileOf(`bare:${BARE_FOR[name]}`), mode.execArgv, initEnv()),
            );
          }
        }
        context.log(`  init sample ${i + 1}/${samples}`);
      }
      const initOf = (mode: string, name: string, bare: boolean, pick: (s: InitSample) => number) =>
        (init.get(`${mode}|${name}${bare ? '|bare' : ''}`) ?? []).map(pick);
      const initRatio = (mode: string, name: string, pick: (s: InitSample) => number) =>
        ratio(median(initOf(mode, name, false, pick)), median(initOf(mode, name, true, pick)));

      const sizeTable = {
        headers: [
          'function',
          'minified',
          'gzip',
          'source map',
          'bare handler',
          'bare minified',
          'size ÷ bare',
        ],
        alignRight: [1, 2, 3, 5, 6],
        rows: functions.map((name) => {
          const ours = built.get(name) as Built;
          const bare = built.get(`bare:${BARE_FOR[name]}`) as Built;
          return [
            name,
            kib(ours.bytes),
            kib(ours.gzipBytes),
            kib(ours.mapBytes),
            `bare/${BARE_FOR[name]}`,
            kib(bare.bytes),
            times(ratio(ours.bytes, bare.bytes)),
          ];
        }),
      };
      const complete = built.get('complete') as Built;
      const bareVerify = built.get('bare:verify') as Built;
      const composition = {
        headers: ['package', 'in complete', 'in bare/verify', 'extra'],
        alignRight: [1, 2, 3],
        rows: Object.entries(complete.packages)
          .map(([pkg, bytes]) => ({ pkg, bytes, extra: bytes - (bareVerify.packages[pkg] ?? 0) }))
          .sort((a, b) => b.extra - a.extra)
          .slice(0, 12)
          .map(({ pkg, bytes, extra }) => [pkg, kib(bytes), kib(bareVerify.packages[pkg] ?? 0), kib(extra)]),
      };
      const initTables = MODES.map((mode) => ({
        mode,
        table: {
          headers: [
            'function',
            'init ms',
            'bare init ms',
            'wall ÷ bare',
            'init CPU ms',
            'bare CPU ms',
            'CPU ÷ bare',
          ],
          alignRight: [1, 2, 3, 4, 5, 6],
          rows: functions.map((name) => [
            name,
            withRange(
              initOf(mode.name, name, false, (s) => s.ms),
              1,
            ),
            withRange(
              initOf(mode.name, name, true, (s) => s.ms),
              1,
            ),
            times(initRatio(mode.name, name, (s) => s.ms)),
            withRange(
              initOf(mode.name, name, false, (s) => s.cpuMs),
              1,
            ),
            withRange(
              initOf(mode.name, name, true, (s) => s.cpuMs),
              1,
            ),
            times(initRatio(mode.name, name, (s) => s.cpuMs)),
          ]),
        },
      }));
      printTable('Bundles', sizeTable);
      printTable('What complete bundles beyond the bare handler (top 12)', composition);
      for (const { mode, table } of initTables) printTable(`Module init, ${mode.name}`, table);

      const verdicts = MODES.map((mode) => {
        const ratios = functions.map((name) => ({ name, r: initRatio(mode.name, name, (s) => s.ms) }));
        const missed = ratios.filter(({ r }) => !(r <= 1.3));
        const best = ratios.reduce((a, b) => (b.r < a.r ? b : a));
        const extra = Object.entries(complete.packages)
          .map(([pkg, bytes]) => ({ pkg, extra: bytes - (bareVerify.packages[pkg] ?? 0) }))
          .sort((a, b) => b.extra - a.extra)
          .slice(0, 2);
        return {
          target: `module init per function ≤ 1.3× the bare handler (wall, ${mode.name})`,
          met: missed.length === 0,
          measured:
            missed.length === 0
              ? `all ${ratios.length} met`
              : `${missed.length} of ${ratios.length} missed (${missed
                  .map(({ name, r }) => `${name} ${times(r)}`)
                  .join(', ')}); best ${best.name} ${times(best.r)}`,
          ...(missed.length === 0
            ? {}
            : {
                note:
                  `the bundles carry ${extra.map((e) => `${e.pkg} (${kib(e.extra)})`).join(' and ')} that the bare ` +
                  'handler does not, plus our modules’ own top-level work (config, zod schemas, logger, middy)' +
                  (mode.execArgv.length > 0
                    ? `; with --enable-source-maps Node also reads the ${kib(complete.mapBytes)} source map (bare: ${kib(bareVerify.mapBytes)})`
                    : ''),
              }),
        };
      });

      const section = [
        `## ${this.title}`,
        '',
        'Each `functions/*/handler.ts` built as serverless.yml builds it (esbuild: bundle, minify, esm, platform ' +
          'node, target node22, the createRequire banner, linked source map) into a temporary folder, and a bare ' +
          'handler from `bench/bare/` built the same way: it imports and constructs only the AWS SDK clients the ' +
          'function needs (verifying and event-publishing functions: DynamoDB document client, SQS, SSM, ' +
          'EventBridge; createOrder: DynamoDB, SQS, SSM; getOrder: DynamoDB) and does nothing.',
        '',
        markdownTable(sizeTable),
        '',
        'What `complete` carries beyond `bare/verify`, by package (bytes of minified output, from esbuild’s ' +
          'metafile):',
        '',
        markdownTable(composition),
        '',
        `Module init: \`performance.now()\` and the process’s CPU time around \`await import(bundle)\` in a fresh ` +
          `\`node\` process, ${samples} processes per bundle and mode, interleaved with the bare handler, after one ` +
          'untimed import of each (file cache warm); medians with the range. The environment is a deployed one ' +
          'pointed at loopback with plain keys (no SSM call; nothing is sent at init) and an EventBridge bus ' +
          'name, as the default stage has.',
        '',
        ...initTables.flatMap(({ mode, table }) => [`### ${mode.name}`, '', markdownTable(table), '']),
      ].join('\n');

      return {
        section,
        targets: verdicts,
        figures: {
          sizes: Object.fromEntries(
            [...built].map(([name, entry]) => [
              name,
              {
                bytes: entry.bytes,
                gzipBytes: entry.gzipBytes,
                mapBytes: entry.mapBytes,
                packages: entry.packages,
              },
            ]),
          ),
          init: Object.fromEntries(init),
        },
      };
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  },
};

/** A deployed function's environment pointed at a closed loopback port, with plain keys. */
function initEnv(): NodeJS.ProcessEnv {
  return {
    ...functionEnv(
      {
        dynamoEndpoint: 'http://127.0.0.1:9',
        ordersTable: 'bench-orders',
        sandboxUrl: 'http://127.0.0.1:9',
        sandboxV2Url: 'http://127.0.0.1:9',
        receiverUrl: 'http://127.0.0.1:9/events',
      },
      false,
    ),
    // As deployed: the stack's own bus is configured, so the verifying functions build an EventBridge client.
    EVENT_BUS_NAME: 'bench-orders-bus',
    RETRY_DLQ_URL: 'http://127.0.0.1:9/000000000000/retry-dlq',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

async function bundle(entry: string, outdir: string): Promise<Built> {
  const file = join(outdir, 'handler.mjs');
  const result = await build({
    entryPoints: [entry],
    outfile: file,
    bundle: true,
    minify: true,
    sourcemap: 'linked',
    target: 'node22',
    platform: 'node',
    format: 'esm',
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    metafile: true,
    logLevel: 'error',
  });
  const code = await readFile(file);
  return {
    file,
    bytes: code.byteLength,
    gzipBytes: gzipSync(code).byteLength,
    mapBytes: (await stat(`${file}.map`)).size,
    packages: packagesOf(result.metafile),
  };
}

function packagesOf(metafile: Metafile): Record<string, number> {
  const packages: Record<string, number> = {};
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const name = match?.[1] ?? '(project)';
      packages[name] = (packages[name] ?? 0) + bytesInOutput;
    }
  }
  return packages;
}

async function importTime(
  file: string,
  execArgv: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<InitSample> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [...execArgv, '--input-type=module', '-e', IMPORT_SCRIPT, pathToFileURL(file).href],
    { env, timeout: 30_000 },
  );
  return JSON.parse(stdout) as InitSample;
}
