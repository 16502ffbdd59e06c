import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { asRecord, type DynamoProxy, startDynamoProxy } from '../../local/dynamoProxy';
import { cloneOrdersTable } from '../chaos/stack';
import { dynamoContractStores } from '../helpers/dynamoContractStores';
import { FIXED_NOW } from '../helpers/fakes';
import { uniqueMerchantUid } from '../helpers/stack';
import { describeOrderStoreContract } from '../unit/orders/orderStoreContract';

// The same contract the memory fake is held to, against the real store on dynalite: the fake used by
// the unit tests cannot drift from the conditional writes that run in production. The outbox is on,
// as in production, so the contract gets its own table: its orders wait in the outbox index, where
// another suite's sweep (test/integration/events.test.ts) would deliver them, and it theirs.
const ordersTable = `contract-${process.pid}-${Date.now()}-orders`;
beforeAll(() => cloneOrdersTable(inject('dynamoEndpoint'), inject('ordersTable'), ordersTable));

describeOrderStoreContract(
  'DynamoOrderStore on dynalite',
  () => dynamoContractStores({ ordersTable, dynamoEndpoint: inject('dynamoEndpoint') }),
  () => uniqueMerchantUid('contract'),
);

describe('DynamoOrderStore.getMany when DynamoDB leaves keys unprocessed', () => {
  let proxy: DynamoProxy | undefined;
  afterAll(() => proxy?.close());

  it('asks again for what was left, then reads what is still left one by one: the answer is complete', async () => {
    // DynamoDB answers a busy BatchGetItem with part of the items and the rest as UnprocessedKeys:
    // here every answer keeps its first item only.
    proxy = await startDynamoProxy({
      target: inject('dynamoEndpoint'),
      operations: new Set(['BatchGetItem']),
      intercept: () => ({
        output: async (status, output) => {
          const responses = asRecord(output?.Responses)?.[ordersTable];
          if (status !== 200 || !Array.isArray(responses) || responses.length < 2) return undefined;
          const left = responses.slice(1).map((item) => ({ merchant_uid: asRecord(item)?.merchant_uid }));
          return {
            Responses: { [ordersTable]: responses.slice(0, 1) },
            UnprocessedKeys: { [ordersTable]: { Keys: left, ConsistentRead: true } },
          };
        },
      }),
    });
    const seeding = dynamoContractStores({ ordersTable, dynamoEndpoint: inject('dynamoEndpoint') }).orders;
    const ids = Array.from({ length: 5 }, () => uniqueMerchantUid('unprocessed'));
    for (const merchantUid of ids)
      await seeding.create({ merchant_uid: merchantUid, amount: 1_000, currency: 'KRW' }, FIXED_NOW);
    const store = dynamoContractStores({ ordersTable, dynamoEndpoint: proxy.endpoint }).orders;
    proxy.reset();

    const found = await store.getMany(ids);

    expect([...found.keys()].sort()).toEqual([...ids].sort());
    // Three requests took one item each; the two left were read singly.
    expect(proxy.counts).toEqual({ BatchGetItem: 3, GetItem: 2 });
  });
});
