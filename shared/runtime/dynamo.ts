import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Config } from '../config';
import { createDynamoOrderStore } from '../orders/dynamodb/DynamoOrderStore';
import type { OrderStore } from '../orders/store';

/** The order store as configured; a local endpoint (dynalite) gets placeholder credentials. */
export function createOrderStoreFromConfig(
  config: Pick<Config, 'ordersTable' | 'dynamoEndpoint'>,
): OrderStore {
  const client = config.dynamoEndpoint
    ? new DynamoDBClient({
        endpoint: config.dynamoEndpoint,
        region: process.env.AWS_REGION ?? 'ap-northeast-2',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      })
    : new DynamoDBClient({});
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return createDynamoOrderStore({ doc, tableName: config.ordersTable });
}
