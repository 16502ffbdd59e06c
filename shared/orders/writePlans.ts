import { attemptIdOf } from './attemptIds';
import { CHECK_BUCKET, OPEN_REFUND_CHECK_SECONDS, OUTBOX_BUCKET, outboxKey } from './indexes';
import type { HotPathExpected, NewOrder, TransitionWrite } from './store';
import { awaitsResult } from './transitions';
import { HISTORY_LIMIT, type HistoryEntry, type Order, type OutboxEntry, type Refund } from './types';
import type { Assignment, Condition, Path, PutPlan, UpdatePlan } from './writePlan';

/**
 * The order store's writes (docs/design.md §3 "Writes"), each computed once as a plan. `recordEvents`
 * says whether a transition also writes its event into the outbox (§6b).
 */

/** A new `pending` order; one per merchant_uid, ever: a repeat must never reset a paid order. */
export function createPlan(input: NewOrder, now: Date, checkDueAt?: number): PutPlan {
  const at = now.toISOString();
  return {
    kind: 'put',
    item: {
      ...defined({ ...input, api: input.api === 'v2' ? 'v2' : undefined }),
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
    },
    condition: { kind: 'absent' },
    // A repeat answers with the stored order.
    refused: 'stored',
  };
}

/** A transition decided on `order` as read: applies only while the item is still at its revision. */
export function transitionPlan(
  order: Order,
  write: TransitionWrite,
  now: Date,
  recordEvents: boolean,
): UpdatePlan {
  const at = now.toISOString();
  const refunds = write.refund ? upsertRefund(order.refunds, write.refund) : undefined;
  const check = checkAfter(write.to, refunds ?? order.refunds, now);
  const version = order.version + 1;
  const event = outboxEvent(order.merchant_uid, order.status, write, version, at);
  return {
    kind: 'update',
    set: [
      ...values({
        ...transitionFields(write, at),
        version,
        revision: order.revision + 1,
        // The whole list is rewritten here (we hold it from the read), which is where it is bounded.
        history: [...order.history, historyEntry(order.status, write, at)].slice(-HISTORY_LIMIT),
        refunds,
        // An item the merchant wrote has no outbox map yet: create it with this event.
        outbox: recordEvents && order.outbox === undefined ? { [outboxKey(version)]: event } : undefined,
        ...check.set,
      }),
      ...(recordEvents ? outboxMarker(now, order.outbox === undefined ? undefined : { version, event }) : []),
    ],
    remove: check.remove,
    condition: { kind: 'revision', revision: order.revision },
  };
}

/** The hot path's expectation of the stored order: pending as created here, with exactly this money. */
function hotPathExpected(expected: HotPathExpected) {
  // Version 1 is an order created here with no transition yet, so the event id is known without reading.
  return {
    status: 'pending',
    version: 1,
    amount: expected.amount,
    currency: expected.currency,
    ...(expected.api === 'v2' ? { api: 'v2' as const } : {}),
  } as const;
}

/**
 * The order the hot path's condition stands for: the decision rules are asked about it first, and the
 * blind write is tried only when they would move it to `paid` or `vbank_issued`.
 */
export function hotPathProbe(merchantUid: string, expected: HotPathExpected): Order {
  const at = new Date(0).toISOString();
  return {
    merchant_uid: merchantUid,
    ...hotPathExpected(expected),
    created_at: at,
    updated_at: at,
    revision: 0,
    history: [],
    refunds: [],
  };
}

/**
 * The hot path's condition. The amount rule lives in it: the stored amount must equal what Iamport
 * says was paid. An event goes into the outbox map, which must therefore exist (items the merchant
 * wrote have none and take the full rules instead).
 */
function hotPathCondition(expected: HotPathExpected, recordEvents: boolean) {
  return {
    kind: 'equals',
    equals: hotPathExpected(expected),
    exists: recordEvents ? ['outbox'] : [],
    missing: expected.api === 'v2' ? [] : ['api'],
  } as const satisfies Condition;
}

