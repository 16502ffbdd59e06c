import { beforeAll, inject } from 'vitest';
import { cloneOrdersTable } from '../chaos/stack';
import { dynamoContractStores } from '../helpers/dynamoContractStores';
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
