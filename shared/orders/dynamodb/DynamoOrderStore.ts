import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { CHECK_BUCKET, DUE_CHECKS_INDEX } from '../indexes';
import {
  type DueCheck,
  type HotPathResult,
  OrderConflictError,
  type OrderStore,
  parseStoredOrder,
} from '../store';
import type { Order } from '../types';
import type { PutPlan, UpdatePlan } from '../writePlan';
import {
  createPlan,
  leaseCheckPlan,
  saveRefundPlan,
  scheduleCheckPlan,
  transitionFromPendingPlan,
  transitionPlan,
} from '../writePlans';
import { toPutParts, toUpdateParts } from './planExpressions';
import { queryDue, type SparseIndex } from './queryIndex';

const DUE_CHECKS: SparseIndex = {
  name: DUE_CHECKS_INDEX,
  partitionKey: 'check_bucket',
  bucket: CHECK_BUCKET,
  sortKey: 'check_due_at',
};

export interface DynamoOrderStoreOptions {
  doc: DynamoDBDocumentClient;
  tableName: string;
  /**
   * Record an event in the outbox with every transition. Off when no event target is configured, so
   * a deployment that does not use events pays nothing for them.
   * @default true
   */
  recordEvents?: boolean;
}

/** BatchGetItem's most keys per request. */
const BATCH_GET_LIMIT = 100;
/** Requests per 100 keys before the keys DynamoDB left unprocessed are read one by one. */
const BATCH_GET_ROUNDS = 3;

/**
 * OrderStore on one DynamoDB table keyed by `merchant_uid`. No transactions (dynalite has none): each
 * change is a single conditional write. What it writes and on which condition is decided by the plans
 * of `writePlans.ts`; this adapter only translates them into commands.
 */
export function createDynamoOrderStore({
  doc,
  tableName,
  recordEvents = true,
}: DynamoOrderStoreOptions): OrderStore {
  async function get(merchantUid: string): Promise<Order | undefined> {
    const { Item } = await doc.send(
      new GetCommand({ TableName: tableName, Key: { merchant_uid: merchantUid }, ConsistentRead: true }),
    );
    return Item === undefined ? undefined : parseStoredOrder(merchantUid, Item);
  }

  /**
   * BatchGetItem, 100 keys a request (its limit). Keys DynamoDB leaves unprocessed (throttling, the
   * 16 MB answer limit) are asked again; those still left after that are read one by one, so the
   * answer is complete: an absent id has no order.
   */
  async function getMany(merchantUids: readonly string[]): Promise<ReadonlyMap<string, Order>> {
    const found = new Map<string, Order>();
    const ids = [...new Set(merchantUids)];
    for (let start = 0; start < ids.length; start += BATCH_GET_LIMIT) {
      let keys: Record<string, unknown>[] = ids
        .slice(start, start + BATCH_GET_LIMIT)
        .map((merchantUid) => ({ merchant_uid: merchantUid }));
      for (let round = 0; keys.length > 0 && round < BATCH_GET_ROUNDS; round++) {
        const { Responses, UnprocessedKeys } = await doc.send(
          new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys, ConsistentRead: true } } }),
        );
        for (const item of Responses?.[tableName] ?? []) {
          const order = parseStoredOrder(String(item.merchant_uid), item);
          found.set(order.merchant_uid, order);
        }
        keys = UnprocessedKeys?.[tableName]?.Keys ?? [];
        // Unprocessed keys mean the table is busy: wait a little longer each time, as AWS advises.
        if (keys.length > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** round));
      }
      for (const key of keys) {
        const merchantUid = key.merchant_uid;
        const order = typeof merchantUid === 'string' ? await get(merchantUid) : undefined;
        if (order) found.set(order.merchant_uid, order);
      }
    }
    return found;
  }

  /** One UpdateItem; OrderConflictError when the plan's condition did not hold. */
  async function update(merchantUid: string, plan: UpdatePlan): Promise<Order> {
    try {
      const { Attributes } = await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { merchant_uid: merchantUid },
          ...toUpdateParts(plan),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return parseStoredOrder(merchantUid, Attributes ?? {});
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException)
        throw new OrderConflictError(merchantUid, { cause: error });
      throw error;
    }
  }

  /** The lease loses races as a matter of course: a refused condition is an answer. */
  async function attempt(merchantUid: string, plan: UpdatePlan): Promise<Order | undefined> {
    try {
      return await update(merchantUid, plan);
    } catch (error) {
      if (error instanceof OrderConflictError) return undefined;
      throw error;
    }
  }

  /**
   * A plan whose refusal answers with the stored item (`refused: 'stored'`): DynamoDB puts it in the
   * ConditionalCheckFailedException (ALL_OLD), so the refusal costs nothing more. An engine that ignores
   * ALL_OLD (dynalite) answers without it: then, and when there is no item, a consistent read stands in.
   */
  async function refusedItem(merchantUid: string, error: ConditionalCheckFailedException) {
    return error.Item === undefined
      ? get(merchantUid)
      : parseStoredOrder(merchantUid, unmarshall(error.Item));
  }

  async function hotPath(merchantUid: string, plan: UpdatePlan): Promise<HotPathResult> {
    try {
      return { applied: true, order: await update(merchantUid, plan) };
    } catch (error) {
      const refusal = error instanceof OrderConflictError ? error.cause : undefined;
      if (!(refusal instanceof ConditionalCheckFailedException)) throw error;
      return { applied: false, stored: await refusedItem(merchantUid, refusal) };
    }
  }

  async function put(plan: PutPlan): Promise<{ created: boolean; order: Order }> {
    const merchantUid = plan.item.merchant_uid;
    try {
      await doc.send(new PutCommand({ TableName: tableName, Item: plan.item, ...toPutParts(plan) }));
      return { created: true, order: plan.item };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const existing = await refusedItem(merchantUid, error);
      if (!existing) throw new OrderConflictError(merchantUid, { cause: error });
      return { created: false, order: existing };
    }
  }

  return {
    get,

    getMany,

    create: (input, now, checkDueAt) => put(createPlan(input, now, checkDueAt)),

    transition: (order, write, now) =>
      update(order.merchant_uid, transitionPlan(order, write, now, recordEvents)),

    transitionFromPending: (merchantUid, expected, write, now) =>
      hotPath(merchantUid, transitionFromPendingPlan(merchantUid, expected, write, now, recordEvents)),

    saveRefund: (order, refund, now) => update(order.merchant_uid, saveRefundPlan(order, refund, now)),

    scheduleCheck: (order, check, now) => update(order.merchant_uid, scheduleCheckPlan(order, check, now)),

    async findDueChecks(nowSeconds: number, limit: number): Promise<DueCheck[]> {
      const items = await queryDue(doc, tableName, DUE_CHECKS, nowSeconds, limit);
      return items.flatMap((item) =>
        typeof item.merchant_uid === 'string' && typeof item.check_due_at === 'number'
          ? [
              {
                merchant_uid: item.merchant_uid,
                check_due_at: item.check_due_at,
                ...(typeof item.check_attempt === 'number' ? { check_attempt: item.check_attempt } : {}),
              },
            ]
          : [],
      );
    },

    leaseCheck: async (merchantUid, dueAt, nextDueAt) =>
      (await attempt(merchantUid, leaseCheckPlan(dueAt, nextDueAt))) !== undefined,
  };
}
