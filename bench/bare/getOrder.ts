/** Bare handler for getOrder: only the DynamoDB document client and its GetCommand, built, doing nothing. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const handler = async () => ({ statusCode: 200, body: String(Boolean(doc) && Boolean(GetCommand)) });
