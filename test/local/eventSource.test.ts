import { QueueDoesNotExist, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type EventSource, type EventSourceOptions, startEventSource } from '../../local/sqs';
import { counts, eventually, md5, region, startTestSqs, uniqueName } from './helpers';

let t: Awaited<ReturnType<typeof startTestSqs>>;
const running: EventSource[] = [];
beforeAll(async () => {
  t = await startTestSqs();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((source) => source.stop()));
});
afterAll(() => t.close());

type Respond = (event: SQSEvent, call: number) => SQSBatchResponse | undefined;

/** An event source whose handler records every event and answers with `respond` (which may throw). */
function consume(
  queueUrl: string,
  respond: Respond = () => undefined,
  options: Partial<EventSourceOptions> = {},
) {
  const events: SQSEvent[] = [];
  const errors: unknown[] = [];
  const source = startEventSource({
    sqs: t.sqs,
    queueUrl,
    invoke: async (event) => {
      events.push(event);
      return respond(event, events.length);
    },
    onError: (error) => errors.push(error),
    ...options,
  });
  running.push(source);
  return { events, errors, source };
}

async function send(queueUrl: string, ...bodies: string[]): Promise<void> {
  for (const body of bodies)
    await t.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
}

const bodies = (event: SQSEvent | undefined) => event?.Records.map((record) => record.body);

describe('local event source mapping', () => {
  it('builds a Lambda-shaped event, deletes the successes and redelivers the reported failure', async () => {
    const name = uniqueName();
    const url = await t.server.createQueue(name, { VisibilityTimeout: '30' });
    await send(url, 'a', 'b', 'c');
    const sentAt = String(t.clock.now());
    const { events, errors } = consume(url, (event, call) => {
      const b = event.Records.find((record) => record.body === 'b');
      return call === 1 && b ? { batchItemFailures: [{ itemIdentifier: b.messageId }] } : undefined;
    });

    await eventually(async () =>
      expect(await counts(t.sqs, url)).toEqual({ visible: 0, inFlight: 1, delayed: 0 }),
    );
    expect(bodies(events[0])).toEqual(['a', 'b', 'c']);
    expect(events[0]?.Records[0]).toEqual({
      messageId: expect.any(String),
      receiptHandle: expect.any(String),
      body: 'a',
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: sentAt,
        SenderId: expect.any(String),
        ApproximateFirstReceiveTimestamp: sentAt,
      },
      messageAttributes: {},
      md5OfBody: md5('a'),
      eventSource: 'aws:sqs',
      // Asked of the queue, since no queueArn was given.
      eventSourceARN: `arn:aws:sqs:${region}:000000000000:${name}`,
      awsRegion: region,
    });

    t.clock.advance(30);
    await eventually(() => events.length === 2);
    expect(bodies(events[1])).toEqual(['b']);
    expect(events[1]?.Records[0]?.attributes.ApproximateReceiveCount).toBe('2');
    expect(events[1]?.Records[0]?.messageId).toBe(events[0]?.Records[1]?.messageId);
    await eventually(async () =>
      expect(await counts(t.sqs, url)).toEqual({ visible: 0, inFlight: 0, delayed: 0 }),
    );
    expect(errors).toEqual([]);
  });

  it('deletes nothing when the handler throws; the batch comes back after its visibility timeout', async () => {
    const url = await t.server.createQueue(uniqueName(), { VisibilityTimeout: '30' });
    await send(url, 'x', 'y');
    const boom = new Error('handler failed');
    const { events, errors } = consume(url, (_event, call) => {
      if (call === 1) throw boom;
      return undefined;
    });

    await eventually(() => errors.length === 1);
    expect(errors).toEqual([boom]);
    expect(await counts(t.sqs, url)).toEqual({ visible: 0, inFlight: 2, delayed: 0 });
    t.clock.advance(30);
    await eventually(async () =>
      expect(await counts(t.sqs, url)).toEqual({ visible: 0, inFlight: 0, delayed: 0 }),
    );
    expect(bodies(events[1])).toEqual(['x', 'y']);
    expect(events[1]?.Records.map((record) => record.attributes.ApproximateReceiveCount)).toEqual(['2', '2']);
  });

  it('treats an unknown itemIdentifier as a failed batch, as Lambda does', async () => {
    const url = await t.server.createQueue(uniqueName());
    await send(url, 'kept');
    const { errors } = consume(url, () => ({ batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }] }));
    await eventually(() => errors.length === 1);
    expect(await counts(t.sqs, url)).toEqual({ visible: 0, inFlight: 1, delayed: 0 });
  });

  it('stops promptly in the middle of a long poll, leaving later messages on the queue', async () => {
    const url = await t.server.createQueue(uniqueName());
    const { events, source } = consume(url, undefined, {
      waitTimeSeconds: 20,
      queueArn: 'arn:aws:sqs:x:0:q',
    });
    await new Promise((resolve) => setTimeout(resolve, 150));
    const started = performance.now();
    await source.stop();
    expect(performance.now() - started).toBeLessThan(500);
    await send(url, 'after stop');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(events).toEqual([]);
    expect(await counts(t.sqs, url)).toEqual({ visible: 1, inFlight: 0, delayed: 0 });
  });

  it('reports errors through onError and keeps going instead of crashing', async () => {
    const missing = `${t.server.endpoint}/000000000000/${uniqueName()}`;
    const { errors, source } = consume(missing);
    await eventually(() => errors.length >= 2, 3000);
    expect(errors[0]).toBeInstanceOf(QueueDoesNotExist);
    await source.stop();
  });
});
