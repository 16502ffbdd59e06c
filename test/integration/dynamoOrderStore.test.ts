import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, inject } from 'vitest';
import { createDynamoOutboxStore } from '../../shared/orders/dynamodb/DynamoOutboxStore';
import { createOrderStoreFromConfig, documentClient } from '../../shared/runtime/dynamo';
import { cloneOrdersTable } from '../chaos/stack';
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
  () => {
    const config = { ordersTable, dynamoEndpoint: inject('dynamoEndpoint') };
    const doc = documentClient(config);
    return {
      orders: createOrderStoreFromConfig(config, { recordEvents: true }),
      outbox: createDynamoOutboxStore({ doc, tableName: config.ordersTable }),
      seed: async (item) => {
        await doc.send(new PutCommand({ TableName: config.ordersTable, Item: item }));
      },
    };
  },
  () => uniqueMerchantUid('contract'),
);
