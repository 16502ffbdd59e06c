import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as v from 'valibot';
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  type ChangeStream,
  type ChangeStreamOptions,
  type StreamRecord,
  startChangeFeed,
  startLocalDynamoWithStream,
} from '../../local/changeFeed';
import { changeRecordSchema } from '../../shared/events/changes';
import { cloneOrdersTable } from '../chaos/stack';
import { uniqueMerchantUid } from '../helpers/stack';

/**
 * The local stream (DynamoDB Streams' stand-in) from both its sources: the proxy in front of the test
 * run's dynalite, and a dynalite of its own whose engine reports its writes. Records of the same shape
 * (the engine names a put over an existing item MODIFY, as DynamoDB does; the proxy cannot tell), the
 * same filter, Lambda's stream semantics (order per key, retry from the reported record, bisect on
 * error, give up after the retries, held while its consumer is elsewhere).
 */
const table = `feed-${process.pid}-${Date.now()}-orders`;
beforeAll(() => cloneOrdersTable(inject('dynamoEndpoint'), inject('ordersTable'), table));

let closeSource: (() => Promise<void>) | undefined;
let doc: DynamoDBDocumentClient | undefined;
afterEach(async () => {
  doc?.destroy();
  await closeSource?.();
  closeSource = undefined;
});

type Source = 'proxy' | 'engine';

/** The stream and the endpoint whose writes it sees. */
async function openSource(
  source: Source,
  options: ChangeStreamOptions,
): Promise<{ feed: ChangeStream; endpoint: string }> {
  if (source === 'proxy') {
    const feed = await startChangeFeed({ target: inject('dynamoEndpoint'), ...options });
    closeSource = () => feed.close();
    return { feed, endpoint: feed.endpoint };
  }
  const dynamo = await startLocalDynamoWithStream(options);
  closeSource = () => dynamo.close();
  await cloneOrdersTable(inject('dynamoEndpoint'), inject('ordersTable'), table, dynamo.endpoint);
  return { feed: dynamo.stream, endpoint: dynamo.endpoint };
}

/** The `version` of a record's new image (an AttributeValue map, as the stream hands it). */
function versionOf(record: StreamRecord): number {
  return Number(/"version":\{"N":"(\d+)"\}/.exec(JSON.stringify(record.dynamodb.NewImage))?.[1]);
}

async function start(
  source: Source,
  options: { maxRetryAttempts?: number; lanes?: number; onFailure?: (record: StreamRecord) => void } = {},
) {
  const { feed, endpoint } = await openSource(source, { tables: [table], retryDelayMs: 1, ...options });
  doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint,
      region: 'ap-northeast-2',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  );
  return { feed, doc };
}

/** Starts `feed` with a handler that takes every record; the records it took so far. */
function collect(feed: ChangeStream): StreamRecord[] {
  const seen: StreamRecord[] = [];
  feed.start(async (event) => {
    seen.push(...event.Records);
    return { batchItemFailures: [] };
  });
  return seen;
}

/** An order item with an event waiting (the outbox index key the stream's filter looks for). */
const waiting = (merchantUid: string, version: number) => ({
  merchant_uid: merchantUid,
  version,
  outbox_bucket: 'pending',
});

