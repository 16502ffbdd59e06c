import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { OutboxStore } from '../outboxStore';
import { OUTBOX_BUCKET, OUTBOX_INDEX } from '../types';

const NAMES = { '#outbox': 'outbox', '#bucket': 'outbox_bucket', '#since': 'outbox_since' };

/** OutboxStore on the orders table: conditional UpdateItems on the `outbox` map and its index keys. */
export function createDynamoOutboxStore({
  doc,
  tableName,
}: {
  doc: DynamoDBDocumentClient;
  tableName: string;
}): OutboxStore {
  /** One conditional UpdateItem; false when the condition did not hold (someone got there first). */
  async function conditional(
    merchantUid: string,
    expression: string,
    condition: string,
    names: Record<string, string> = {},
    values?: Record<string, unknown>,
  ): Promise<boolean> {
    try {
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { merchant_uid: merchantUid },
          UpdateExpression: expression,
          ConditionExpression: condition,
          // DynamoDB refuses names the expressions do not use.
          ExpressionAttributeNames: Object.fromEntries(
            Object.entries({ ...NAMES, ...names }).filter(([key]) =>
              `${expression} ${condition}`.includes(key),
            ),
          ),
          ...(values ? { ExpressionAttributeValues: values } : {}),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  return {
    async remove(merchantUid, key, last) {
      // One write when this was the only event waiting (the hot path); the size check keeps an event
      // that a concurrent transition just added from losing its index entry.
      const removedAll =
        last &&
        (await conditional(
          merchantUid,
          'REMOVE #outbox.#k, #bucket, #since',
          'attribute_exists(#outbox.#k) AND size(#outbox) = :one',
          { '#k': key },
          { ':one': 1 },
        ));
      // Already gone means another delivery of the same event won: nothing left to do.
      if (!removedAll)
        await conditional(merchantUid, 'REMOVE #outbox.#k', 'attribute_exists(#outbox.#k)', { '#k': key });
    },

    async postpone(merchantUid, key, progress) {
      await conditional(
        merchantUid,
        // The index entry moves to the retry time, so orders in backoff do not crowd out due ones.
        'SET #outbox.#k.#delivered = :delivered, #outbox.#k.#attempts = :attempts, #outbox.#k.#next = :next, #since = :next',
        'attribute_exists(#outbox.#k)',
        { '#k': key, '#delivered': 'delivered_to', '#attempts': 'attempts', '#next': 'next_attempt_at' },
        {
          ':delivered': progress.deliveredTo,
          ':attempts': progress.attempts,
          ':next': progress.nextAttemptAt,
        },
      );
    },

    async clearIfEmpty(merchantUid) {
      await conditional(
        merchantUid,
        'REMOVE #bucket, #since',
        'attribute_exists(#bucket) AND (attribute_not_exists(#outbox) OR size(#outbox) = :zero)',
        {},
        { ':zero': 0 },
      );
    },

    async findWaiting(beforeSeconds, limit) {
      const { Items = [] } = await doc.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: OUTBOX_INDEX,
          KeyConditionExpression: '#bucket = :bucket AND #since <= :before',
          ExpressionAttributeNames: { '#bucket': 'outbox_bucket', '#since': 'outbox_since' },
          ExpressionAttributeValues: { ':bucket': OUTBOX_BUCKET, ':before': beforeSeconds },
          Limit: limit,
        }),
      );
      return Items.flatMap((item) => (typeof item.merchant_uid === 'string' ? [item.merchant_uid] : []));
    },
  };
}
