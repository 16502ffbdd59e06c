import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import type { DispatchDeps } from '../../shared/events/dispatchOutbox';
import { type OutboxSweepResult, sweepOutbox } from '../../shared/events/sweepOutbox';
import type { OrderStore } from '../../shared/orders/store';
import { type SweepDeps, type SweepResult, sweepDueChecks } from '../../shared/reconcile/sweepDueChecks';

export interface SweeperDeps extends SweepDeps {
  orders: SweepDeps['orders'] & Pick<OrderStore, 'get'>;
  /** The outbox dispatcher; with no target configured its sweep finds nothing (nothing is recorded). */
  events: DispatchDeps;
}

/**
 * The scheduled sweeper (docs/design.md §6, §6b): queues every overdue lost-result check, and, as the
 * safety net behind the stream's delivery function, re-sends events that waited in an outbox past the
 * stream's retry window (OUTBOX_GRACE_SECONDS).
 */
export function createSweeper(deps: SweeperDeps, logger: Logger, now: () => Date = () => new Date()) {
  return async function sweeper(
    _event?: unknown,
    context?: Pick<Context, 'getRemainingTimeInMillis'>,
  ): Promise<{ checks: SweepResult; events: OutboxSweepResult }> {
    const at = now();
    const checks = await sweepDueChecks(deps, at);
    const events = await sweepOutbox(
      {
        ...deps.events,
        orders: deps.orders,
        ...(context ? { timeLeftMs: () => context.getRemainingTimeInMillis() } : {}),
      },
      at,
    );
    if (checks.found > 0 || events.orders > 0) logger.info('sweep', { checks, events });
    // A failed enqueue keeps its lease and comes back next time; an error makes the alarm see it now.
    if (checks.failed > 0) throw new Error(`sweeper could not queue ${checks.failed} checks`);
    // Every other order was swept; the errors alarm sees the ones left (logged one by one by onError).
    if (events.failed > 0) throw new Error(`sweeper could not sweep the events of ${events.failed} orders`);
    return { checks, events };
  };
}
