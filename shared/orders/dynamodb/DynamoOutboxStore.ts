import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { OUTBOX_BUCKET, OUTBOX_INDEX } from '../indexes';
import { clearOutboxIndexPlan, postponeEventPlan, removeEventPlans } from '../outboxPlans';
import type { OutboxStore } from '../outboxStore';
import type { UpdatePlan } from '../writePlan';
import { toUpdateParts } from './planExpressions';
import { queryDue, type SparseIndex } from './queryIndex';

const OUTBOX_PENDING: SparseIndex = {
  name: OUTBOX_INDEX,
  partitionKey: 'outbox_bucket',
  bucket: OUTBOX_BUCKET,
  sortKey: 'outbox_since',
};

/** OutboxStore on the orders table: the plans of `outboxPlans.ts` as conditional UpdateItems. */
export function createDynamoOutboxStore({
  doc,
  tableName,
}: {
  doc: DynamoDBDocumentClient;
  tableName: string;
}): OutboxStore {
  /** One conditional UpdateItem; false when the condition did not hold (someone got there first). */
  async function conditional(merchantUid: string, plan: UpdatePlan): Promise<boolean> {
    try {
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { merchant_uid: merchantUid },
          ...toUpdateParts(plan),
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
      // One write when this was the only event waiting (the hot path).
      for (const plan of removeEventPlans(key, last)) if (await conditional(merchantUid, plan)) return;
    },

    async postpone(merchantUid, key, progress) {
      await conditional(merchantUid, postponeEventPlan(key, progress));
    },

    async clearIfEmpty(merchantUid) {
      await conditional(merchantUid, clearOutboxIndexPlan());
    },

    async findWaiting(beforeSeconds, limit) {
      const items = await queryDue(doc, tableName, OUTBOX_PENDING, beforeSeconds, limit);
      return items.flatMap((item) => (typeof item.merchant_uid === 'string' ? [item.merchant_uid] : []));
    },
  };
}