/** The hot path: `pending → write.to` as a blind write, no read first. */
export function transitionFromPendingPlan(
  merchantUid: string,
  expected: HotPathExpected,
  write: TransitionWrite,
  now: Date,
  recordEvents: boolean,
): UpdatePlan {
  const at = now.toISOString();
  const { version } = hotPathExpected(expected);
  const next = version + 1;
  const event = outboxEvent(merchantUid, 'pending', write, next, at);
  return {
    kind: 'update',
    set: [
      ...values({ ...transitionFields(write, at), version: next }),
      // Appending keeps this a blind write; a pending order has a couple of entries, far below the bound.
      { op: 'append', path: ['history'], items: [historyEntry('pending', write, at)] },
      { op: 'increment', path: ['revision'], by: 1 },
      ...(recordEvents ? outboxMarker(now, { version: next, event }) : []),
    ],
    remove: awaitsResult(write.to) ? [] : CHECK_FIELDS,
    condition: hotPathCondition(expected, recordEvents),
    // Refused (a duplicate notice, a tampered amount), the full rules decide on the stored order.
    refused: 'stored',
  };
}

/** Adds or replaces the refund of `refund.imp_uid`. A refund is not a transition: no event. */
export function saveRefundPlan(order: Order, refund: Refund, now: Date): UpdatePlan {
  const refunds = upsertRefund(order.refunds, refund);
  const check = checkAfter(order.status, refunds, now);
  return {
    kind: 'update',
    set: values({ refunds, revision: order.revision + 1, updated_at: now.toISOString(), ...check.set }),
    remove: check.remove,
    condition: { kind: 'revision', revision: order.revision },
  };
}

/** Sets the next lost-result check, or takes the order out of the sweeper's index with `undefined`. */
export function scheduleCheckPlan(
  order: Order,
  check: { dueAt: number; attempt: number } | undefined,
  now: Date,
): UpdatePlan {
  const touched = { revision: order.revision + 1, updated_at: now.toISOString() };
  return {
    kind: 'update',
    set: values(
      check
        ? { check_due_at: check.dueAt, check_attempt: check.attempt, check_bucket: CHECK_BUCKET, ...touched }
        : touched,
    ),
    remove: check ? [] : CHECK_FIELDS,
    condition: { kind: 'revision', revision: order.revision },
  };
}

/** Only the sweeper that still sees the old due time moves it: the other one queues nothing. */
export function leaseCheckPlan(dueAt: number, nextDueAt: number): UpdatePlan {
  return {
    kind: 'update',
    set: values({ check_due_at: nextDueAt }),
    remove: [],
    condition: { kind: 'equals', equals: { check_due_at: dueAt }, exists: [] },
  };
}

/** A final order leaves the sparse index: nothing is left to check. */
const CHECK_FIELDS: readonly Path[] = [['check_due_at'], ['check_attempt'], ['check_bucket']];

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

/**
 * The outbox's index keys with an event: `outbox_since` keeps the oldest waiting event's time, so the
 * sweeper looks at old ones first. Without `into`, the event was written with a new map.
 */
function outboxMarker(now: Date, into?: { version: number; event: OutboxEntry }): Assignment[] {
  return [
    { op: 'set', path: ['outbox_bucket'], value: OUTBOX_BUCKET },
    { op: 'setIfAbsent', path: ['outbox_since'], value: Math.floor(now.getTime() / 1000) },
    ...(into ? [{ op: 'set', path: ['outbox', outboxKey(into.version)], value: into.event } as const] : []),
  ];
}

/** The event of a transition, as the outbox keeps it until every target accepted it. */
function outboxEvent(
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
    ...(write.patch.transaction_id ? { transaction_id: write.patch.transaction_id } : {}),
    version,
    occurred_at: at,
    delivered_to: [],
    attempts: 0,
    next_attempt_at: 0,
  };
}

function transitionFields(write: TransitionWrite, at: string): Record<string, unknown> {
  return { status: write.to, updated_at: at, ...write.patch };
}

function historyEntry(from: Order['status'], write: TransitionWrite, at: string): HistoryEntry {
  return {
    at,
    from,
    to: write.to,
    imp_uid: write.patch.imp_uid ?? null,
    ...(write.patch.transaction_id ? { transaction_id: write.patch.transaction_id } : {}),
    source: write.source,
  };
}

function upsertRefund(refunds: readonly Refund[], refund: Refund): Refund[] {
  return [...refunds.filter((existing) => attemptIdOf(existing) !== attemptIdOf(refund)), refund];
}

/** Plain assignments of the defined fields: an undefined field is not written at all. */
function values(fields: Record<string, unknown>): Assignment[] {
  return Object.entries(defined(fields)).map(([attribute, value]) => ({
    op: 'set',
    path: [attribute],
    value,
  }));
}

function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
