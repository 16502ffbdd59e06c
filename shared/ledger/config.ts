import * as v from 'valibot';
import { envNumber, issueLines, nonEmpty, valueFreeMessages } from '../validation';
import type { LedgerSettings } from './checkLedger';

/** The ledger check's own settings (the rest is the shared configuration). */
const envSchema = v.object({
  LEDGER_TABLE: nonEmpty,
  /** A day by default: one window a day. */
  LEDGER_WINDOW_HOURS: envNumber(24, { above: 0, max: 24 * 30 }),
  LEDGER_OVERLAP_MINUTES: envNumber(60, { min: 0, max: 24 * 60 }),
  LEDGER_MAX_PAGES_PER_RUN: envNumber(200, { integer: true, min: 1 }),
});

export interface LedgerConfig {
  table: string;
  /** `budgetMs` is decided per invocation, from the time Lambda leaves it. */
  settings: Omit<LedgerSettings, 'budgetMs'>;
}

export function loadLedgerConfig(env: NodeJS.ProcessEnv = process.env): LedgerConfig {
  const parsed = v.safeParse(envSchema, env, valueFreeMessages);
  if (!parsed.success) {
    throw new Error(`invalid ledger configuration: ${issueLines(parsed.issues).join('; ')}`);
  }
  const e = parsed.output;
  return {
    table: e.LEDGER_TABLE,
    settings: {
      windowMs: e.LEDGER_WINDOW_HOURS * 3_600_000,
      overlapMs: e.LEDGER_OVERLAP_MINUTES * 60_000,
      maxPagesPerRun: e.LEDGER_MAX_PAGES_PER_RUN,
    },
  };
}
