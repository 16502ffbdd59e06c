import { OrderConflictError } from './store';

/**
 * Rounds of read-decide-write one caller makes before it gives up on an order. Concurrent writers on
 * one order are few (three entry points, the queue and the sweeper), so conflicts settle in a round or
 * two; eight means something keeps writing, which a person should see.
 */
export const MAX_CONFLICT_ROUNDS = 8;

/**
 * Optimistic concurrency in one place: runs `round` (which reads the order afresh, decides and makes
 * one conditional write) again whenever another writer got there first (`OrderConflictError`), up to
 * {@link MAX_CONFLICT_ROUNDS}; then throws `order <id> kept changing during <activity>`.
 * Any other error ends it at once.
 */
export async function retryOnConflict<T>(
  merchantUid: string,
  activity: string,
  round: (attempt: number) => Promise<T>,
): Promise<T> {
  for (let attempt = 0; attempt < MAX_CONFLICT_ROUNDS; attempt++) {
    try {
      return await round(attempt);
    } catch (error) {
      if (!(error instanceof OrderConflictError)) throw error;
    }
  }
  throw new Error(`order ${merchantUid} kept changing during ${activity}`);
}
