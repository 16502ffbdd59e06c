import type { OrderStore } from '../orders/store';
import type { OrderApi } from '../orders/types';
import type { Attempt } from '../payments/attempt';
import { isProviderUnavailable, type LedgerWindow, type PaymentProvider } from '../payments/provider';
import type { VerifyOutcome, VerifyRequest } from '../payments/types';
import type { LedgerCheckpoint, LedgerCheckpointStore } from './checkpoint';
import { emptyFindings, type LedgerFindings, note } from './findings';
import { ledgerVerdict } from './verdict';

/**
 * The ledger check ("대사"): list the provider's payments for a window and hold each against our orders.
 * It acts through the verification core only, so a second charge is refunded once (the core's refund
 * claim and checksum), a stale order moves by the state machine, and nothing is ever cancelled for an
 * order we do not know. Paged, bounded per run, and resumable from its checkpoint.
 */
export interface LedgerSettings {
  /** What one window covers, and how long after one window ends the next is due. */
  windowMs: number;
  /** How far a new window reaches back into the previous one (late status changes, clock skew). */
  overlapMs: number;
  /** Pages one run reads at most per API; the next run resumes. */
  maxPagesPerRun: number;
  /** Time one run may spend per API before it saves its place. */
  budgetMs: number;
}

export interface LedgerDeps {
  orders: Pick<OrderStore, 'get'>;
  /** The API's provider; undefined where this stage does not serve that API. */
  providerOf(api: OrderApi): PaymentProvider | undefined;
  /** The verification core (`verifyPayment` with its deps). */
  verify(request: VerifyRequest): Promise<VerifyOutcome>;
  checkpoints: LedgerCheckpointStore;
  acceptSandboxPayments: boolean;
  refundLeaseMs: number;
  now: () => Date;
}

export type LedgerRun =
  | { api: OrderApi; state: 'not_served' }
  | { api: OrderApi; state: 'not_due'; next_window_at: string }
  /** `paused`: the run's page or time budget ran out; `interrupted`: the provider could not be asked. */
  | {
      api: OrderApi;
      state: 'finished' | 'paused' | 'interrupted';
      findings: LedgerFindings;
      reason?: string;
    };

/** V1 lists at most 90 days at once; a window is never wider, even after a long pause. */
const MAX_WINDOW_MS = 89 * 86_400_000;

/** The checkpoint to continue: the unfinished one, a new window once the last is due, or none yet. */
function currentWindow(
  previous: LedgerCheckpoint | undefined,
  api: OrderApi,
  now: Date,
  settings: LedgerSettings,
): LedgerCheckpoint | { next_window_at: string } {
  if (previous !== undefined && !previous.done) return previous;
  const lastUntil = previous === undefined ? undefined : Date.parse(previous.window_until);
  if (lastUntil !== undefined && now.getTime() < lastUntil + settings.windowMs) {
    return { next_window_at: new Date(lastUntil + settings.windowMs).toISOString() };
  }
  const start = (lastUntil ?? now.getTime() - settings.windowMs) - settings.overlapMs;
  const from = new Date(Math.max(start, now.getTime() - MAX_WINDOW_MS));
  return {
    api,
    window_from: from.toISOString(),
    window_until: now.toISOString(),
    done: false,
    findings: emptyFindings(api, from, now),
    updated_at: now.toISOString(),
  };
}

export async function checkLedger(
  deps: LedgerDeps,
  settings: LedgerSettings,
  api: OrderApi,
): Promise<LedgerRun> {
  const provider = deps.providerOf(api);
  if (provider === undefined) return { api, state: 'not_served' };
  const startedAt = deps.now();
  const current = currentWindow(await deps.checkpoints.get(api), api, startedAt, settings);
  if (!('api' in current)) return { api, state: 'not_due', next_window_at: current.next_window_at };

  let checkpoint = current;
  const window: LedgerWindow = {
    from: new Date(checkpoint.window_from),
    until: new Date(checkpoint.window_until),
  };
  for (let pages = 0; ; pages++) {
    const spent = deps.now().getTime() - startedAt.getTime();
    if (pages >= settings.maxPagesPerRun || spent >= settings.budgetMs) {
      return { api, state: 'paused', findings: checkpoint.findings };
    }
    let page: Awaited<ReturnType<PaymentProvider['listAttempts']>>;
    try {
      page = await provider.listAttempts(window, checkpoint.cursor);
    } catch (error) {
      if (!isProviderUnavailable(error)) throw error;
      // The checkpoint already names this page: the next run asks for it again.
      return { api, state: 'interrupted', findings: checkpoint.findings, reason: error.message };
    }
    const findings = structuredClone(checkpoint.findings);
    for (const attempt of page.attempts) await checkAttempt(deps, api, attempt, findings);
    findings.pages += 1;
    const { cursor: _previous, ...rest } = checkpoint;
    checkpoint = {
      ...rest,
      ...(page.next === undefined ? {} : { cursor: page.next }),
      done: page.next === undefined,
      findings,
      updated_at: deps.now().toISOString(),
    };
    // After each page: a crash costs at most that page again, and checking a payment twice changes nothing.
    await deps.checkpoints.put(checkpoint);
    if (checkpoint.done) return { api, state: 'finished', findings };
  }
}

async function checkAttempt(deps: LedgerDeps, api: OrderApi, attempt: Attempt, findings: LedgerFindings) {
  findings.checked += 1;
  const order = await deps.orders.get(attempt.orderId);
  const verdict = ledgerVerdict(order, attempt, {
    acceptSandboxPayments: deps.acceptSandboxPayments,
    refundLeaseMs: deps.refundLeaseMs,
    now: deps.now(),
  });
  const finding = { merchant_uid: attempt.orderId, attempt_id: attempt.id };
  switch (verdict.kind) {
    case 'consistent':
      findings.consistent += 1;
      return;
    case 'ignored':
      findings.ignored += 1;
      return;
    case 'unknown_order':
      note(findings.unknown_orders, {
        ...finding,
        reason: order === undefined ? 'no such order' : 'an order of the other API',
      });
      return;
    case 'reverify': {
      findings.reverified += 1;
      const outcome = await deps.verify({
        api,
        // V1 verifies this very attempt (a second charge is not the order's deciding one); V2 names payments by id.
        ...(api === 'v1' ? { impUid: attempt.id } : {}),
        merchantUid: attempt.orderId,
        source: 'ledger',
      });
      const problem = unsettledReason(outcome);
      if (problem !== undefined) {
        note(findings.unsettled, { ...finding, reason: problem });
        return;
      }
      findings.settled += 1;
      if (outcome.kind === 'decided' && outcome.refund?.status === 'done') findings.refunded += 1;
    }
  }
}

/** Why a verification did not bring the order in line with the provider, or undefined when it did. */
function unsettledReason(outcome: VerifyOutcome): string | undefined {
  switch (outcome.kind) {
    case 'decided':
      return outcome.refund === undefined || outcome.refund.status === 'done'
        ? undefined
        : `refund ${outcome.refund.status}`;
    case 'retry_later':
      return `provider unavailable: ${outcome.reason}`;
    default:
      return outcome.kind;
  }
}
