import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import {
  checkLedger,
  type LedgerDeps,
  type LedgerRun,
  type LedgerSettings,
} from '../../shared/ledger/checkLedger';
import { needsAttention } from '../../shared/ledger/findings';
import type { PublishFindings } from '../../shared/ledger/publish';
import { orderApis } from '../../shared/orders/types';

/** Time kept back from Lambda's limit for the last page, the checkpoint and the log line. */
const RESERVE_MS = 30_000;

/**
 * The scheduled ledger check, for each API the stage serves. Each run continues the current window
 * from its checkpoint, within the time Lambda leaves it; a finished window's findings are logged, and
 * published as `ledger.checked`. Anything it could not settle (an unknown order, a refund that did
 * not go through, PortOne down) is logged as `ledger check needs attention`, which the alarm counts.
 */
export function createLedgerCheckHandler(
  deps: LedgerDeps,
  settings: Omit<LedgerSettings, 'budgetMs'>,
  logger: Logger,
  publish?: PublishFindings,
) {
  return async function ledgerCheck(_event: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>) {
    const runs: LedgerRun[] = [];
    for (const [index, api] of orderApis.entries()) {
      const remaining = context?.getRemainingTimeInMillis() ?? 300_000;
      // What is left, shared among the APIs still to check.
      const budgetMs = Math.max(0, (remaining - RESERVE_MS) / (orderApis.length - index));
      const run = await checkLedger(
        {
          onError: (error, payment) =>
            logger.warn('ledger check could not check a payment; deferred', {
              api,
              ...payment,
              error: error instanceof Error ? error.message : String(error),
            }),
          ...deps,
        },
        { ...settings, budgetMs },
        api,
      );
      runs.push(run);
      await report(run, logger, publish);
    }
    return runs.map((run) => ({ api: run.api, state: run.state }));
  };
}

async function report(run: LedgerRun, logger: Logger, publish: PublishFindings | undefined): Promise<void> {
  if (run.state === 'not_served' || run.state === 'not_due') {
    logger.debug('ledger check', { ...run });
    return;
  }
  const { findings } = run;
  logger.info('ledger check', { api: run.api, state: run.state, reason: run.reason, findings });
  const attention = needsAttention(findings) || run.state === 'interrupted';
  if (attention) {
    logger.error('ledger check needs attention', {
      api: run.api,
      state: run.state,
      reason: run.reason,
      unknown_orders: findings.unknown_orders,
      unsettled: findings.unsettled,
    });
  }
  if (run.state === 'finished' && publish !== undefined) {
    try {
      await publish(findings);
    } catch (error) {
      // The log line above holds the same findings; the window is done either way.
      logger.warn('ledger.checked not published', {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
