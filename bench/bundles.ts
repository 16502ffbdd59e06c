/**
 * Per deployed function (every entry of serverless.yml `functions`): the bundle as serverless.yml builds
 * it (its `custom.esbuild` options, read from the file, so a flag changed there is measured here) and its
 * module init time, against a bare handler (`bench/bare/`) built the same way that imports and builds
 * only what the function cannot do without: the AWS SDK clients it uses, with their commands, and undici
 * where it calls Iamport or PortOne. That bare handler is the floor.
 *
 * Init time: `performance.now()` (and the process's CPU time) around `await import(bundle)` in a fresh
 * `node` process, on the node running this benchmark and on the other of Node 20 and Node 22 (from npm,
 * `npx -p node@22`), many times, each function and its floor one after the other, median (a floor's
 * samples pooled over the functions that share it); the environment points every endpoint
 * at loopback and gives plain keys, so no network call happens (the verifying functions' top-level await
 * resolves the keys without SSM, but loads the SSM client as deployed). Measured as deployed (no source
 * maps since BENCHMARKS P3).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { type EsbuildDeployment, readEsbuildDeployment } from '../local/esbuildDeployment';
import { projectRoot } from './lib/child';
import { fmt, kib, median, ratio, times, withRange } from './lib/stats';
import { functionEnv } from './lib/sut';
import { markdownTable, printTable } from './lib/table';
import type { BenchContext, Benchmark, BenchOutcome } from './lib/types';

/** Which bare handler is the floor of which deployed function: what it cannot do without. */
const BARE_FOR: Record<string, string> = {
  complete: 'verify',
  v2Complete: 'verify',
  mobile: 'verify',
  v2Redirect: 'verify',
  webhook: 'verify',
  v2Webhook: 'verify',
  retryConsumer: 'verify',
  // The ledger check verifies (and refunds) through the same ports, and publishes its findings.
  ledgerCheck: 'verify',
  createOrder: 'createOrder',
  getOrder: 'getOrder',
  sweeper: 'sweeper',
  deliverEvents: 'deliverEvents',
};

/** The target of issue 15 §2: module init per function against its floor. */
const TARGET_RATIO = 1.2;

/**
 * Rounds for a function with a small floor, as a multiple of the others'. The host disturbs one import
 * by a few milliseconds whatever its size, so on a floor of 40-60 ms (a third of the large ones) the
 * same disturbance moves the ratio three times as much: 21 paired rounds left its median ±0.05 from run
 * to run, the whole margin a 1.2× target leaves. Three times the rounds narrow that by √3.
 */
const SMALL_FLOOR_ROUNDS = 3;
const SMALL_FLOORS = new Set(['getOrder', 'sweeper', 'deliverEvents']);

