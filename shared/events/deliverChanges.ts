import * as v from 'valibot';
import type { OrderStore } from '../orders/store';
import type { Order } from '../orders/types';
import { failedPaths } from '../validation';
import { changeRecordSchema, matchesFilter, UNDELIVERED_EVENT_FILTER } from './changes';
import { type DispatchDeps, dispatchOutbox } from './dispatchOutbox';

export interface ChangeDeliveryDeps extends DispatchDeps {
  orders: Pick<OrderStore, 'get' | 'getMany'>;
  /** A record that is not a change of an order item (it is skipped: retrying cannot mend it). */
  onMalformed?: (error: unknown) => void;
}

/** Lambda's partial batch answer for a stream: the first record to retry, the ones after it with it. */
export interface ChangeBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

/**
 * The delivery function's work (docs/design.md §6b): for each changed order whose new image has an
 * event waiting, in the shard's order, read the order as it is now (a consistent read: an earlier
 * record of this batch, or of the last one, may have sent the event already) and send what it holds.
 * The orders of a batch are read together first (one BatchGetItem per 100 orders; one by one if that
 * fails): a read made after every record of the batch was written shows what each record shows or
 * later, as a read per record would.
 * The first record that fails (a target refused, DynamoDB failed) ends the batch: it and every record
 * after it are retried by the stream, so one order's events never overtake each other. So does the
 * first event there is no time left for (SEND_RESERVE_MS).
 */
export async function deliverChanges(
  deps: ChangeDeliveryDeps,
  records: readonly unknown[],
): Promise<ChangeBatchResponse> {
  const changes: { merchantUid: string; sequenceNumber: string }[] = [];
  for (const raw of records) {
    const parsed = v.safeParse(changeRecordSchema, raw);
    if (!parsed.success) {
      deps.onMalformed?.(new Error(`malformed at ${failedPaths(parsed.issues).join(', ')}`));
      continue;
    }
    if (!matchesFilter(UNDELIVERED_EVENT_FILTER, parsed.output)) continue;
    const { Keys, SequenceNumber } = parsed.output.dynamodb;
    changes.push({ merchantUid: Keys.merchant_uid.S, sequenceNumber: SequenceNumber });
  }
  const failedAt = (sequenceNumber: string) => ({ batchItemFailures: [{ itemIdentifier: sequenceNumber }] });
  if (changes.length === 0) return { batchItemFailures: [] };
  let orders: ReadonlyMap<string, Order> | undefined;
  try {
    orders = await deps.orders.getMany(changes.map((change) => change.merchantUid));
  } catch {
    // Read one by one instead, so that an item that cannot be read (or a store that is down) fails at
    // its own record and the records before it are still delivered.
    orders = undefined;
  }
  const done = new Set<string>();
  for (const { merchantUid, sequenceNumber } of changes) {
    // One dispatch per order and batch: its later records show what the read already saw or less.
    if (done.has(merchantUid)) continue;
    try {
      const order = orders ? orders.get(merchantUid) : await deps.orders.get(merchantUid);
      const sent = order ? await dispatchOutbox(deps, order, 'stream') : undefined;
      if (sent && sent.failed > 0) return failedAt(sequenceNumber);
    } catch (error) {
      deps.onError?.(error);
      return failedAt(sequenceNumber);
    }
    done.add(merchantUid);
  }
  return { batchItemFailures: [] };
}
