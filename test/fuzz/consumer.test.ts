import type { SQSEvent, SQSRecord } from 'aws-lambda';
import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { type RetryMessage, retryMessageSchema, retryReasons } from '../../shared/queue/types';
import { processRetryMessage } from '../../shared/reconcile/processRetryMessage';
import { MAX_TRANSIENT_ATTEMPTS } from '../../shared/reconcile/schedule';
import { FIXED_NOW } from '../helpers/fakes';
import { identifierLike } from './arbitraries';
import {
  consumerOf,
  createWorld,
  fuzzOptions,
  KNOWN_IMP_UIDS,
  reconcileDepsOf,
  SEEDED_MERCHANT_UIDS,
  type Weather,
} from './world';

const NOW_SECONDS = Math.floor(FIXED_NOW.getTime() / 1000);

/** Identifiers of every kind, the odd ones included: the schema decides which messages are valid. */
const queueIdentifier = (base: fc.Arbitrary<string>) =>
  base.filter((id) => id.length >= 1 && id.length <= 80);

const impUid = queueIdentifier(
  fc.oneof(
    fc.constantFrom(...KNOWN_IMP_UIDS),
    fc.stringMatching(/^imp_[0-9A-Za-z]{1,40}$/),
    identifierLike,
    fc.constantFrom(' ', '\t', '.', '..'),
  ),
);
const merchantUid = queueIdentifier(
  fc.oneof(
    fc.constantFrom(...SEEDED_MERCHANT_UIDS, 'order_ghost'),
    identifierLike,
    fc.constantFrom(' ', '..'),
  ),
);

/** Messages as the entry points, the reconciliation and the sweeper write them, and a few odder ones. */
const validMessage: fc.Arbitrary<RetryMessage> = fc
  .record({
    ids: fc.oneof(
      fc.record({ imp_uid: impUid }),
      fc.record({ merchant_uid: merchantUid }),
      fc.record({ imp_uid: impUid, merchant_uid: merchantUid }),
    ),
    reason: fc.constantFrom(...retryReasons),
    attempt: fc.oneof(
      fc.integer({ min: 0, max: 3 }),
      fc.constantFrom(MAX_TRANSIENT_ATTEMPTS - 1, MAX_TRANSIENT_ATTEMPTS, MAX_TRANSIENT_ATTEMPTS + 1, 1000),
      fc.integer({ min: 0, max: 1000 }),
    ),
    not_before: fc.option(
      fc.oneof(
        fc.integer({ min: 0, max: NOW_SECONDS }),
        fc.integer({ min: NOW_SECONDS + 1, max: NOW_SECONDS + 1_000_000 }),
        fc.constant(Number.MAX_SAFE_INTEGER),
      ),
      { nil: undefined, freq: 3 },
    ),
  })
  .map(
    ({ ids, not_before, ...rest }): RetryMessage => ({
      ...ids,
      ...rest,
      ...(not_before === undefined ? {} : { not_before }),
    }),
  )
  // Valid means what the schema takes unchanged; anything else belongs to the malformed arbitraries.
  .filter((message: RetryMessage) => {
    const parsed = v.safeParse(retryMessageSchema, message);
    return (
      parsed.success &&
      parsed.output.imp_uid === message.imp_uid &&
      parsed.output.merchant_uid === message.merchant_uid
    );
  });

/** Ways a well-formed message goes wrong; each yields something the schema must refuse. */
const mutations: Array<(message: RetryMessage) => unknown> = [
  ({ reason: _reason, ...rest }) => rest,
  (message) => ({ ...message, reason: 'later' }),
  (message) => ({ ...message, attempt: -1 }),
  (message) => ({ ...message, attempt: 1.5 }),
  (message) => ({ ...message, attempt: '1' }),
  (message) => ({ ...message, attempt: 1001 }),
  (message) => ({ ...message, attempt: null }),
  ({ imp_uid: _imp, merchant_uid: _merchant, ...rest }) => rest,
  ({ imp_uid: _imp, ...rest }) => ({ ...rest, merchant_uid: '' }),
  ({ merchant_uid: _merchant, ...rest }) => ({ ...rest, imp_uid: '' }),
  ({ imp_uid: _imp, ...rest }) => ({ ...rest, merchant_uid: 'x'.repeat(81) }),
  ({ merchant_uid: _merchant, ...rest }) => ({ ...rest, imp_uid: 42 }),
  (message) => ({ ...message, not_before: -5 }),
  (message) => ({ ...message, not_before: 1.5 }),
  (message) => ({ ...message, not_before: '123' }),
  (message) => [message],
  () => null,
];

type RecordSpec =
  | { kind: 'valid'; message: RetryMessage; body: string }
  | { kind: 'malformed'; body: string };

const malformedBody: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    'not json',
    '{',
    '{"imp_uid":"imp_1"',
    'undefined',
    'NaN',
    '\u0000',
    "{'imp_uid':'imp_1'}",
  ),
  fc.tuple(validMessage, fc.integer({ min: 0, max: mutations.length - 1 })).map(([message, index]) => {
    const mutate = mutations[index] ?? ((value: RetryMessage) => value);
    return JSON.stringify(mutate(message));
  }),
  validMessage.map((message) => JSON.stringify(message).slice(0, -1)),
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.string({ unit: 'binary', maxLength: 100 }),
  fc.constantFrom(300_000).map((size) => 'x'.repeat(size)),
  fc.constant(`{"imp_uid":"imp_${'a'.repeat(200_000)}","reason":"sweep","attempt":1}`),
);

