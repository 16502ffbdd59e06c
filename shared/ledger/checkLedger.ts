import { attemptIdOf } from '../orders/attemptIds';
import type { OrderStore } from '../orders/store';
import type { OrderApi } from '../orders/types';
import type { Attempt } from '../payments/attempt';
import { isProviderUnavailable, type LedgerWindow, type PaymentProvider } from '../payments/provider';
import type { VerifyOutcome, VerifyRequest } from '../payments/types';
import type { DeferredPayment, LedgerCheckpoint, LedgerCheckpointStore } from './checkpoint';
import { emptyFindings, type LedgerFindings, note, type UnsettledFinding } from './findings';
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
  /** A payment whose check failed with an error of ours (an unreadable order, DynamoDB): deferred. */
  onError?: (error: unknown, payment: { merchant_uid: string; attempt_id: string }) => void;
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
  const save = async (next: LedgerCheckpoint): Promise<LedgerCheckpoint> => {
    const saved = { ...next, updated_at: deps.now().toISOString() };
    // After each step: a crash costs at most that step again, and checking a payment twice changes nothing.
    await deps.checkpoints.put(saved);
    return saved;
  };
  /** Refunds and retries: they change what the listing holds, so they run between full readings. */
  const settleDeferred = async (): Promise<void> => {
    const findings = structuredClone(checkpoint.findings);
    const deferred = await retryDeferred(deps, api, checkpoint.deferred ?? [], findings);
    const read = checkpoint.cursor === FINAL;
    checkpoint = await save({ ...checkpoint, deferred, findings, done: read && deferred.length === 0 });
  };

  const window: LedgerWindow = {
    from: new Date(checkpoint.window_from),
    until: new Date(checkpoint.window_until),
  };
  for (let pages = 0; checkpoint.cursor !== FINAL; pages++) {
    const spent = deps.now().getTime() - startedAt.getTime();
    if (pages >= settings.maxPagesPerRun || spent >= settings.budgetMs) {
      return { api, state: 'paused', findings: checkpoint.findings };
    }
    if ((checkpoint.deferred ?? []).length >= MAX_DEFERRED) {
      // Too many to hold: settle them now, then read the window again from its first page (the pages
      // shifted as refunded payments left them; what is settled now reads as consistent).
      await settleDeferred();
      const { cursor: _shifted, ...rest } = checkpoint;
      checkpoint = await save(rest);
      continue;
    }
    let page: Awaited<ReturnType<PaymentProvider['listAttempts']>>;
    try {
      page = await provider.listAttempts(window, checkpoint.cursor);
    } catch (error) {
      if (!isProviderUnavailable(error)) throw error;
      // The checkpoint still names this page: the next run asks for it again.
      return { api, state: 'interrupted', findings: checkpoint.findings, reason: error.message };
    }
    const findings = structuredClone(checkpoint.findings);
    const deferred = [...(checkpoint.deferred ?? [])];
    for (const attempt of page.attempts) {
      const later = await checkAttempt(deps, api, attempt, findings).catch((error: unknown) => {
        // One payment that cannot be checked (an order item the merchant's systems wrote badly) must
        // not stop the window at its page forever: it is tried again with the deferred ones, and
        // counts as unsettled, for a person, once its tries run out.
        deps.onError?.(error, { merchant_uid: attempt.orderId, attempt_id: attempt.id });
        return 1;
      });
      if (later !== undefined)
        deferred.push({ merchant_uid: attempt.orderId, attempt_id: attempt.id, tries: later });
    }
    findings.pages += 1;
    checkpoint = await save({ ...checkpoint, cursor: page.next ?? FINAL, deferred, findings, done: false });
  }
  if ((checkpoint.deferred ?? []).length > 0 || !checkpoint.done) await settleDeferred();
  if (checkpoint.done) return { api, state: 'finished', findings: checkpoint.findings };
  return {
    api,
    state: 'interrupted',
    findings: checkpoint.findings,
    reason: `${(checkpoint.deferred ?? []).length} payments wait for another try (PortOne down, a refund not done, an error of ours)`,
  };
}

/** The checkpoint's cursor once every page is read (deferred payments may still be open). */
const FINAL = '#final';
/** Runs a deferred payment is tried in before it counts as unsettled (every 30 minutes: about 10 hours). */
const MAX_DEFERRED_TRIES = 20;
/** Deferred payments a checkpoint holds at most (an item stays far below DynamoDB's 400 KB). */
const MAX_DEFERRED = 1_000;

