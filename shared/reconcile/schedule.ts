import { MAX_DELAY_SECONDS } from '../queue/types';

export interface ReconcileSettings {
  /** First lost-result check after registration. */
  reconcileAfterSeconds: number;
  /** A pending order older than this is `expired` (a vbank order waits for its deposit deadline). */
  reconcileMaxAgeSeconds: number;
  /** First delay after Iamport was unreachable; doubles per attempt. */
  retryBaseSeconds: number;
}

/** Iamport outages are retried this many times (hours at the 900 s cap) before a person is asked. */
export const MAX_TRANSIENT_ATTEMPTS = 24;

/**
 * Speculative work (ids that named no order we hold) is tried this many times from the queue, then dropped:
 * a junk id costs the shop's Iamport key a few calls, not 24, and pages nobody. A real payment behind
 * such an id is still found by its order's own lost-result check.
 */
export const MAX_SPECULATIVE_ATTEMPTS = 3;

/** Between two lost-result checks at most this long, however many came before. */
const MAX_CHECK_INTERVAL_SECONDS = 6 * 3600;

/**
 * The sparse index's due time runs this far behind the queued check, so the sweeper only picks up
 * checks whose message really went missing (or whose enqueue failed).
 */
export const SWEEP_GRACE_SECONDS = 60;

/** How long a check the sweeper queued is left to the queue before the sweeper queues it again. */
export const SWEEP_LEASE_SECONDS = 15 * 60;

/** Delay before retry `attempt` (1-based) of work Iamport could not take: base, 2×base, 4×base … 900 s. */
export function retryDelaySeconds(attempt: number, baseSeconds: number): number {
  return Math.min(baseSeconds * 2 ** Math.max(0, attempt - 1), MAX_DELAY_SECONDS);
}

/** Wait before lost-result check `attempt` (1-based): after, 2×after, 4×after … 6 h. */
export function checkDelaySeconds(attempt: number, afterSeconds: number): number {
  return Math.min(afterSeconds * 2 ** Math.max(0, attempt - 1), MAX_CHECK_INTERVAL_SECONDS);
}
