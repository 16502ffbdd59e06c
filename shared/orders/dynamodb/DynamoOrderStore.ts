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
  OPEN_REFUND_CHECK_SECONDS,
  type Order,
  OUTBOX_BUCKET,
  type OutboxEntry,
  orderSchema,
  outboxKey,
  type Refund,
} from '../types';
import { buildUpdate } from './updateExpression';

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

/**
 * OrderStore on one DynamoDB table keyed by `merchant_uid`. No transactions (dynalite has none):
 * each change is a single UpdateItem whose condition encodes the rule it relies on.
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
      revision: 1,
      history: [{ at, from: null, to: 'pending', imp_uid: null, source: 'register' }],
      refunds: [],
      // Present from the start, so the hot path can add an event to it without reading first.
      outbox: {},
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
    const check = checkAfter(write.to, refunds ?? order.refunds, now);
    const version = order.version + 1;
    const event = outboxEntry(order.merchant_uid, order.status, write, version, at);
    const update = buildUpdate(
      {
        ...transitionFields(write, at),
        version,
        revision: order.revision + 1,
        // The whole list is rewritten here (we hold it from the read), which is where it is bounded.
        history: [...order.history, entry].slice(-HISTORY_LIMIT),
        refunds,
        // An item the merchant wrote has no outbox map yet: create it with this event.
        ...(recordEvents && order.outbox === undefined ? { outbox: { [outboxKey(version)]: event } } : {}),
        ...(recordEvents ? { outbox_bucket: OUTBOX_BUCKET } : {}),
        ...check.set,
      },
      check.remove,
      !recordEvents
        ? undefined
        : order.outbox === undefined
          ? outboxMarker(now)
          : withOutboxEvent(version, event, now),
    );
    return conditionalUpdate(order.merchant_uid, update, revisionCondition(order.revision));
  }

  async function transitionFromPending(
    merchantUid: string,
    expected: { amount: number; currency: string },
    write: TransitionWrite,
    now: Date,
  ): Promise<Order | undefined> {
    const at = now.toISOString();
    // A pending order we created is at version 1 (no transition yet), so the event id is known
    // without reading; anything else (a merchant-written item) fails the condition and takes the slow path.
    const version = 2;
    const event = outboxEntry(merchantUid, 'pending', write, version, at);
    const marker = recordEvents
      ? withOutboxEvent(version, event, now)
      : { assignments: [], names: {}, values: {} };
    const update = buildUpdate(
      { ...transitionFields(write, at), version, ...(recordEvents ? { outbox_bucket: OUTBOX_BUCKET } : {}) },
      awaitsResult(write.to) ? [] : CHECK_FIELDS,
      {
        // Appending keeps this a blind write; a pending order has a couple of entries, far below the bound.
        assignments: [
          '#history = list_append(if_not_exists(#history, :empty), :entry)',
          '#revision = if_not_exists(#revision, :zero) + :one',
          ...marker.assignments,
        ],
        names: { '#history': 'history', '#revision': 'revision', ...marker.names },
        values: {
          ':empty': [],
          ':entry': [historyEntry('pending', write, at)],
          ':zero': 0,
          ':one': 1,
          ...marker.values,
        },
      },
    );
    // The amount rule lives in the condition: the stored amount must equal what Iamport says was paid.
    const condition = {
      expression:
        '#status = :pending AND #amount = :amount AND #currency = :currency AND #version = :created AND attribute_exists(#outbox_map)',
      names: {
        '#status': 'status',
        '#amount': 'amount',
        '#currency': 'currency',
        '#version': 'version',
        '#outbox_map': 'outbox',
      },
      values: {
        ':pending': 'pending',
        ':amount': expected.amount,
        ':currency': expected.currency,
        ':created': 1,
      },
    };
    try {
      return await conditionalUpdate(merchantUid, update, condition);
    } catch (error) {
      if (error instanceof OrderConflictError) return undefined;
      throw error;
    }
  }

  async function saveRefund(order: Order, refund: Refund, now: Date): Promise<Order> {
    const refunds = upsertRefund(order.refunds, refund);
    const check = checkAfter(order.status, refunds, now);
    const update = buildUpdate(
      { refunds, revision: order.revision + 1, updated_at: now.toISOString(), ...check.set },
      check.remove,
    );
    return conditionalUpdate(order.merchant_uid, update, revisionCondition(order.revision));
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
          revision: order.revision + 1,
          updated_at: now.toISOString(),
        })
      : buildUpdate({ revision: order.revision + 1, updated_at: now.toISOString() }, CHECK_FIELDS);
    return conditionalUpdate(order.merchant_uid, update, revisionCondition(order.revision));
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

/**
 * The lost-result check an order needs after a write. A refund still `requested` keeps (or puts) the
 * order in the sweeper's index, due once its claim's lease has run out: if the verification that
 * claimed it died, the sweeper finishes the refund. A final order with nothing open leaves the index.
 */
function checkAfter(status: Order['status'], refunds: readonly Refund[], now: Date) {
  if (refunds.some((refund) => refund.status === 'requested')) {
    const dueAt = Math.floor(now.getTime() / 1000) + OPEN_REFUND_CHECK_SECONDS;
    return { set: { check_due_at: dueAt, check_attempt: 1, check_bucket: CHECK_BUCKET }, remove: [] };
  }
  return { set: {}, remove: awaitsResult(status) ? [] : CHECK_FIELDS };
}

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
 * Optimistic lock on `revision`. Items the merchant wrote directly may have none yet (read as 0).
 * The `merchant_uid` check stops an update from creating an item that was deleted meanwhile.
 */
function revisionCondition(revision: number) {
  return {
    expression:
      revision === 0
        ? 'attribute_exists(#pk) AND (attribute_not_exists(#rev) OR #rev = :rev)'
        : 'attribute_exists(#pk) AND #rev = :rev',
    names: { '#pk': 'merchant_uid', '#rev': 'revision' },
    values: { ':rev': revision },
  };
}

/** The event of a transition, as the outbox keeps it until every target accepted it. */
function outboxEntry(
  merchantUid: string,
  from: Order['status'],
  write: TransitionWrite,
  version: number,
  at: string,
): OutboxEntry {
  return {
    id: `${merchantUid}:${version}`,
    type: `order.${write.to}`,
    previous_status: from,
    status: write.to,
    imp_uid: write.patch.imp_uid ?? null,
    version,
    occurred_at: at,
    delivered_to: [],
    attempts: 0,
    next_attempt_at: 0,
  };
}

/** `outbox_since` keeps the oldest waiting event's time: the sweeper looks for old ones first. */
function outboxMarker(now: Date) {
  return {
    assignments: ['#outbox_since = if_not_exists(#outbox_since, :outbox_since)'],
    names: { '#outbox_since': 'outbox_since' },
    values: { ':outbox_since': Math.floor(now.getTime() / 1000) } as Record<string, unknown>,
  };
}

function withOutboxEvent(version: number, event: OutboxEntry, now: Date) {
  const marker = outboxMarker(now);
  return {
    assignments: [...marker.assignments, '#outbox.#outbox_key = :outbox_event'],
    names: { ...marker.names, '#outbox': 'outbox', '#outbox_key': outboxKey(version) },
    values: { ...marker.values, ':outbox_event': event },
  };
}

function parseOrder(merchantUid: string, item: Record<string, unknown>): Order {
  const parsed = orderSchema.safeParse(item);
  if (!parsed.success) throw new OrderCorruptError(merchantUid, { cause: parsed.error });
  return parsed.data;
}
