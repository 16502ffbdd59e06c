import type { Path, UpdatePlan } from './writePlan';

/**
 * The outbox bookkeeping (docs/design.md §6b) as plans. None of them touches status, version or
 * revision, so delivery never races a verification; each is conditioned on the outbox itself.
 */

const INDEX_KEYS: readonly Path[] = [['outbox_bucket'], ['outbox_since']];

/**
 * A delivered event leaves the outbox: the plans to try in order, until one applies. With `last`, the
 * first also takes the order out of the index in the same write, but only if this is the one event
 * waiting: one that a concurrent transition just added keeps its entry. If none applies, another
 * delivery of the same event won and nothing is left to do.
 */
export function removeEventPlans(key: string, last: boolean): UpdatePlan[] {
  const plan = (alone: boolean): UpdatePlan => ({
    kind: 'update',
    set: [],
    remove: [['outbox', key], ...(alone ? INDEX_KEYS : [])],
    condition: { kind: 'outboxEntry', key, only: alone },
  });
  return last ? [plan(true), plan(false)] : [plan(false)];
}

/** Keeps an event for later; the index entry moves to the retry time, so backoff does not crowd out due ones. */
export function postponeEventPlan(
  key: string,
  progress: { deliveredTo: string[]; attempts: number; nextAttemptAt: number },
): UpdatePlan {
  return {
    kind: 'update',
    set: [
      { op: 'set', path: ['outbox', key, 'delivered_to'], value: progress.deliveredTo },
      { op: 'set', path: ['outbox', key, 'attempts'], value: progress.attempts },
      { op: 'set', path: ['outbox', key, 'next_attempt_at'], value: progress.nextAttemptAt },
      { op: 'set', path: ['outbox_since'], value: progress.nextAttemptAt },
    ],
    remove: [],
    condition: { kind: 'outboxEntry', key, only: false },
  };
}

/** An order whose outbox emptied leaves the index. */
export function clearOutboxIndexPlan(): UpdatePlan {
  return { kind: 'update', set: [], remove: INDEX_KEYS, condition: { kind: 'outboxIdle' } };
}
