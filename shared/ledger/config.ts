import { z } from 'zod';
import type { LedgerSettings } from './checkLedger';

/** The ledger check's own settings (the rest is the shared configuration). */
const envSchema = z.object({
  LEDGER_TABLE: z.string().min(1),
  /** A day by default: one window a day. */
  LEDGER_WINDOW_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 30)
    .default(24),
  LEDGER_OVERLAP_MINUTES: z.coerce
    .number()
    .min(0)
    .max(24 * 60)
    .default(60),
  LEDGER_MAX_PAGES_PER_RUN: z.coerce.number().int().positive().default(200),
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
