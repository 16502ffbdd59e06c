/**
 * Bookkeeping of the outbox (events waiting on the order item). None of these writes touches the
 * order's status, version or revision: delivery never races a verification.
 */
export interface OutboxStore {
  /**
   * Removes a delivered event. With `last`, also takes the order out of the sparse index in the same
   * write, provided nothing else is waiting; otherwise the sweeper tidies the index entry later.
   */
  remove(merchantUid: string, key: string, last: boolean): Promise<void>;
  /** Keeps an event for later: which targets already took it, and when to try the rest again. */
  postpone(
    merchantUid: string,
    key: string,
    progress: { deliveredTo: string[]; attempts: number; nextAttemptAt: number },
  ): Promise<void>;
  /** Takes an order with an empty outbox out of the sparse index. */
  clearIfEmpty(merchantUid: string): Promise<void>;
  /** merchant_uids with events waiting since `beforeSeconds` or longer, from the sparse index: no scan. */
  findWaiting(beforeSeconds: number, limit: number): Promise<string[]>;
}
