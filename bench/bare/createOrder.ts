/**
 * Bare handler for createOrder: the AWS SDK clients it uses (DynamoDB document client, SQS for the
 * lost-result check, SSM for the Iamport keys) with their commands, and undici (the Iamport client's
 * HTTP client), built, doing nothing. Floor of `bench/bundles.ts`.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { Pool } from 'undici';

const clients = [
  DynamoDBDocumentClient.from(new DynamoDBClient({})),
  new SQSClient({}),
  new SSMClient({}),
  new Pool('http://127.0.0.1:9'),
];
const commands = [GetCommand, PutCommand, UpdateCommand, SendMessageCommand, GetParametersCommand];

export const handler = async () => ({ statusCode: 200, body: String(clients.length + commands.length) });
