import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWatchedDynalite, type ItemWrite } from '../../local/dynaliteWrites';

/**
 * The local stream's engine source: dynalite reports every item write it stores, with the item
 * before and after, whichever operation made it, and nothing for a write it refused.
 */
const writes: ItemWrite[] = [];
const server = createWatchedDynalite({ createTableMs: 0 }, (write) => writes.push(write));
let doc: DynamoDBDocumentClient;

beforeAll(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'ap-northeast-2',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await client.send(
    new CreateTableCommand({
      TableName: 'watched',
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    }),
  );
  doc = DynamoDBDocumentClient.from(client);
});
afterAll(async () => {
  doc.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** What each report says, in a form the expectations can read. */
const summary = (write: ItemWrite) => ({
  table: write.table,
  keys: write.keys,
  old: write.oldImage?.n,
  new: write.newImage?.n,
});

describe('dynalite write hook', () => {
  it('reports each stored write with its key, the item before and after, in order', async () => {
    writes.length = 0;
    await doc.send(new PutCommand({ TableName: 'watched', Item: { id: 'a', n: 1 } }));
    await doc.send(new PutCommand({ TableName: 'watched', Item: { id: 'a', n: 2 } }));
    await doc.send(
      new UpdateCommand({
        TableName: 'watched',
        Key: { id: 'a' },
        UpdateExpression: 'SET n = :n',
        ExpressionAttributeValues: { ':n': 3 },
      }),
    );
    await expect(
      doc.send(
        new UpdateCommand({
          TableName: 'watched',
          Key: { id: 'a' },
          UpdateExpression: 'SET n = :n',
          ConditionExpression: 'n = :old',
          ExpressionAttributeValues: { ':n': 4, ':old': 1 },
        }),
      ),
    ).rejects.toThrow(/conditional/i);
    await doc.send(
      new BatchWriteCommand({ RequestItems: { watched: [{ PutRequest: { Item: { id: 'b', n: 1 } } }] } }),
    );
    await doc.send(new DeleteCommand({ TableName: 'watched', Key: { id: 'a' } }));

    const key = (id: string) => ({ id: { S: id } });
    const n = (value: number) => ({ N: String(value) });
    expect(writes.map(summary)).toEqual([
      { table: 'watched', keys: key('a'), old: undefined, new: n(1) },
      { table: 'watched', keys: key('a'), old: n(1), new: n(2) },
      { table: 'watched', keys: key('a'), old: n(2), new: n(3) },
      // The refused condition stored nothing: no report.
      { table: 'watched', keys: key('b'), old: undefined, new: n(1) },
      { table: 'watched', keys: key('a'), old: n(3), new: undefined },
    ]);
  });
});
