/**
 * Load: concurrent webhooks for a handful of payments. autocannon with 200 connections against
 * `POST /payments/webhook` (our deployed handler module over node:http), requests cycling over 50 paid
 * payments with JSON and form bodies mixed, as Iamport's two formats. Afterwards every order must have
 * moved to `paid` exactly once (one history entry, version 2), every answer must be a 2xx saying `paid`,
 * and with an event target every order event must have reached the receiver exactly once.
 */
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { drive } from './lib/drive';
import { type Counts, sum } from './lib/infra';
import { mapLimit } from './lib/pool';
import { type SeededPayment, seedPaidOrders } from './lib/seed';
import { fmt, median, percentile, withRange } from './lib/stats';
import { describeSut, type SutOptions, startSut } from './lib/sut';
import { markdownTable, printTable } from './lib/table';
import type { Benchmark, BenchOutcome } from './lib/types';

const CONFIGS: SutOptions[] = [
  { kind: 'ours', fn: 'webhook' },
  { kind: 'ours', fn: 'webhook', eventTarget: true },
];
const PAYMENTS = 50;
const CONNECTIONS = 200;

interface RunFigures {
  completed: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** non-2xx + connection errors + timeouts. */
  errors: number;
  /** 2xx answers whose status was not `paid`. */
  wrongAnswers: number;
  /** Orders not in `paid`, or with other than exactly one `paid` transition, or not at version 2. */
  badOrders: number;
  /** With an event target: events not delivered exactly once (missing, duplicated or unexpected). */
  badEvents: number;
  deliveries: number;
  counts: Counts;
}

