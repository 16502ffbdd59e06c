import { inject } from 'vitest';
import { createOrderStoreFromConfig } from '../../shared/runtime/dynamo';
import { uniqueMerchantUid } from '../helpers/stack';
import { describeOrderStoreContract } from '../unit/orders/orderStoreContract';

// The same contract the memory fake is held to, against the real store on dynalite: the fake used by
// the unit tests cannot drift from the conditional writes that run in production.
describeOrderStoreContract(
  'DynamoOrderStore on dynalite',
  () =>
    createOrderStoreFromConfig({
      ordersTable: inject('ordersTable'),
      dynamoEndpoint: inject('dynamoEndpoint'),
    }),
  () => uniqueMerchantUid('contract'),
);
