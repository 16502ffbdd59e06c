import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Config } from '../config';
import { createDynamoOrderStore } from '../orders/dynamodb/DynamoOrderStore';
import type { OrderStore } from '../orders/store';
import { clientOptions } from './clientOptions';

type DynamoConfig = Pick<Config, 'ordersTable' | 'dynamoEndpoint'> &
  Partial<Pick<Config, 'awsRequestTimeoutMs'>>;

const clients = new Map<string, DynamoDBDocumentClient>();

/** One document client per endpoint and process; a local endpoint (dynalite) gets placeholder keys. */
export function documentClient(config: DynamoConfig): DynamoDBDocumentClient {
  const key = `${config.dynamoEndpoint ?? 'aws'} ${config.awsRequestTimeoutMs ?? ''}`;
  let doc = clients.get(key);
  if (!doc) {
    const client = new DynamoDBClient(clientOptions(config.dynamoEndpoint, config.awsRequestTimeoutMs));
    doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    clients.set(key, doc);
  }
  return doc;
}

/**
 * The order store as configured. `recordEvents` is on when this deployment has an event target, so
 * that each transition's event is written with it.
 */
export function createOrderStoreFromConfig(
  config: DynamoConfig,
  options: { recordEvents?: boolean } = {},
): OrderStore {
  return createDynamoOrderStore({
    doc: documentClient(config),
    tableName: config.ordersTable,
    recordEvents: options.recordEvents ?? false,
  });
}
