/**
 * Bare handler for the sweeper as deployed by default (order events to the stack's bus, no merchant
 * webhook): the DynamoDB document client, SQS and EventBridge with their commands, built, doing
 * nothing. No SSM (it reads no key) and no undici (it calls neither Iamport nor a webhook). Floor of
 * `bench/bundles.ts`.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';

const clients = [
  DynamoDBDocumentClient.from(new DynamoDBClient({})),
  new SQSClient({}),
  new EventBridgeClient({}),
];
const commands = [GetCommand, UpdateCommand, QueryCommand, SendMessageCommand, PutEventsCommand];

export const handler = async () => ({ statusCode: 200, body: String(clients.length + commands.length) });
