import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as v from 'valibot';
import { type OrderApi, orderApis } from '../orders/types';
import { count, timestamp } from '../validation';
import type { LedgerFindings } from './findings';

/**
 * Where a ledger check stands for one API: the window it is on, the provider's cursor of the next page,
 * and what it found so far. A run that ends before the window does (its time budget, PortOne down)
 * leaves this behind and the next run resumes from it; a finished window says when the next one starts.
 */
export interface LedgerCheckpoint {
  api: OrderApi;
  window_from: string;
  window_until: string;
  /** The next page's cursor; absent on the first page, `#final` once every page is read. */
  cursor?: string;
  /** Payments to settle once the window is read: refunds, and those PortOne could not be asked about. */
  deferred?: DeferredPayment[];
  /** Every page read and nothing deferred. */
  done: boolean;
  findings: LedgerFindings;
  updated_at: string;
}

export interface DeferredPayment {
  merchant_uid: string;
  attempt_id: string;
  /** Times it was tried so far (0: a refund, left until the whole window is read). */
  tries: number;
}

export interface LedgerCheckpointStore {
  get(api: OrderApi): Promise<LedgerCheckpoint | undefined>;
  /** Replaces the API's checkpoint (one run at a time: the function's reserved concurrency is 1). */
  put(checkpoint: LedgerCheckpoint): Promise<void>;
}

const group = v.object({
  count,
  examples: v.array(v.object({ merchant_uid: v.string(), attempt_id: v.string(), reason: v.string() })),
});
const utc = timestamp('utc');
const checkpointSchema = v.object({
  api: v.picklist(orderApis),
  window_from: utc,
  window_until: utc,
  cursor: v.optional(v.string()),
  deferred: v.optional(v.array(v.object({ merchant_uid: v.string(), attempt_id: v.string(), tries: count }))),
  done: v.boolean(),
  findings: v.object({
    api: v.picklist(orderApis),
    window_from: utc,
    window_until: utc,
    pages: count,
    checked: count,
    consistent: count,
    ignored: count,
    reverified: count,
    settled: count,
    refunded: count,
    unknown_orders: group,
    unsettled: group,
  }),
  updated_at: utc,
});

/** The checkpoints in their own small table (`LEDGER_TABLE`, key `api`), apart from the orders. */
export function createDynamoCheckpointStore(
  doc: DynamoDBDocumentClient,
  tableName: string,
): LedgerCheckpointStore {
  return {
    async get(api) {
      const { Item } = await doc.send(
        new GetCommand({ TableName: tableName, Key: { api }, ConsistentRead: true }),
      );
      if (Item === undefined) return undefined;
      // A checkpoint this code cannot read (written by another version) starts the window again.
      const parsed = v.safeParse(checkpointSchema, Item);
      return parsed.success ? parsed.output : undefined;
    },
    async put(checkpoint) {
      await doc.send(new PutCommand({ TableName: tableName, Item: checkpoint }));
    },
  };
}
