import * as z from 'zod/mini';
import type { LedgerSettings } from './checkLedger';

/** The ledger check's own settings (the rest is the shared configuration). */
const envSchema = z.object({
  LEDGER_TABLE: z.string().check(z.minLength(1)),
  /** A day by default: one window a day. */
  LEDGER_WINDOW_HOURS: z._default(z.coerce.number().check(z.positive(), z.lte(24 * 30)), 24),
  LEDGER_OVERLAP_MINUTES: z._default(z.coerce.number().check(z.gte(0), z.lte(24 * 60)), 60),
  LEDGER_MAX_PAGES_PER_RUN: z._default(z.coerce.number().check(z.int(), z.positive()), 200),
});

export interface LedgerConfig {
  table: string;
  /** `budgetMs` is decided per invocation, from the time Lambda leaves it. */
  settings: Omit<LedgerSettings, 'budgetMs'>;
}

export function loadLedgerConfig(env: NodeJS.ProcessEnv = process.env): LedgerConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`invalid ledger configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  return {
    table: e.LEDGER_TABLE,
    settings: {
      windowMs: e.LEDGER_WINDOW_HOURS * 3_600_000,
      overlapMs: e.LEDGER_OVERLAP_MINUTES * 60_000,
      maxPagesPerRun: e.LEDGER_MAX_PAGES_PER_RUN,
    },
  };
}
