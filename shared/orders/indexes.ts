/**
 * The order table's two sparse indexes, as the store writes them: an item is in an index only while
 * it carries that index's keys. Kept apart from the entity's schema (types.ts): this is how the store
 * lays orders out, not what an order is.
 */

/**
 * The one partition of the sparse `due-checks` index. A single value keeps the sweeper to one Query;
 * it bounds index writes to one partition's throughput, far above a shop's checkout rate.
 */
export const CHECK_BUCKET = 'due';
export const DUE_CHECKS_INDEX = 'due-checks';
/** A claimed refund is checked again this long after the claim: past its 60 s lease plus a margin. */
export const OPEN_REFUND_CHECK_SECONDS = 120;
export const OUTBOX_BUCKET = 'pending';
export const OUTBOX_INDEX = 'outbox-pending';

export function outboxKey(version: number): string {
  return `v${version}`;
}
