/**
 * Bare handler for createOrder: the AWS SDK clients it needs (DynamoDB document client, SQS for the
 * lost-result check, SSM for the Iamport keys), built, doing nothing. Baseline of `bench/bundles.ts`.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

const clients = [DynamoDBDocumentClient.from(new DynamoDBClient({})), new SQSClient({}), new SSMClient({})];

export const handler = async () => ({ statusCode: 200, body: String(clients.length) });
