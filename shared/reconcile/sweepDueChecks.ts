import type { OrderStore } from '../orders/store';
import type { RetryQueue } from '../queue/types';
import { SWEEP_LEASE_SECONDS } from './schedule';

export interface SweepDeps {
  orders: Pick<OrderStore, 'findDueChecks' | 'leaseCheck'>;
  queue: RetryQueue;
}

export interface SweepResult {
  found: number;
  queued: number;
  failed: number;
}

/**
 * The scheduled sweeper (docs/design.md §6): orders whose check is overdue (the queued check went
 * missing, the enqueue failed, or the merchant's own system wrote the order with a due time) are queued
 * again.
 * Each is leased first, so a second sweeper running at the same time queues nothing twice; a failed
 * enqueue is picked up again when its lease runs out.
 */
export async function sweepDueChecks(
  deps: SweepDeps,
  now: Date = new Date(),
  options: { pageSize?: number; maxOrders?: number } = {},
): Promise<SweepResult> {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const pageSize = options.pageSize ?? 100;
  const maxOrders = options.maxOrders ?? 1000;
  const result: SweepResult = { found: 0, queued: 0, failed: 0 };
  while (result.found < maxOrders) {
    // DynamoDB Query on the sparse index: leased orders move out of range, so each page is new work.
    const due = await deps.orders.findDueChecks(nowSeconds, Math.min(pageSize, maxOrders - result.found));
    if (due.length === 0) break;
    result.found += due.length;
    let leasedAny = false;
    for (const check of due) {
      if (
        !(await deps.orders.leaseCheck(
          check.merchant_uid,
          check.check_due_at,
          nowSeconds + SWEEP_LEASE_SECONDS,
        ))
      )
        continue;
      leasedAny = true;
      try {
        await deps.queue.send(
          { merchant_uid: check.merchant_uid, reason: 'sweep', attempt: check.check_attempt ?? 1 },
          0,
        );
        result.queued += 1;
      } catch {
        result.failed += 1;
      }
    }
    // Everything on this page was taken by another sweeper: it is working through the same range.
    if (!leasedAny) break;
  }
  return result;
}
