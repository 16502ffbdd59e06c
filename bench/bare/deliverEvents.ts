/**
 * Bare handler for the event delivery as deployed by default (order events to the stack's bus, no
 * merchant webhook): the DynamoDB document client and EventBridge with their commands, built, doing
 * nothing. No SQS, no SSM, no undici. Floor of `bench/bundles.ts`.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';

const clients = [DynamoDBDocumentClient.from(new DynamoDBClient({})), new EventBridgeClient({})];
const commands = [GetCommand, UpdateCommand, PutEventsCommand];

export const handler = async () => ({ statusCode: 200, body: String(clients.length + commands.length) });
