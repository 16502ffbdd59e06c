/**
 * Round trips per verification, COUNTED by the services themselves (dynalite counts the DynamoDB requests
 * it receives, the sandbox logs every Iamport API call, the receiver counts event deliveries), one
 * request at a time through the real HTTP stack:
 * - cold: the first request a fresh process serves (it also fetches the Iamport token);
 * - hot path: a first `paid` for a pending order, on a warm process (several payments, each counted);
 * - duplicate: the same payment verified again (a second notice, the callback after the webhook).
 * For ours without and with an event target (one more write per transition removes the delivered event
 * from the outbox), on both entry points, and for the guide-pattern reference; ours on two engines:
 * DynamoDB's answers (a refused condition returns the stored item, ALL_OLD: local/dynamoAnswers.ts in
 * front of dynalite) and dynalite's own (it ignores ALL_OLD: the store reads instead). DynamoDB requests
 * are counted where the function sends them (that proxy), so both engines are counted alike.
 */
import { request } from 'undici';
import { type DynamoAnswersProxy, startDynamoAnswersProxy } from '../local/dynamoAnswers';
import { type Counts, sum } from './lib/infra';
import { type SeededPayment, seedPaidOrders } from './lib/seed';
import { fmt } from './lib/stats';
import { deliveredAfter, describeSut, type SutOptions, startSut } from './lib/sut';
import { markdownTable, printTable } from './lib/table';
import type { Benchmark, BenchOutcome } from './lib/types';

/** Where the function's DynamoDB requests go: DynamoDB's answer shape, or dynalite's. */
type Engine = 'DynamoDB' | 'dynalite';

interface Config {
  sut: SutOptions;
  engine: Engine;
}

const OURS: SutOptions[] = [
  { kind: 'ours', fn: 'complete' },
  { kind: 'ours', fn: 'webhook' },
  { kind: 'ours', fn: 'complete', eventTarget: true },
  { kind: 'ours', fn: 'webhook', eventTarget: true },
];
const CONFIGS: Config[] = [
  ...(['DynamoDB', 'dynalite'] as const).flatMap((engine) => OURS.map((sut) => ({ sut, engine }))),
  { sut: { kind: 'reference', fn: 'complete' }, engine: 'dynalite' },
];

const label = (config: Config) => `${describeSut(config.sut)} · ${config.sut.fn} · ${config.engine}`;

type Case = 'cold' | 'hot path' | 'duplicate';

interface Sample {
  config: Config;
  case: Case;
  status: number;
  /** `dynamo`: what the function sent during the request. */
  counts: Counts;
  /** DynamoDB requests after the request: the delivery function's (and nothing else's). */
  afterRequest: number;
}