interface Built {
  /** The entry file, which the runtime imports. */
  file: string;
  /** Every file of the build (with splitting: the entry and its chunks), what the package ships. */
  bytes: number;
  gzipBytes: number;
  mapBytes: number;
  /** What loading the entry reads: it and the chunks it imports statically (not those it `import()`s). */
  initBytes: number;
  /** Bytes of the entry and its static chunks per npm package (`(project)` for our own code). */
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
    const samples = context.quick ? 3 : 21;
    const out = await mkdtemp(join(tmpdir(), 'iamport-bench-bundles-'));
    try {
      const deployment = await readEsbuildDeployment();
      const functions = Object.keys(deployment.functions);
      const unmatched = functions.filter((name) => !(name in BARE_FOR));
      if (unmatched.length > 0) throw new Error(`bench/bundles.ts: no floor for ${unmatched.join(', ')}`);
      const built = new Map<string, Built>();
      for (const name of functions) {
        const entry = join(projectRoot, deployment.functions[name] as string);
        built.set(name, await bundle(entry, join(out, name), deployment));
      }
      for (const bare of new Set(Object.values(BARE_FOR))) {
        const entry = join(projectRoot, 'bench', 'bare', `${bare}.ts`);
        built.set(`bare:${bare}`, await bundle(entry, join(out, `bare-${bare}`), deployment));
      }
      const fileOf = (key: string) => (built.get(key) as Built).file;
      const floorOf = (name: string) => `bare:${BARE_FOR[name]}`;

      const runtimes = await initRuntimes(context);
      // One untimed import of each first: the file system cache warm, as on a warm Lambda host.
      for (const runtime of runtimes) {
        for (const entry of built.values()) await importTime(runtime.execPath, entry.file, initEnv());
      }
      const init = new Map<string, InitSample[]>();
      // A floor's samples are pooled over the functions it is the floor of (eight share bare/verify)
      // for its own figures; each function's ratio pairs it with the floor sample taken right beside it.
      const keyOf = (runtime: Runtime, bundleKey: string) => `${runtime.version}|${bundleKey}`;
      const record = (key: string, sample: InitSample) => init.set(key, [...(init.get(key) ?? []), sample]);
      const pairs = new Map<string, { ours: InitSample; floor: InitSample }[]>();
      const roundsOf = (name: string) =>
        SMALL_FLOORS.has(BARE_FOR[name] ?? '') ? samples * SMALL_FLOOR_ROUNDS : samples;
      const allRounds = Math.max(...functions.map(roundsOf));
      for (let i = 0; i < allRounds; i++) {
        for (const name of functions) {
          if (i >= roundsOf(name)) continue;
          // Each function beside its floor on every runtime, the order swapped every other round.
          for (const runtime of runtimes) {
            const pair = [name, floorOf(name)];
            const taken = new Map<string, InitSample>();
            for (const key of i % 2 === 0 ? pair : pair.reverse()) {
              const sample = await importTime(runtime.execPath, fileOf(key), initEnv());
              record(keyOf(runtime, key), sample);
              taken.set(key, sample);
            }
            const round = {
              ours: taken.get(name) as InitSample,
              floor: taken.get(floorOf(name)) as InitSample,
            };
            pairs.set(keyOf(runtime, name), [...(pairs.get(keyOf(runtime, name)) ?? []), round]);
          }
        }
        context.log(`  init sample ${i + 1}/${allRounds}`);
      }
      const initOf = (runtime: Runtime, name: string, bare: boolean, pick: (s: InitSample) => number) =>
        (init.get(keyOf(runtime, bare ? floorOf(name) : name)) ?? []).map(pick);
      /**
       * The median over rounds of each round's ratio: the host's load drifts over seconds (the same floor's
       * median moved from 113 to 144 ms between two runs minutes apart), and a pair taken back to back
       * shares it, so a paired ratio cancels what a ratio of two medians keeps.
       */
      const initRatio = (runtime: Runtime, name: string, pick: (s: InitSample) => number) =>
        median(
          (pairs.get(keyOf(runtime, name)) ?? []).map(({ ours, floor }) => ratio(pick(ours), pick(floor))),
        );

      const sizeTable = {
        headers: [
          'function',
          'entry + static chunks',
          'all files',
          'gzip',
          'source maps',
          'floor',
          'floor entry + static',
          'static ÷ floor',
        ],
        alignRight: [1, 2, 3, 4, 6, 7],
        rows: functions.map((name) => {
          const ours = built.get(name) as Built;
          const bare = built.get(floorOf(name)) as Built;
          return [
            name,
            kib(ours.initBytes),
            kib(ours.bytes),
            kib(ours.gzipBytes),
            kib(ours.mapBytes),
            `bare/${BARE_FOR[name]}`,
            kib(bare.initBytes),
            times(ratio(ours.initBytes, bare.initBytes)),
          ];
        }),
      };
      const extraOf = (name: string) => {
        const ours = built.get(name) as Built;
        const bare = built.get(floorOf(name)) as Built;
        return Object.entries(ours.packages)
          .map(([pkg, bytes]) => ({
            pkg,
            bytes,
            floor: bare.packages[pkg] ?? 0,
            extra: bytes - (bare.packages[pkg] ?? 0),
          }))
          .sort((a, b) => b.extra - a.extra);
      };
      const compositionOf = (name: string) => ({
        headers: ['package', `in ${name}`, `in bare/${BARE_FOR[name]}`, 'extra'],
        alignRight: [1, 2, 3],
        rows: extraOf(name)
          .slice(0, 10)
          .map(({ pkg, bytes, floor, extra }) => [pkg, kib(bytes), kib(floor), kib(extra)]),
      });
      const compositions = ['complete', 'getOrder']
        .filter((name) => built.has(name))
        .map((name) => ({ name, table: compositionOf(name) }));
      const initTableOf = (runtime: Runtime) => ({
        headers: [
          'function',
          'init ms',
          'floor init ms',
          'wall ÷ floor',
          'init CPU ms',
          'floor CPU ms',
          'CPU ÷ floor',
        ],
        alignRight: [1, 2, 3, 4, 5, 6],
        rows: functions.map((name) => [
          name,
          withRange(
            initOf(runtime, name, false, (s) => s.ms),
            1,
          ),
          withRange(
            initOf(runtime, name, true, (s) => s.ms),
            1,
          ),
          times(initRatio(runtime, name, (s) => s.ms)),
          withRange(
            initOf(runtime, name, false, (s) => s.cpuMs),
            1,
          ),
          withRange(
            initOf(runtime, name, true, (s) => s.cpuMs),
            1,
          ),
          times(initRatio(runtime, name, (s) => s.cpuMs)),
        ]),
      });
      printTable('Bundles', sizeTable);
      for (const { name, table } of compositions)
        printTable(`What ${name} bundles beyond its floor (top 10)`, table);
      for (const runtime of runtimes)
        printTable(`Module init, as deployed (Node ${runtime.version})`, initTableOf(runtime));

      const verdictOf = (runtime: Runtime) => {
        const ratios = functions.map((name) => ({ name, r: initRatio(runtime, name, (s) => s.ms) }));
        const missed = ratios.filter(({ r }) => !(r <= TARGET_RATIO));
        const worst = ratios.reduce((a, b) => (b.r > a.r ? b : a));
        const extra = extraOf(worst.name).slice(0, 3);
        return {
          target: `module init per function ≤ ${TARGET_RATIO}× its floor (wall, as deployed, Node ${runtime.version})`,
          met: missed.length === 0,
          measured:
            missed.length === 0
              ? `all ${ratios.length} met; worst ${worst.name} ${times(worst.r)}`
              : `${missed.length} of ${ratios.length} missed (${missed
                  .map(({ name, r }) => `${name} ${times(r)}`)
                  .join(', ')})`,
          ...(missed.length === 0
            ? {}
            : {
                note:
                  `${worst.name} loads ${extra.map((e) => `${e.pkg} (${kib(e.extra)})`).join(', ')} beyond its ` +
                  `floor (${fmt(median(initOf(runtime, worst.name, true, (s) => s.ms)), 1)} ms), and runs our top-level work`,
              }),
        };
      };
      const missing = WANTED_MAJORS.filter(
        (major) => !runtimes.some((r) => r.version.startsWith(`v${major}.`)),
      );
      const unmeasured = missing.map((major) => ({
        target: `module init per function ≤ ${TARGET_RATIO}× its floor (wall, as deployed, Node ${major})`,
        met: false,
        measured: 'not measured',
        note: `no Node ${major} found (npx -p node@${major} could not run)`,
      }));

      const section = [
        `## ${this.title}`,
        '',
        'Every function of serverless.yml built with its `custom.esbuild` options into a folder of its own (as ' +
          'serverless-esbuild does; with code splitting, the entry and its chunks), and ' +
          'its floor from `bench/bare/` built the same way: a bare handler that imports and builds only the AWS ' +
          'SDK clients the function uses, with the commands it sends, and undici where it calls Iamport or ' +
          'PortOne (verifying functions: DynamoDB document client, SQS, SSM, EventBridge, undici; createOrder: ' +
          'DynamoDB, SQS, SSM, undici; getOrder: DynamoDB; sweeper: DynamoDB, SQS, EventBridge; deliverEvents: DynamoDB, EventBridge), and does nothing.',
        '',
        '“Entry + static chunks” is what loading the handler reads before any of its code runs; the chunks it ' +
          'imports on demand (the clients `createPorts` builds at a cold start, a webhook target) come on top when ' +
          'used; “all files” is what the package ships.',
        '',
        markdownTable(sizeTable),
        '',
        ...compositions.flatMap(({ name, table }) => [
          `What \`${name}\` loads statically beyond its floor, by package (bytes of minified output, from esbuild’s metafile):`,
          '',
          markdownTable(table),
          '',
        ]),
        `Module init on ${runtimes.map((r) => `Node ${r.version}`).join(' and ')} (deployed: Node 22): \`performance.now()\` and the process’s CPU time around \`await import(bundle)\` ` +
          `in a fresh \`node\` process, ${samples} processes per function (${samples * SMALL_FLOOR_ROUNDS} for the functions on the small floors: ${[...SMALL_FLOORS].join(', ')}), each beside its floor (the order swapped ` +
          'every other round); the ratios are medians of each round’s ratio to the floor sample taken beside it (a floor’s own figures pool its samples over the functions it is the floor of), after one untimed import of each (file cache warm); medians with the range. The ' +
          'environment is a deployed one pointed at loopback with plain keys (no SSM call; nothing is sent at ' +
          'init), an EventBridge bus name as the default stage has, and PortOne V2 configured.',
        '',
        ...runtimes.flatMap((runtime) => [
          `Node ${runtime.version}:`,
          '',
          markdownTable(initTableOf(runtime)),
          '',
        ]),
      ].join('\n');

      return {
        section,
        targets: [...runtimes.map(verdictOf), ...unmeasured],
        figures: {
          node: process.version,
          runtimes: runtimes.map((r) => r.version),
          sizes: Object.fromEntries(
            [...built].map(([name, entry]) => [
              name,
              {
                bytes: entry.bytes,
                initBytes: entry.initBytes,
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
    // The ledger check's own table (serverless.yml gives it that function alone).
    LEDGER_TABLE: 'bench-ledger-checks',
    // A stage serving PortOne V2 beside V1, so that the V2 functions build what they serve with.
    PORTONE_BASE_URL: 'http://127.0.0.1:9',
    PORTONE_API_SECRET: 'bench-portone-secret',
    PORTONE_WEBHOOK_SECRETS: `whsec_${Buffer.from('bench-webhook-secret-32-bytes!!!').toString('base64')}`,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/** Builds one entry as serverless-esbuild does: into a folder of its own, chunks beside it. */
async function bundle(entry: string, outdir: string, deployment: EsbuildDeployment): Promise<Built> {
  const result = await build({
    ...deployment.esbuild,
    entryPoints: [entry],
    outdir,
    outExtension: { '.js': deployment.extension },
    absWorkingDir: projectRoot,
    metafile: true,
    logLevel: 'error',
  });
  const outputs = result.metafile.outputs;
  const code = Object.keys(outputs).filter((path) => !path.endsWith('.map'));
  const main = code.find(
    (path) =>
      outputs[path]?.entryPoint !== undefined && join(projectRoot, outputs[path]?.entryPoint ?? '') === entry,
  );
  if (main === undefined) throw new Error(`bench/bundles.ts: no output for ${entry}`);
  const atInit = staticClosure(outputs, main);
  const texts = await Promise.all(code.map((path) => readFile(join(projectRoot, path))));
  const maps = Object.keys(outputs).filter((path) => path.endsWith('.map'));
  return {
    file: join(projectRoot, main),
    bytes: texts.reduce((sum, text) => sum + text.byteLength, 0),
    gzipBytes: texts.reduce((sum, text) => sum + gzipSync(text).byteLength, 0),
    mapBytes: maps.reduce((sum, path) => sum + (outputs[path]?.bytes ?? 0), 0),
    initBytes: atInit.reduce((sum, path) => sum + (outputs[path]?.bytes ?? 0), 0),
    packages: packagesOf(atInit.map((path) => outputs[path] as Metafile['outputs'][string])),
  };
}

/** The output files a cold start reads: `main` and what it imports statically, transitively. */
function staticClosure(outputs: Metafile['outputs'], main: string): string[] {
  const seen = new Set<string>();
  const next = [main];
  for (let path = next.pop(); path !== undefined; path = next.pop()) {
    if (seen.has(path)) continue;
    seen.add(path);
    for (const imported of outputs[path]?.imports ?? []) {
      if (imported.kind === 'import-statement' && imported.path in outputs) next.push(imported.path);
    }
  }
  return [...seen];
}

function packagesOf(outputs: readonly Metafile['outputs'][string][]): Record<string, number> {
  const packages: Record<string, number> = {};
  for (const output of outputs) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const name = match?.[1] ?? '(project)';
      packages[name] = (packages[name] ?? 0) + bytesInOutput;
    }
  }
  return packages;
}

async function importTime(execPath: string, file: string, env: NodeJS.ProcessEnv): Promise<InitSample> {
  const { stdout } = await promisify(execFile)(
    execPath,
    ['--input-type=module', '-e', IMPORT_SCRIPT, pathToFileURL(file).href],
    { env, timeout: 30_000 },
  );
  return JSON.parse(stdout) as InitSample;
}

/** The target names both: Node 22 is the deployed runtime, Node 20 the one this machine has. */
const WANTED_MAJORS = [20, 22] as const;

interface Runtime {
  version: string;
  execPath: string;
}

/**
 * The node running the benchmark, and a node of every other wanted major from npm (`npx -p
 * node@22`, cached after the first run); one that cannot be had is reported as not measured.
 */
async function initRuntimes(context: BenchContext): Promise<Runtime[]> {
  const runtimes: Runtime[] = [{ version: process.version, execPath: process.execPath }];
  for (const major of WANTED_MAJORS) {
    if (process.version.startsWith(`v${major}.`)) continue;
    try {
      const { stdout } = await promisify(execFile)(
        'npx',
        ['-y', '-p', `node@${major}`, 'node', '-p', 'JSON.stringify([process.version, process.execPath])'],
        { timeout: 180_000 },
      );
      const [version, execPath] = JSON.parse(stdout.trim()) as [string, string];
      runtimes.push({ version, execPath });
    } catch (error) {
      context.log(
        `  no Node ${major}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
      );
    }
  }
  return runtimes;
}
