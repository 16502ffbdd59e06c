import type { OutboxStore } from '../orders/outboxStore';
import type { Order, OutboxEntry } from '../orders/types';
import { buildEvent } from './buildEvent';
import type { EventTarget } from './types';

export interface DispatchDeps {
  outbox: OutboxStore;
  targets: readonly EventTarget[];
  now?: () => Date;
  /** A target refused `entry`, or (without one) the outbox bookkeeping failed; the sweeper retries. */
  onError?: (error: unknown, entry?: OutboxEntry) => void;
}

/** First retry after 30 s, doubling, at most 6 h apart: a merchant endpoint down for a day still gets it. */
export function nextAttemptDelaySeconds(attempts: number): number {
  return Math.min(30 * 2 ** Math.max(0, attempts - 1), 6 * 3600);
}

/**
 * Sends the order's waiting events to every target that has not taken them yet, in version order,
 * then removes each fully delivered one. A target that fails keeps the event for the sweeper, with
 * backoff. `dueOnly` (the sweeper) skips events whose backoff has not run out.
 */
export async function dispatchOutbox(
  deps: DispatchDeps,
  order: Order,
  options: { dueOnly?: boolean } = {},
): Promise<{ delivered: number; waiting: number }> {
  const now = (deps.now ?? (() => new Date()))();
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const entries = Object.entries(order.outbox ?? {}).sort(([, a], [, b]) => a.version - b.version);
  let delivered = 0;
  let waiting = 0;
  for (const [key, entry] of entries) {
    if (options.dueOnly && entry.next_attempt_at > nowSeconds) {
      waiting += 1;
      continue;
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
      // DynamoDB write: the event leaves the outbox (and, when nothing else waits, the index too).
      const last = waiting === 0 && entries.length - delivered === 1;
      await deps.outbox.remove(order.merchant_uid, key, last);
      delivered += 1;
    } else {
      const attempts = entry.attempts + 1;
      await deps.outbox.postpone(order.merchant_uid, key, {
        deliveredTo,
        attempts,
        nextAttemptAt: nowSeconds + nextAttemptDelaySeconds(attempts),
      });
      waiting += 1;
    }
  }
  return { delivered, waiting };
}

/** What verification needs: hand over an order whose transition may have left events waiting. */
export interface OrderEvents {
  publish(order: Order): Promise<void>;
}

/**
 * Publishes right after the transition's write. Failures never fail the verification that caused
 * them: the events stay in the outbox and the sweeper sends them later.
 */
export function createOrderEvents(deps: DispatchDeps): OrderEvents {
  return {
    async publish(order) {
      if (!order.outbox || Object.keys(order.outbox).length === 0) return;
      try {
        await dispatchOutbox(deps, order);
      } catch (error) {
        deps.onError?.(error);
      }
    },
  };
}