describe.each<Source>(['proxy', 'engine'])('local stream, seen through the %s', (source) => {
  it('turns a write into a stream record of DynamoDB’s shape, and answers the caller unchanged', async () => {
    const { feed, doc } = await start(source);
    const seen = collect(feed);
    const merchantUid = uniqueMerchantUid('feed');
    await doc.send(new PutCommand({ TableName: table, Item: waiting(merchantUid, 1) }));

    const answer = await doc.send(
      new UpdateCommand({
        TableName: table,
        Key: { merchant_uid: merchantUid },
        UpdateExpression: 'SET version = :v',
        ExpressionAttributeValues: { ':v': 2 },
      }),
    );
    await feed.settled();

    // The feed asked for the new image itself; the caller, who asked for nothing, gets nothing.
    expect(answer.Attributes).toBeUndefined();
    expect(seen.map((record) => record.eventName)).toEqual(['INSERT', 'MODIFY']);
    expect(seen[1]).toMatchObject({
      eventSource: 'aws:dynamodb',
      dynamodb: {
        Keys: { merchant_uid: { S: merchantUid } },
        NewImage: { merchant_uid: { S: merchantUid }, version: { N: '2' }, outbox_bucket: { S: 'pending' } },
        StreamViewType: 'NEW_IMAGE',
      },
    });
    expect(seen.every((record) => v.safeParse(changeRecordSchema, record).success)).toBe(true);
  });

  it('filters as the deployed mapping does: a new image without a waiting event is no record', async () => {
    const { feed, doc } = await start(source);
    const seen: StreamRecord[] = [];
    feed.start(async (event) => {
      seen.push(...event.Records);
      return {};
    });

    await doc.send(new PutCommand({ TableName: table, Item: { merchant_uid: uniqueMerchantUid('quiet') } }));
    await feed.settled();

    expect(seen).toEqual([]);
  });

  it('retries from the reported record, in order, then hands it on once it passes', async () => {
    const { feed, doc } = await start(source);
    const merchantUid = uniqueMerchantUid('retry');
    // Three changes of one item, written before the feed hands out its first batch.
    for (const version of [1, 2, 3])
      await doc.send(new PutCommand({ TableName: table, Item: waiting(merchantUid, version) }));
    const calls: number[][] = [];
    let refuse = 2;
    feed.start(async (event) => {
      calls.push(event.Records.map(versionOf));
      const second = event.Records.find((record) => versionOf(record) === 2);
      if (refuse > 0 && second) {
        refuse -= 1;
        return { batchItemFailures: [{ itemIdentifier: second.dynamodb.SequenceNumber }] };
      }
      return { batchItemFailures: [] };
    });
    await feed.settled();

    expect(calls).toEqual([
      [1, 2, 3],
      [2, 3],
      [2, 3],
    ]);
    expect(feed.stats).toMatchObject({ retried: 2, failed: 0 });
  });

  it('halves a batch whose handler throws, and gives a record up after its retries', async () => {
    const failed: StreamRecord[] = [];
    // One lane (one shard): both items in one batch.
    const { feed, doc } = await start(source, {
      maxRetryAttempts: 2,
      lanes: 1,
      onFailure: (record) => failed.push(record),
    });
    const poison = uniqueMerchantUid('poison');
    const fine = uniqueMerchantUid('fine');
    const sizes: number[] = [];
    const handled: string[] = [];
    // Both items in one lane's batch: written before the handler starts.
    await doc.send(new PutCommand({ TableName: table, Item: waiting(poison, 1) }));
    await doc.send(new PutCommand({ TableName: table, Item: waiting(fine, 1) }));
    feed.start(async (event) => {
      sizes.push(event.Records.length);
      if (JSON.stringify(event.Records).includes(poison)) throw new Error('poison');
      handled.push(...event.Records.map((record) => JSON.stringify(record.dynamodb.Keys)));
      return {};
    });
    await feed.settled();

    expect(failed.map((record) => JSON.stringify(record.dynamodb.Keys))).toEqual([
      JSON.stringify({ merchant_uid: { S: poison } }),
    ]);
    expect(feed.stats.failed).toBe(1);
    // Both, halved on the error; the poison record alone until its 2 retries ran out; then the other.
    expect(sizes).toEqual([2, 1, 1, 1]);
    expect(handled).toContain(JSON.stringify({ merchant_uid: { S: fine } }));
  });

  it('holds records while held, in order, and hands them all out once released', async () => {
    const { feed, doc } = await start(source);
    const merchantUid = uniqueMerchantUid('held');
    const handled: number[] = [];
    feed.start(async (event) => {
      handled.push(...event.Records.map(versionOf));
      return { batchItemFailures: [] };
    });
    feed.hold();
    for (const version of [1, 2])
      await doc.send(new PutCommand({ TableName: table, Item: waiting(merchantUid, version) }));
    let settled = false;
    const done = feed.settled().then(() => {
      settled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));

    expect(handled).toEqual([]);
    expect(settled).toBe(false);

    feed.release();
    await done;
    expect(handled).toEqual([1, 2]);
  });
});

describe('local stream from dynalite’s engine', () => {
  it('names each change as DynamoDB does and sees a BatchWriteItem, which the proxy cannot', async () => {
    const { feed, doc } = await start('engine');
    const seen = collect(feed);
    const merchantUid = uniqueMerchantUid('engine');
    await doc.send(new PutCommand({ TableName: table, Item: waiting(merchantUid, 1) }));
    // A put over an item that exists is a MODIFY on AWS.
    await doc.send(new PutCommand({ TableName: table, Item: waiting(merchantUid, 2) }));
    await doc.send(
      new BatchWriteCommand({
        RequestItems: { [table]: [{ PutRequest: { Item: waiting(merchantUid, 3) } }] },
      }),
    );
    await feed.settled();

    expect(seen.map((record) => [record.eventName, versionOf(record)])).toEqual([
      ['INSERT', 1],
      ['MODIFY', 2],
      ['MODIFY', 3],
    ]);
  });
});