/** Verifies the deferred payments; returns those still waiting (PortOne unavailable, a refund not done). */
async function retryDeferred(
  deps: LedgerDeps,
  api: OrderApi,
  deferred: readonly DeferredPayment[],
  findings: LedgerFindings,
): Promise<DeferredPayment[]> {
  const waiting: DeferredPayment[] = [];
  for (const payment of deferred) {
    const finding = { merchant_uid: payment.merchant_uid, attempt_id: payment.attempt_id };
    const checked = await reverify(deps, api, payment.merchant_uid, payment.attempt_id).then(
      (outcome) => ({ outcome, later: laterReason(outcome, payment.attempt_id) }),
      (error: unknown) => {
        deps.onError?.(error, finding);
        return { later: `error: ${error instanceof Error ? error.name : 'unknown'}` };
      },
    );
    if (checked.later === undefined && 'outcome' in checked) settle(checked.outcome, finding, findings);
    else if (payment.tries + 1 < MAX_DEFERRED_TRIES) waiting.push({ ...payment, tries: payment.tries + 1 });
    else note(findings.unsettled, { ...finding, reason: checked.later ?? 'unsettled' });
  }
  return waiting;
}

/** The verification core on one listed payment. */
function reverify(
  deps: LedgerDeps,
  api: OrderApi,
  merchantUid: string,
  attemptId: string,
): Promise<VerifyOutcome> {
  return deps.verify({
    api,
    // V1 verifies this very attempt (a second charge is not the order's deciding one); V2 names payments by id.
    ...(api === 'v1' ? { impUid: attemptId } : {}),
    merchantUid,
    source: 'ledger',
  });
}

/**
 * Why an outcome is worth another try later: PortOne could not be asked, or a refund of this attempt is
 * claimed but not done (its cancel failed midway, or another verification holds the claim's lease).
 */
function laterReason(outcome: VerifyOutcome, attemptId: string): string | undefined {
  if (outcome.kind === 'retry_later') return `provider unavailable: ${outcome.reason}`;
  if (outcome.kind !== 'decided') return undefined;
  return refundOf(outcome, attemptId)?.status === 'requested' ? 'refund requested, not done' : undefined;
}

const refundOf = (outcome: VerifyOutcome & { kind: 'decided' }, attemptId: string) =>
  outcome.order.refunds.find((entry) => attemptIdOf(entry) === attemptId);

function settle(
  outcome: VerifyOutcome,
  finding: Omit<UnsettledFinding, 'reason'>,
  findings: LedgerFindings,
): void {
  const problem = unsettledReason(outcome, finding.attempt_id);
  if (problem !== undefined) {
    note(findings.unsettled, { ...finding, reason: problem });
    return;
  }
  findings.settled += 1;
  if (outcome.kind === 'decided' && refundOf(outcome, finding.attempt_id)?.status === 'done')
    findings.refunded += 1;
}

/**
 * Checks one listed payment. Returns how many tries it had when it is left for later: 0 when the core
 * would refund it (done once the whole window is read), 1 when PortOne could not be asked.
 */
async function checkAttempt(
  deps: LedgerDeps,
  api: OrderApi,
  attempt: Attempt,
  findings: LedgerFindings,
): Promise<number | undefined> {
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
      return undefined;
    case 'ignored':
      findings.ignored += 1;
      return undefined;
    case 'unknown_order':
      note(findings.unknown_orders, {
        ...finding,
        reason: order === undefined ? 'no such order' : 'an order of the other API',
      });
      return undefined;
    case 'reverify': {
      findings.reverified += 1;
      // A refund takes the payment out of the listing and shifts the pages after it: read first, refund after.
      if (verdict.refunds) return 0;
      const outcome = await reverify(deps, api, attempt.orderId, attempt.id);
      if (laterReason(outcome, attempt.id) !== undefined) return 1;
      settle(outcome, finding, findings);
      return undefined;
    }
  }
}

/** Why a verification did not bring the order in line with the provider, or undefined when it did. */
function unsettledReason(outcome: VerifyOutcome, attemptId: string): string | undefined {
  if (outcome.kind !== 'decided') return outcome.kind;
  const refund = refundOf(outcome, attemptId);
  // A refund PortOne refused for good (a stale checksum, an account it cannot refund to): a person looks.
  return refund === undefined || refund.status === 'done' ? undefined : `refund ${refund.status}`;
}
