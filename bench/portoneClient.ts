/**
 * Our PortOne V2 client against PortOne's own `@portone/server-sdk` (its `PaymentClient`, on Node's
 * global `fetch`) and a bare undici `Pool` loop: 1,000 `GET /payments/{paymentId}` through the sandbox's
 * V2 API, in one process, a fresh client per run, sequentially and with 10 lookups in flight.
 */
import { PaymentClient } from '@portone/server-sdk/payment';
import { Pool } from 'undici';
import { demoV2ApiSecret, demoV2StoreId } from '../sandbox/index';
import { createPortOneClient } from '../shared/portone';
import { interleavedRuns, resultKey } from './lib/interleave';
import { mapLimit } from './lib/pool';
import { fmt, median, ratio, times, withRange } from './lib/stats';
import { markdownTable, printTable } from './lib/table';
import type { Benchmark, BenchOutcome } from './lib/types';

interface Contender {
  name: string;
  create(baseUrl: string): { lookup(paymentId: string): Promise<string>; close(): Promise<void> };
}

const CONTENDERS: Contender[] = [
  {
    name: 'ours (shared/portone)',
    create(baseUrl) {
      const client = createPortOneClient({ baseUrl, secret: demoV2ApiSecret, storeId: demoV2StoreId });
      return { lookup: async (id) => (await client.getPayment(id)).id, close: () => client.close() };
    },
  },
  {
    name: '@portone/server-sdk 0.19.0',
    create(baseUrl) {
      const client = PaymentClient({ secret: demoV2ApiSecret, baseUrl });
      return {
        lookup: async (paymentId) => {
          const payment = await client.getPayment({ paymentId });
          return 'id' in payment ? payment.id : '';
        },
        close: async () => undefined,
      };
    },
  },
  {
    name: 'bare undici Pool loop',
    create(baseUrl) {
      // What any client must at least do: GET + read + JSON.parse on kept-alive sockets. No validation,
      // no deadline, no error mapping.
      const pool = new Pool(baseUrl, { connections: 10 });
      return {
        lookup: async (paymentId) => {
          const response = await pool.request({
            method: 'GET',
            path: `/payments/${encodeURIComponent(paymentId)}`,
            headers: { authorization: `PortOne ${demoV2ApiSecret}` },
          });
          return ((await response.body.json()) as { id: string }).id;
        },
        close: () => pool.close(),
      };
    },
  },
];

const MODES = [
  { name: 'sequential', inFlight: 1 },
  { name: '10 in flight', inFlight: 10 },
] as const;

interface RunFigures {
  wallMs: number;
  cpuMs: number;
  wrong: number;
}

async function seedV2Payments(sandboxUrl: string, count: number): Promise<string[]> {
  const control = new Pool(sandboxUrl, { connections: 8 });
  try {
    return await mapLimit(
      Array.from({ length: count }, (_, i) => `bench-v2-${Date.now()}-${i}`),
      8,
      async (paymentId, i) => {
        const response = await control.request({
          method: 'POST',
          path: '/__sandbox/v2/payments',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ paymentId, amount: 1000 + i, notify: false }),
        });
        await response.body.dump();
        if (response.statusCode !== 201)
          throw new Error(`sandbox refused V2 payment ${i}: ${response.statusCode}`);
        return paymentId;
      },
    );
  } finally {
    await control.close();
  }
}

export const portoneClient: Benchmark = {
  name: 'portoneClient',
  title: 'PortOne V2 client: 1,000 lookups through the sandbox',
  async run(context): Promise<BenchOutcome> {
    const infra = await context.infra();
    const baseUrl = infra.info.sandboxV2Url;
    const runs = context.quick ? 2 : 15;
    const lookups = 1000;
    const paymentIds = await seedV2Payments(infra.info.sandboxUrl, 100);
    const ids = Array.from({ length: lookups }, (_, i) => paymentIds[i % paymentIds.length] as string);
    const key = resultKey;

    async function measure(contender: Contender, inFlight: number, list: string[]): Promise<RunFigures> {
      const instance = contender.create(baseUrl);
      let wrong = 0;
      const cpu = process.cpuUsage();
      const started = performance.now();
      await mapLimit(list, inFlight, async (paymentId) => {
        if ((await instance.lookup(paymentId)) !== paymentId) wrong += 1;
      });
      const wallMs = performance.now() - started;
      const used = process.cpuUsage(cpu);
      await instance.close();
      return { wallMs, cpuMs: (used.user + used.system) / 1000, wrong };
    }

    const results = await interleavedRuns({
      contenders: CONTENDERS,
      modes: MODES,
      runs,
      warmUp: (contender) => measure(contender, 1, ids.slice(0, 200)),
      measure: (contender, mode) => measure(contender, mode.inFlight, ids),
      describe: (figures) => `${fmt(figures.wallMs)} ms`,
      log: (message) => context.log(message),
    });

    const wallOf = (mode: string, contender: Contender) =>
      median((results.get(key(mode, contender.name)) ?? []).map((r) => r.wallMs));
    const [ours, sdk, bare] = CONTENDERS as [Contender, Contender, Contender];
    const tables = MODES.map((mode) => ({
      mode,
      table: {
        headers: [
          'client',
          'wall ms (1,000 lookups)',
          'lookups/s',
          'client CPU ms',
          'time ÷ ours',
          'time ÷ bare loop',
        ],
        alignRight: [1, 2, 3, 4, 5],
        rows: CONTENDERS.map((contender) => {
          const list = results.get(key(mode.name, contender.name)) ?? [];
          const wall = wallOf(mode.name, contender);
          const wrong = list.reduce((total, r) => total + r.wrong, 0);
          return [
            `${contender.name}${wrong > 0 ? ` (${wrong} wrong answers)` : ''}`,
            withRange(list.map((r) => r.wallMs)),
            fmt((lookups / wall) * 1000),
            withRange(list.map((r) => r.cpuMs)),
            times(ratio(wall, wallOf(mode.name, ours))),
            times(ratio(wall, wallOf(mode.name, bare))),
          ];
        }),
      },
    }));
    for (const { mode, table } of tables) printTable(`PortOne V2 client, ${mode.name}`, table);

    const targets = MODES.map((mode) => {
      const vsSdk = ratio(wallOf(mode.name, sdk), wallOf(mode.name, ours));
      return {
        target: `V2 client at least as fast as @portone/server-sdk on 1,000 lookups (${mode.name})`,
        met: vsSdk >= 1,
        measured: `${times(vsSdk)} the SDK's speed`,
      };
    });
    const section = [
      `## ${this.title}`,
      '',
      `${fmt(lookups)} \`GET /payments/{paymentId}\` over 100 sandbox V2 payments per run, a fresh client per ` +
        `run, ${runs} runs per client, interleaved; wall time median with the range of the runs. Every answer ` +
        'is checked to be the payment asked for. The SDK runs on Node’s global `fetch` (undici inside, no ' +
        'deadline, no validation); ours adds a per-call deadline and valibot validation of the payment.',
      '',
      ...tables.flatMap(({ mode, table }) => [`### ${mode.name}`, '', markdownTable(table), '']),
    ].join('\n');
    return { section, targets, figures: Object.fromEntries(results) };
  },
};
