import type { Logger } from '@aws-lambda-powertools/logger';
import { type SweepDeps, type SweepResult, sweepDueChecks } from '../../shared/reconcile/sweepDueChecks';

/** The scheduled sweeper: queues every overdue lost-result check (design §6). */
export function createSweeper(deps: SweepDeps, logger: Logger, now: () => Date = () => new Date()) {
  return async function sweeper(): Promise<SweepResult> {
    const result = await sweepDueChecks(deps, now());
    if (result.found > 0) logger.info('sweep', { ...result });
    // A failed enqueue keeps its lease and comes back next time; an error makes the alarm see it now.
    if (result.failed > 0) throw new Error(`sweeper could not queue ${result.failed} checks`);
    return result;
  };
}