export const load: Benchmark = {
  name: 'load',
  title: 'Load: 200 concurrent connections of webhooks for 50 payments',
  async run(context): Promise<BenchOutcome> {
    const infra = await context.infra();
    const runs = context.quick ? 1 : 3;
    const perPayment = context.quick ? 10 : 40;
    const amount = PAYMENTS * perPayment;
    const results = new Map<SutOptions, RunFigures[]>(CONFIGS.map((config) => [config, []]));
    for (const config of CONFIGS) {
      const sut = await startSut(infra, config);
      try {
        for (let run = 0; run < runs; run++) {
          const payments = await seedPaidOrders(
            { doc: infra.doc, ...infra.info },
            `load_${config.eventTarget ? 'ev' : 'no'}_${run}`,
            PAYMENTS,
          );
          await infra.call('reset', null);
          let wrongAnswers = 0;
          const result = await drive({
            url: sut.info.url,
            path: '/payments/webhook',
            connections: CONNECTIONS,
            amount,
            payments,
            body: (payment) => ({
              imp_uid: payment.imp_uid,
              merchant_uid: payment.merchant_uid,
              status: 'paid',
            }),
            onResponse: (status, body) => {
              if (status >= 200 && status < 300 && !body.includes('"status":"paid"')) wrongAnswers += 1;
            },
          });
          const counts = await infra.call('counts', null);
          const badOrders = await checkOrders(infra.doc, infra.info.ordersTable, payments);
          const deliveries = await infra.call('deliveries', null);
          const expectedIds = new Set(payments.map((p) => `${p.merchant_uid}:2`));
          const badEvents = config.eventTarget
            ? [...expectedIds].filter((id) => deliveries[id] !== 1).length +
              Object.keys(deliveries).filter((id) => !expectedIds.has(id)).length
            : Object.keys(deliveries).length;
          const figures: RunFigures = {
            completed: result.completed,
            perSecond: result.perSecond,
            p50: percentile(result.latencies, 50),
            p99: percentile(result.latencies, 99),
            errors: result.non2xx + result.errors + result.timeouts,
            wrongAnswers,
            badOrders,
            badEvents,
            deliveries: counts.deliveries,
            counts,
          };
          results.get(config)?.push(figures);
          context.log(
            `  run ${run + 1}/${runs} ${describeSut(config)}: ${fmt(figures.perSecond)}/s, ${figures.errors} errors, ` +
              `${figures.badOrders} bad orders, ${figures.badEvents} bad events`,
          );
        }
      } finally {
        await sut.stop();
      }
    }

    const table = {
      headers: [
        'configuration',
        'requests',
        'webhooks/s',
        'p50 ms',
        'p99 ms',
        'errors',
        'orders paid exactly once',
        'events delivered exactly once',
        'Iamport calls / request',
        'DynamoDB req / request',
      ],
      alignRight: [1, 2, 3, 4, 5, 8, 9],
      rows: CONFIGS.map((config) => {
        const list = results.get(config) ?? [];
        const total = (pick: (r: RunFigures) => number) => list.reduce((acc, r) => acc + pick(r), 0);
        const orders = PAYMENTS * list.length;
        return [
          describeSut(config),
          fmt(total((r) => r.completed)),
          withRange(list.map((r) => r.perSecond)),
          withRange(
            list.map((r) => r.p50),
            1,
          ),
          withRange(
            list.map((r) => r.p99),
            1,
          ),
          fmt(total((r) => r.errors + r.wrongAnswers)),
          `${fmt(orders - total((r) => r.badOrders))} / ${fmt(orders)}`,
          config.eventTarget
            ? `${fmt(orders - total((r) => r.badEvents))} / ${fmt(orders)} (${fmt(total((r) => r.deliveries))} deliveries)`
            : '—',
          fmt(median(list.map((r) => sum(r.counts.iamport) / r.completed)), 2),
          `${fmt(median(list.map((r) => sum(r.counts.dynamo) / r.completed)), 2)} (${dynamoOps(list)})`,
        ];
      }),
    };
    printTable('Load', table);

    const all = [...results.values()].flat();
    const errors = all.reduce((acc, r) => acc + r.errors + r.wrongAnswers, 0);
    const bad = all.reduce((acc, r) => acc + r.badOrders + r.badEvents, 0);
    const section = [
      `## ${this.title}`,
      '',
      `autocannon, ${CONNECTIONS} connections, ${fmt(amount)} webhooks per run (${perPayment} per payment), each ` +
        `run on ${PAYMENTS} freshly paid payments, requests cycling over them with JSON and form-urlencoded bodies ` +
        `alternating; ${runs} runs per configuration; medians with the range. Afterwards each order is read ` +
        '(consistent read): it must be `paid` with exactly one `paid` transition in its history and version 2. ' +
        'Every answer must be a 2xx whose body says `paid`. With the event target, the receiver must have got each ' +
        'order’s `order.paid` event exactly once.',
      '',
      markdownTable(table),
      '',
      '- Concurrent notices for one payment race on the hot path’s conditional `UpdateItem`: one wins, the ' +
        'others fail the condition, read the order (consistent) and answer `paid` without writing.',
    ].join('\n');
    return {
      section,
      targets: [
        {
          target: 'load: 0 errors and exactly-once transitions under 200 concurrent connections',
          met: errors === 0 && bad === 0 && all.length > 0,
          measured: `${errors} errors, ${bad} orders or events not exactly once, over ${fmt(
            all.reduce((acc, r) => acc + r.completed, 0),
          )} webhooks`,
        },
      ],
      figures: Object.fromEntries(CONFIGS.map((config) => [describeSut(config), results.get(config)])),
    };
  },
};

async function checkOrders(
  doc: DynamoDBDocumentClient,
  tableName: string,
  payments: SeededPayment[],
): Promise<number> {
  const verdicts = await mapLimit(payments, 8, async (payment) => {
    const { Item } = await doc.send(
      new GetCommand({
        TableName: tableName,
        Key: { merchant_uid: payment.merchant_uid },
        ConsistentRead: true,
      }),
    );
    const history = Array.isArray(Item?.history) ? (Item.history as { to?: unknown }[]) : [];
    const paid = history.filter((entry) => entry.to === 'paid').length;
    return Item?.status === 'paid' && paid === 1 && Item.version === 2 && Item.imp_uid === payment.imp_uid;
  });
  return verdicts.filter((ok) => !ok).length;
}

function dynamoOps(list: RunFigures[]): string {
  const ops = [...new Set(list.flatMap((r) => Object.keys(r.counts.dynamo)))].sort();
  return ops
    .map((op) => `${op} ${fmt(median(list.map((r) => (r.counts.dynamo[op] ?? 0) / r.completed)), 2)}`)
    .join(', ');
}
