/**
 * Bare handler for the functions that verify payments (complete, mobile, webhook and their V2 routes,
 * retryConsumer): it imports and builds the AWS SDK clients those functions use (DynamoDB document
 * client, SQS, SSM for the keys, EventBridge for order events) with the commands they send, and undici,
 * the HTTP client of the Iamport and PortOne clients; then it does nothing. The module-init floor of
 * `bench/bundles.ts`.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { Pool } from 'undici';

const clients = [
  DynamoDBDocumentClient.from(new DynamoDBClient({})),
  new SQSClient({}),
  new SSMClient({}),
  new EventBridgeClient({}),
  new Pool('http://127.0.0.1:9'),
];
const commands = [
  GetCommand,
  PutCommand,
  UpdateCommand,
  QueryCommand,
  SendMessageCommand,
  GetParametersCommand,
  PutEventsCommand,
];

export const handler = async () => ({ statusCode: 200, body: String(clients.length + commands.length) });
