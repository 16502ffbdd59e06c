import * as v from 'valibot';
import type { OrderStore } from '../orders/store';
import { failedPaths } from '../validation';
import { changeRecordSchema, matchesFilter, UNDELIVERED_EVENT_FILTER } from './changes';
import { type DispatchDeps, dispatchOutbox } from './dispatchOutbox';

export interface ChangeDeliveryDeps extends DispatchDeps {
  orders: Pick<OrderStore, 'get'>;
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
 * The first record that fails (a target refused, DynamoDB failed) ends the batch: it and every record
 * after it are retried by the stream, so one order's events never overtake each other.
 */
export async function deliverChanges(
  deps: ChangeDeliveryDeps,
  records: readonly unknown[],
): Promise<ChangeBatchResponse> {
  const done = new Set<string>();
  for (const raw of records) {
    const parsed = v.safeParse(changeRecordSchema, raw);
    if (!parsed.success) {
      deps.onMalformed?.(new Error(`malformed at ${failedPaths(parsed.issues).join(', ')}`));
      continue;
    }
    const record = parsed.output;
    const merchantUid = record.dynamodb.Keys.merchant_uid.S;
    // One read per order and batch: its later records show what this read already saw or less.
    if (!matchesFilter(UNDELIVERED_EVENT_FILTER, record) || done.has(merchantUid)) continue;
    try {
      const order = await deps.orders.get(merchantUid);
      const sent = order ? await dispatchOutbox(deps, order, 'stream') : undefined;
      if (sent && sent.failed > 0)
        return { batchItemFailures: [{ itemIdentifier: record.dynamodb.SequenceNumber }] };
    } catch (error) {
      deps.onError?.(error);
      return { batchItemFailures: [{ itemIdentifier: record.dynamodb.SequenceNumber }] };
    }
    done.add(merchantUid);
  }
  return { batchItemFailures: [] };
}
