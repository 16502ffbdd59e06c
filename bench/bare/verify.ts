/**
 * Bare handler for the functions that verify payments or publish order events (complete, mobile,
 * webhook, retryConsumer, sweeper): it imports and builds the AWS SDK clients those functions need
 * (DynamoDB document client, SQS, SSM for the keys, EventBridge for order events) and does nothing.
 * The module-init baseline of `bench/bundles.ts`.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

const clients = [
  DynamoDBDocumentClient.from(new DynamoDBClient({})),
  new SQSClient({}),
  new SSMClient({}),
  new EventBridgeClient({}),
];

export const handler = async () => ({ statusCode: 200, body: String(clients.length) });
