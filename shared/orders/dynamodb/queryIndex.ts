import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';

/** One of the table's sparse indexes (docs/design.md §3): a single partition, sorted by a time. */
export interface SparseIndex {
  name: string;
  partitionKey: string;
  bucket: string;
  sortKey: string;
}

/** The index's items with the sort key at most `upTo`, oldest first: the work due, never a scan. */
export async function queryDue(
  doc: DynamoDBDocumentClient,
  tableName: string,
  index: SparseIndex,
  upTo: number,
  limit: number,
): Promise<Record<string, unknown>[]> {
  const { Items = [] } = await doc.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: index.name,
      KeyConditionExpression: '#bucket = :bucket AND #sort <= :upTo',
      ExpressionAttributeNames: { '#bucket': index.partitionKey, '#sort': index.sortKey },
      ExpressionAttributeValues: { ':bucket': index.bucket, ':upTo': upTo },
      Limit: limit,
    }),
  );
  return Items;
}