export const roundTrips: Benchmark = {
  name: 'roundtrips',
  title: 'Round trips per verification (counted)',
  async run(context): Promise<BenchOutcome> {
    const infra = await context.infra();
    const hotSamples = context.quick ? 3 : 10;
    const samples: Sample[] = [];
    for (const config of CONFIGS) {
      // The function's DynamoDB is this counting proxy, in front of the services' dynalite (and its stream).
      const started: { counter?: DynamoAnswersProxy } = {};
      const sut = await startSut(infra, config.sut, async (endpoint) => {
        started.counter = await startDynamoAnswersProxy(endpoint, {
          honourAllOld: config.engine === 'DynamoDB',
        });
        return started.counter.endpoint;
      });
      const proxy = started.counter;
      if (!proxy) throw new Error('the counting proxy did not start');
      try {
        const { kind, fn, eventTarget } = config.sut;
        const payments = await seedPaidOrders(
          { doc: infra.doc, ...infra.info },
          `rt_${kind}_${fn}_${eventTarget ? 'ev' : 'no'}_${config.engine}`,
          hotSamples + 1,
        );
        const verify = async (kind: Case, payment: SeededPayment) => {
          await infra.call('reset', null);
          proxy.reset();
          const status = await send(sut.info.url, config.sut, payment);
          // After the answer: the stream's consumer sends the event (nothing to wait for without one).
          await deliveredAfter(sut.info.url);
          const counts = await infra.call('counts', null);
          // dynalite saw the request's own requests, the proxy's ALL_OLD reads and the delivery's.
          const afterRequest = sum(counts.dynamo) - sum(proxy.counts) - proxy.itemsReturned;
          samples.push({
            config,
            case: kind,
            status,
            counts: { ...counts, dynamo: { ...proxy.counts } },
            afterRequest,
          });
        };
        const [first, ...rest] = payments as [SeededPayment, ...SeededPayment[]];
        await verify('cold', first);
        for (const payment of rest) await verify('hot path', payment);
        for (const payment of rest) await verify('duplicate', payment);
      } finally {
        await sut.stop();
        await proxy.close();
      }
    }

    const rows = CONFIGS.flatMap((config) =>
      (['cold', 'hot path', 'duplicate'] as const).map((kind) => {
        const list = samples.filter((sample) => sample.config === config && sample.case === kind);
        return [
          label(config),
          kind,
          fmt(list.length),
          spread(list.map((s) => sum(s.counts.iamport))),
          breakdown(list.map((s) => s.counts.iamport)),
          spread(list.map((s) => sum(s.counts.dynamo))),
          breakdown(list.map((s) => s.counts.dynamo)),
          spread(list.map((s) => s.afterRequest)),
          spread(list.map((s) => s.counts.deliveries)),
          [...new Set(list.map((s) => s.status))].join(', '),
        ];
      }),
    );
    const table = {
      headers: [
        'configuration · entry point · engine',
        'case',
        'samples',
        'Iamport calls',
        'which',
        'DynamoDB requests',
        'which',
        'DynamoDB after the request (delivery)',
        'events delivered (after the request)',
        'HTTP',
      ],
      alignRight: [2, 3, 5, 7, 8],
      rows,
    };
    printTable('Round trips per verification', table);

    const ofCase = (kind: Case) => (config: Config) =>
      samples.filter((s) => s.config === config && s.case === kind && s.status === 200);
    const hot = ofCase('hot path');
    const ours = CONFIGS.filter((c) => c.sut.kind === 'ours');
    const hotPlain = ours.filter((c) => !c.sut.eventTarget).flatMap(hot);
    const hotEvents = ours.filter((c) => c.sut.eventTarget).flatMap(hot);
    const duplicates = (engine: Engine) =>
      ours.filter((c) => c.engine === engine).flatMap(ofCase('duplicate'));
    const dupAws = duplicates('DynamoDB');
    const dupDynalite = duplicates('dynalite');
    const maxOf = (list: Sample[], pick: (counts: Counts) => number) =>
      Math.max(...list.map((s) => pick(s.counts)));
    const plainIamport = maxOf(hotPlain, (c) => sum(c.iamport));
    const plainDynamo = maxOf(hotPlain, (c) => sum(c.dynamo));
    const eventsDynamo = maxOf(hotEvents, (c) => sum(c.dynamo));
    const eventsIamport = maxOf(hotEvents, (c) => sum(c.iamport));
    const expected = ours.length * hotSamples;
    const dupAwsDynamo = maxOf(dupAws, (c) => sum(c.dynamo));
    const dupDynaliteDynamo = maxOf(dupDynalite, (c) => sum(c.dynamo));

    const section = [
      `## ${this.title}`,
      '',
      'One request at a time through the HTTP stack (each configuration in a fresh server process). The ' +
        'figures are what the servers received: dynalite counts DynamoDB requests by `X-Amz-Target` (SDK retries ' +
        'would show), the sandbox logs Iamport API calls, the recording receiver counts event deliveries. ' +
        '"n–m" is the range over the samples. **cold**: the first request of a fresh process; **hot path**: a ' +
        'first `paid` for a pending order on a warm process; **duplicate**: the same payment verified again.',
      '',
      markdownTable(table),
      '',
      '- **Engines.** "DynamoDB" is DynamoDB\'s answer shape: a refused condition asked for ' +
        '`ReturnValuesOnConditionCheckFailure: ALL_OLD` returns the stored item inside the ' +
        '`ConditionalCheckFailedException` (`local/dynamoAnswers.ts` adds it in front of dynalite, as DynamoDB ' +
        'sends it). "dynalite" ignores ALL_OLD, so the store falls back to a consistent `GetItem`.',
      '- A duplicate on our side costs the refused conditional `UpdateItem` (the hot-path attempt) alone on ' +
        'DynamoDB, and that plus a consistent `GetItem` on dynalite; it writes nothing. The reference rewrites ' +
        'the order on every duplicate and fetches a new token every time.',
      '- With an event target the request is the same one `UpdateItem`: it stores the event in the outbox with ' +
        "the transition. The event leaves after the answer: the orders table's stream (locally " +
        '`local/changeFeed.ts`) hands the change to the delivery function, which reads the order (a consistent ' +
        '`GetItem`), sends the event and removes it from the outbox (`UpdateItem`): the "after the request" column.',
    ].join('\n');

    return {
      section,
      targets: [
        {
          target: 'hot path: 1 Iamport call and ≤ 1 DynamoDB round trip per verification (no event target)',
          met: hotPlain.length === expected / 2 && plainIamport === 1 && plainDynamo <= 1,
          measured: `${plainIamport} Iamport call, ${plainDynamo} DynamoDB request (max of ${hotPlain.length} counted samples)`,
        },
        {
          target: 'hot path with an event target configured: 1 Iamport call and ≤ 1 DynamoDB round trip',
          met:
            hotEvents.length === expected / 2 &&
            eventsIamport === 1 &&
            eventsDynamo <= 1 &&
            hotEvents.every((s) => s.counts.deliveries === 1),
          measured: `${eventsIamport} Iamport call, ${eventsDynamo} DynamoDB request in the request; each event delivered once after it`,
        },
        {
          target:
            'duplicate notice: 1 DynamoDB round trip on DynamoDB (ALL_OLD), 2 where the engine ignores it',
          met:
            dupAws.length === expected / 2 &&
            dupDynalite.length === expected / 2 &&
            dupAwsDynamo === 1 &&
            dupDynaliteDynamo === 2,
          measured: `DynamoDB ${dupAwsDynamo}, dynalite ${dupDynaliteDynamo} DynamoDB requests (max of ${dupAws.length} + ${dupDynalite.length} samples)`,
        },
      ],
      figures: {
        samples: samples.map((s) => ({
          config: label(s.config),
          case: s.case,
          status: s.status,
          counts: s.counts,
        })),
      },
    };
  },
};

async function send(url: string, config: SutOptions, payment: SeededPayment): Promise<number> {
  const path = config.fn === 'webhook' ? '/payments/webhook' : '/payments/complete';
  const fields =
    config.fn === 'webhook'
      ? { imp_uid: payment.imp_uid, merchant_uid: payment.merchant_uid, status: 'paid' }
      : { imp_uid: payment.imp_uid, merchant_uid: payment.merchant_uid };
  const response = await request(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(fields),
  });
  await response.body.dump();
  return response.statusCode;
}

/** `1` when every sample agrees, else `min–max`. */
function spread(values: number[]): string {
  const min = Math.min(...values);
  const max = Math.max(...values);
  return min === max ? fmt(min) : `${fmt(min)}–${fmt(max)}`;
}

/** `GetItem 1, UpdateItem 1`: per-sample counts by kind, with ranges where samples differ. */
function breakdown(list: Record<string, number>[]): string {
  const keys = [...new Set(list.flatMap((counts) => Object.keys(counts)))].sort();
  if (keys.length === 0) return '—';
  return keys.map((key) => `${key} ${spread(list.map((counts) => counts[key] ?? 0))}`).join(', ');
}
