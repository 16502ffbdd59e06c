import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  type DueCheck,
  type NewOrder,
  OrderConflictError,
  OrderCorruptError,
  type OrderStore,
  type TransitionWrite,
} from '../store';
import { awaitsResult } from '../transitions';
import {
  CHECK_BUCKET,
  DUE_CHECKS_INDEX,
  HISTORY_LIMIT,
  type HistoryEntry,
  type Order,
  orderSchema,
  type Refund,
} from '../types';
import { buildUpdate } from './updateExpression';

export interface DynamoOrderStoreOptions {
  doc: DynamoDBDocumentClient;
  tableName: string;
}

/**
 * OrderStore on one DynamoDB table keyed by `merchant_uid`. No transactions (dynalite has none):
 * each change is a single UpdateItem whose condition encodes the rule it relies on.
 */
export function createDynamoOrderStore({ doc, tableName }: DynamoOrderStoreOptions): OrderStore {
  async function get(merchantUid: string): Promise<Order | undefined> {
    const { Item } = await doc.send(
      new GetCommand({ TableName: tableName, Key: { merchant_uid: merchantUid }, ConsistentRead: true }),
    );
    return Item === undefined ? undefined : parseOrder(merchantUid, Item);
  }

  async function create(
    input: NewOrder,
    now: Date,
    checkDueAt?: number,
  ): Promise<{ created: boolean; order: Order }> {
    const at = now.toISOString();
    const order: Order = {
      ...input,
      ...(checkDueAt === undefined
        ? {}
        : { check_due_at: checkDueAt, check_attempt: 1, check_bucket: CHECK_BUCKET }),
      status: 'pending',
      created_at: at,
      updated_at: at,
      version: 1,
      history: [{ at, from: null, to: 'pending', imp_uid: null, source: 'register' }],
      refunds: [],
    };
    try {
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: order,
          // One order per merchant_uid, ever: a repeat must never reset a paid order to pending.
          ConditionExpression: 'attribute_not_exists(merchant_uid)',
        }),
      );
      return { created: true, order };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const existing = await get(input.merchant_uid);
      if (!existing) throw new OrderConflictError(input.merchant_uid, { cause: error });
      return { created: false, order: existing };
    }
  }

  async function transition(order: Order, write: TransitionWrite, now: Date): Promise<Order> {
    const at = now.toISOString();
    const entry = historyEntry(order.status, write, at);
    const refunds = write.refund ? upsertRefund(order.refunds, write.refund) : undefined;
    const update = buildUpdate(
      {
        ...transitionFields(write, at),
        version: order.version + 1,
        // The whole list is rewritten here (we hold it from the read), which is where it is bounded.
        history: [...order.history, entry].slice(-HISTORY_LIMIT),
        refunds,
      },
      awaitsResult(write.to) ? [] : CHECK_FIELDS,
    );
    return conditionalUpdate(order.merchant_uid, update, versionCondition(order.version));
  }

  async function transitionFromPending(
    merchantUid: string,
    expected: { amount: number; currency: string },
    write: TransitionWrite,
    now: Date,
  ): Promise<Order | undefined> {
    const at = now.toISOString();
    // Appending keeps this a blind write; a pending order has a handful of entries, far below the bound.
    const update = buildUpdate(transitionFields(write, at), awaitsResult(write.to) ? [] : CHECK_FIELDS, {
      assignments: [
        '#history = list_append(if_not_exists(#history, :empty), :entry)',
        '#version = if_not_exists(#version, :zero) + :one',
      ],
      names: { '#history': 'history', '#version': 'version' },
      values: { ':empty': [], ':entry': [historyEntry('pending', write, at)], ':zero': 0, ':one': 1 },
    });
    // The amount rule lives in the condition: the stored amount must equal what Iamport says was paid.
    const condition = {
      expression: '#status = :pending AND #amount = :amount AND #currency = :currency',
      names: { '#status': 'status', '#amount': 'amount', '#currency': 'currency' },
      values: { ':pending': 'pending', ':amount': expected.amount, ':currency': expected.currency },
    };
    try {
      return await conditionalUpdate(merchantUid, update, condition);
    } catch (error) {
      if (error instanceof OrderConflictError) return undefined;
      throw error;
    }
  }

  async function saveRefund(order: Order, refund: Refund, now: Date): Promise<Order> {
    const update = buildUpdate({
      refunds: upsertRefund(order.refunds, refund),
      version: order.version + 1,
      updated_at: now.toISOString(),
    });
    return conditionalUpdate(order.merchant_uid, update, versionCondition(order.version));
  }

  async function conditionalUpdate(
    merchantUid: string,
    update: ReturnType<typeof buildUpdate>,
    condition: { expression: string; names?: Record<string, string>; values?: Record<string, unknown> },
  ): Promise<Order> {
    try {
      const { Attributes } = await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { merchant_uid: merchantUid },
          ...update,
          ConditionExpression: condition.expression,
          ExpressionAttributeNames: { ...update.ExpressionAttributeNames, ...condition.names },
          ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ...condition.values },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return parseOrder(merchantUid, Attributes ?? {});
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException)
        throw new OrderConflictError(merchantUid, { cause: error });
      throw error;
    }
  }

  async function scheduleCheck(
    order: Order,
    check: { dueAt: number; attempt: number } | undefined,
    now: Date,
  ): Promise<Order> {
    const update = check
      ? buildUpdate({
          check_due_at: check.dueAt,
          check_attempt: check.attempt,
          check_bucket: CHECK_BUCKET,
          version: order.version + 1,
          updated_at: now.toISOString(),
        })
      : buildUpdate({ version: order.version + 1, updated_at: now.toISOString() }, CHECK_FIELDS);
    return conditionalUpdate(order.merchant_uid, update, versionCondition(order.version));
  }

  async function findDueChecks(nowSeconds: number, limit: number): Promise<DueCheck[]> {
    const { Items = [] } = await doc.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: DUE_CHECKS_INDEX,
        KeyConditionExpression: '#bucket = :bucket AND #due <= :now',
        ExpressionAttributeNames: { '#bucket': 'check_bucket', '#due': 'check_due_at' },
        ExpressionAttributeValues: { ':bucket': CHECK_BUCKET, ':now': nowSeconds },
        Limit: limit,
      }),
    );
    return Items.flatMap((item) =>
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
  }

  async function leaseCheck(merchantUid: string, dueAt: number, nextDueAt: number): Promise<boolean> {
    try {
      await conditionalUpdate(merchantUid, buildUpdate({ check_due_at: nextDueAt }), {
        // Only the sweeper that still sees the old due time moves it: the other one queues nothing.
        expression: '#due = :due',
        names: { '#due': 'check_due_at' },
        values: { ':due': dueAt },
      });
      return true;
    } catch (error) {
      if (error instanceof OrderConflictError) return false;
      throw error;
    }
  }

  return {
    get,
    create,
    transition,
    transitionFromPending,
    saveRefund,
    scheduleCheck,
    findDueChecks,
    leaseCheck,
  };
}

