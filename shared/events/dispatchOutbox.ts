import { attemptIdOf } from '../orders/attemptIds';
import type { OutboxStore } from '../orders/outboxStore';
import type { Order, OutboxEntry } from '../orders/types';
import { buildEvent } from './buildEvent';
import type { EventTarget } from './types';

export interface DispatchDeps {
  outbox: OutboxStore;
  targets: readonly EventTarget[];
  now?: () => Date;
  /** A target refused `entry`, or (without one) the outbox bookkeeping failed. */
  onError?: (error: unknown, entry?: OutboxEntry) => void;
  /** What is left of the invocation (Lambda's `getRemainingTimeInMillis`). */
  timeLeftMs?: () => number;
}

/**
 * The invocation time a loop over events (the delivery function, the sweeper) keeps for the next
 * event it starts: a webhook's worst case (two 3 s tries, backoff, a `Retry-After` of up to 2 s) or the
 * bus's (three 3 s attempts), then the removal write. An invocation Lambda ends mid-send has sent events
 * it never removed, and on the stream fails its whole batch instead of one record. Two targets slow at
 * once can still outlast it; Lambda's timeout then fails the batch, which the stream retries as before.
 */
export const SEND_RESERVE_MS = 10_000;

/** Whether there is time to start sending one more event (always, where nobody counts the time). */
export function hasTimeToSend(timeLeftMs: (() => number) | undefined): boolean {
  return timeLeftMs === undefined || timeLeftMs() >= SEND_RESERVE_MS;
}

/** The safety net's longest wait between two tries of one event. */
export const OUTBOX_MAX_BACKOFF_SECONDS = 6 * 3600;

/** First retry after 30 s, doubling, at most 6 h apart: a merchant endpoint down for a day still gets it. */
export function nextAttemptDelaySeconds(attempts: number): number {
  return Math.min(30 * 2 ** Math.max(0, attempts - 1), OUTBOX_MAX_BACKOFF_SECONDS);
}

/**
 * Who is sending (docs/design.md §6b):
 * - `stream`: the delivery function, on a change of the order (DynamoDB Streams; locally the change
 *   feed). It sends the events nobody has tried yet; on a refusal it writes nothing and reports the
 *   failure, so the stream retries the record (Lambda's retries, bisection, then the on-failure queue).
 *   Writing the failure down would be a change of its own and come straight back as another record.
 * - `sweep`: the safety net. It sends what waited past the stream's whole retry window, with backoff
 *   written on the entry (`attempts`, `next_attempt_at`); from then on the entry is the sweeper's and
 *   the stream leaves it alone, so the backoff's own writes never turn into a retry loop.
 */
export type DispatchMode = 'stream' | 'sweep';

export interface DispatchResult {
  delivered: number;
  /** Left for later: held for a refund, backed off, or the sweeper's. */
  waiting: number;
  /** `stream` only: an event a target refused, or there was no time left to send it; the record must fail so the stream retries it. */
  failed: number;
}

/**
 * How long the stream may keep retrying a record (serverless.yml `maximumRecordAgeInSeconds` of the
 * delivery function's stream, checked equal by test/deploy): past it the record goes to the
 * on-failure queue and the event is the sweeper's.
 */
export const STREAM_MAX_RECORD_AGE_SECONDS = 300;

/** Events younger than this are the stream's (twice its whole retry window): the sweeper leaves them. */
export const OUTBOX_GRACE_SECONDS = 2 * STREAM_MAX_RECORD_AGE_SECONDS;

/** Whether `entry` is still within the stream's window; an unreadable time is not (no reason to wait). */
function inStreamWindow(entry: OutboxEntry, nowSeconds: number): boolean {
  return Date.parse(entry.occurred_at) / 1000 > nowSeconds - OUTBOX_GRACE_SECONDS;
}

/**
 * An event waits while the refund of its attempt is still being made (`requested`), so that a forgery
 * event carries the refund's result: settling writes the order again, and that change sends it. It waits
 * no longer than the stream's window (OUTBOX_GRACE_SECONDS from the event): a refund the PG takes days
 * to finish (V2 `REQUESTED`) must not hold back the order's later events that long. The sweeper then
 * sends it as it stands (the refund `requested`), and the later events after it.
 */
export function isHeld(order: Order, entry: OutboxEntry, nowSeconds: number): boolean {
  const attemptId = attemptIdOf(entry);
  if (attemptId === undefined) return false;
  if (!inStreamWindow(entry, nowSeconds)) return false;
  return order.refunds.some((refund) => attemptIdOf(refund) === attemptId && refund.status === 'requested');
}

/**
 * Whether `entry` is `mode`'s to send now: the stream sends what nobody has tried yet and leaves what
 * the sweeper took over (`attempts > 0`); the sweeper sends what is past its backoff, and leaves an
 * untried event to the stream until the stream's whole retry window is over (one sender at a time).
 */
function isTurnOf(mode: DispatchMode, entry: OutboxEntry, nowSeconds: number): boolean {
  if (mode === 'stream') return entry.attempts === 0;
  if (entry.attempts > 0) return entry.next_attempt_at <= nowSeconds;
  return !inStreamWindow(entry, nowSeconds);
}

/**
 * Sends the order's waiting events to every target that has not taken them yet, in version order,
 * then removes each fully delivered one (one conditional write; with the index key when it was the last).
 * One order's events never overtake each other: the first that cannot go now (held for its refund, not
 * this sender's turn, refused) holds back every later one, which goes with it.
 */
export async function dispatchOutbox(
  deps: DispatchDeps,
  order: Order,
  mode: DispatchMode,
): Promise<DispatchResult> {
  const now = (deps.now ?? (() => new Date()))();
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const entries = Object.entries(order.outbox ?? {}).sort(([, a], [, b]) => a.version - b.version);
  const result: DispatchResult = { delivered: 0, waiting: 0, failed: 0 };
  for (const [index, [key, entry]] of entries.entries()) {
    const behind = entries.length - index;
    if (!isTurnOf(mode, entry, nowSeconds) || isHeld(order, entry, nowSeconds)) {
      result.waiting += behind;
      break;
    }
    if (!hasTimeToSend(deps.timeLeftMs)) {
      // Out of time: the stream retries this record, in order; the sweeper's next run takes it up.
      if (mode === 'stream') result.failed += 1;
      else result.waiting += behind;
      break;
    }
    const event = buildEvent(order, entry);
    const deliveredTo = [...entry.delivered_to];
    for (const target of deps.targets) {
      if (deliveredTo.includes(target.name)) continue;
      try {
        await target.deliver(event);
        deliveredTo.push(target.name);
      } catch (error) {
        deps.onError?.(error, entry);
      }
    }
    if (deps.targets.every((target) => deliveredTo.includes(target.name))) {
      // DynamoDB write: the event leaves the outbox (and, when it was the last, the index too).
      await deps.outbox.remove(order.merchant_uid, key, behind === 1);
      result.delivered += 1;
    } else if (mode === 'stream') {
      // The stream retries this record, in order; nothing is written (it would be a change of its own).
      result.failed += 1;
      break;
    } else {
      const attempts = entry.attempts + 1;
      await deps.outbox.postpone(order.merchant_uid, key, {
        deliveredTo,
        attempts,
        nextAttemptAt: nowSeconds + nextAttemptDelaySeconds(attempts),
      });
      result.waiting += behind;
      break;
    }
  }
  return result;
}