const recordSpec: fc.Arbitrary<RecordSpec> = fc.oneof(
  {
    arbitrary: fc.tuple(validMessage, fc.constantFrom('', 'pad')).map(
      ([message, pad]): RecordSpec => ({
        kind: 'valid',
        message,
        // Unknown fields are dropped by the schema: a large one must not make the message malformed.
        body: JSON.stringify(pad === '' ? message : { ...message, trace: 't'.repeat(100_000) }),
      }),
    ),
    weight: 3,
  },
  {
    arbitrary: malformedBody.map((body): RecordSpec => {
      const message = parseRetryMessage(body);
      // Random JSON may by chance be a well-formed message; it is then a valid record like any other.
      return message ? { kind: 'valid', message, body } : { kind: 'malformed', body };
    }),
    weight: 2,
  },
);

function parseRetryMessage(body: string): RetryMessage | undefined {
  try {
    const parsed = v.safeParse(retryMessageSchema, JSON.parse(body));
    return parsed.success ? parsed.output : undefined;
  } catch {
    return undefined;
  }
}

function sqsRecord(body: string, index: number): SQSRecord {
  return {
    messageId: `msg-${index}`,
    receiptHandle: `handle-${index}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(FIXED_NOW.getTime()),
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: String(FIXED_NOW.getTime()),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:ap-northeast-2:123456789012:retry',
    awsRegion: 'ap-northeast-2',
  };
}

const rarely = fc.integer({ min: 0, max: 4 }).map((n) => n === 0);
const weather: fc.Arbitrary<Weather> = fc.record({
  iamportDown: rarely,
  queueDown: rarely,
  deadLettersDown: rarely,
  storeDown: rarely,
});

/** What the message needs from our own dependencies when processed alone with all of them up. */
async function needsOf(message: RetryMessage, weatherNow: Weather) {
  const world = createWorld({ iamportDown: weatherNow.iamportDown, queueDown: false });
  await processRetryMessage(reconcileDepsOf(world), message, FIXED_NOW);
  return {
    queue: world.queue.sent.length,
    deadLetters: world.deadLetters.sent.length,
    store: world.orders.poisonTouches,
  };
}

async function expectedToFail(message: RetryMessage, weatherNow: Weather): Promise<boolean> {
  const needs = await needsOf(message, weatherNow);
  return (
    (needs.queue > 0 && weatherNow.queueDown) ||
    (needs.deadLetters > 0 && (weatherNow.deadLettersDown ?? false)) ||
    (needs.store > 0 && (weatherNow.storeDown ?? false))
  );
}

function count<T>(values: readonly T[], value: T): number {
  return values.filter((candidate) => candidate === value).length;
}

describe('fuzz: retry queue consumer', () => {
  it('never throws, fails only records our own dependencies failed, dead-letters each malformed record once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(recordSpec, { minLength: 1, maxLength: 10 }),
        weather,
        async (specs, weatherNow) => {
          const world = createWorld(weatherNow);
          const consume = consumerOf(world);
          const records = specs.map((spec, index) => sqsRecord(spec.body, index));
          const event: SQSEvent = { Records: records };

          // A rejection here is the whole batch coming back: the property fails with its error.
          const response = await consume(event);

          const failed = new Set((response.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
          expect(failed.size).toBe(response.batchItemFailures?.length ?? 0);
          const malformedBodies = specs.filter((spec) => spec.kind === 'malformed').map((spec) => spec.body);
          for (const [index, spec] of specs.entries()) {
            const id = `msg-${index}`;
            if (spec.kind === 'malformed') {
              // Straight to the dead-letter queue, once per record; failed only if that queue is down.
              expect(failed.has(id)).toBe(weatherNow.deadLettersDown ?? false);
              if (!weatherNow.deadLettersDown) {
                expect(count(world.deadLetters.sent, spec.body)).toBe(count(malformedBodies, spec.body));
              }
              continue;
            }
            expect(failed.has(id), `record ${id}: ${spec.body.slice(0, 200)}`).toBe(
              await expectedToFail(spec.message, weatherNow),
            );
            expectProcessed(spec.message, weatherNow, world);
          }
        },
      ),
      fuzzOptions(150),
    );
  });

  it('a healthy consumer fails nothing, whatever the batch holds', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(recordSpec, { minLength: 1, maxLength: 10 }),
        fc.boolean(),
        async (specs, down) => {
          const world = createWorld({ iamportDown: down, queueDown: false });
          const response = await consumerOf(world)({
            Records: specs.map((spec, index) => sqsRecord(spec.body, index)),
          });
          expect(response.batchItemFailures ?? []).toStrictEqual([]);
          // Dead letters: every malformed body, and every message that exhausted its retries on Iamport.
          let expected = 0;
          for (const spec of specs) {
            expected +=
              spec.kind === 'malformed'
                ? 1
                : (await needsOf(spec.message, { iamportDown: down, queueDown: false })).deadLetters;
          }
          expect(world.deadLetters.sent.length).toBe(expected);
        },
      ),
      fuzzOptions(150),
    );
  });
});

/** Evidence that the consumer acted on a well-formed message: the call only that message makes. */
function expectProcessed(message: RetryMessage, weatherNow: Weather, world: ReturnType<typeof createWorld>) {
  if (message.not_before !== undefined && message.not_before > NOW_SECONDS) {
    if (!weatherNow.queueDown) {
      expect(world.queue.sent.map((sent) => sent.message)).toContainEqual(message);
    }
    return;
  }
  if (message.imp_uid !== undefined) {
    expect(world.iamport.asked).toContain(`getPayment ${message.imp_uid}`);
  } else if (message.merchant_uid !== undefined) {
    expect(world.orders.read).toContain(message.merchant_uid);
  }
}
