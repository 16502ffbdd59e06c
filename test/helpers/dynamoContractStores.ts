import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDynamoOutboxStore } from '../../shared/orders/dynamodb/DynamoOutboxStore';
import { createOrderStoreFromConfig, documentClient } from '../../shared/runtime/dynamo';
import type { ContractStores } from '../unit/orders/outboxContract';

/** The DynamoDB stores on one table and endpoint, for the store contract (events recorded, as deployed). */
export function dynamoContractStores(config: {
  ordersTable: string;
  dynamoEndpoint: string;
}): ContractStores {
  const doc = documentClient(config);
  return {
    orders: createOrderStoreFromConfig(config, { recordEvents: true }),
    outbox: createDynamoOutboxStore({ doc, tableName: config.ordersTable }),
    seed: async (item) => {
      await doc.send(new PutCommand({ TableName: config.ordersTable, Item: item }));
    },
  };
}