/** A final order leaves the sparse index: nothing is left to check. */
const CHECK_FIELDS = ['check_due_at', 'check_attempt', 'check_bucket'];

function transitionFields(write: TransitionWrite, at: string): Record<string, unknown> {
  return { status: write.to, updated_at: at, ...write.patch };
}

function historyEntry(from: Order['status'], write: TransitionWrite, at: string): HistoryEntry {
  return { at, from, to: write.to, imp_uid: write.patch.imp_uid ?? null, source: write.source };
}

function upsertRefund(refunds: readonly Refund[], refund: Refund): Refund[] {
  return [...refunds.filter((existing) => existing.imp_uid !== refund.imp_uid), refund];
}

/**
 * Optimistic lock on `version`. Items the merchant wrote directly may have no version yet (read as 0).
 * The `merchant_uid` check stops an update from creating an item that was deleted meanwhile.
 */
function versionCondition(version: number) {
  return version === 0
    ? {
        expression: 'attribute_exists(#pk) AND (attribute_not_exists(#v) OR #v = :v)',
        names: { '#pk': 'merchant_uid', '#v': 'version' },
        values: { ':v': 0 },
      }
    : {
        expression: 'attribute_exists(#pk) AND #v = :v',
        names: { '#pk': 'merchant_uid', '#v': 'version' },
        values: { ':v': version },
      };
}

function parseOrder(merchantUid: string, item: Record<string, unknown>): Order {
  const parsed = orderSchema.safeParse(item);
  if (!parsed.success) throw new OrderCorruptError(merchantUid, { cause: parsed.error });
  return parsed.data;
}
