import { apiOf, attemptIdOf } from '../orders/attemptIds';
import { retryOnConflict } from '../orders/retryOnConflict';
import type { HotPathResult, OrderStore } from '../orders/store';
import type { Order, Refund } from '../orders/types';
import { hotPathProbe } from '../orders/writePlans';
import type { Attempt } from './attempt';
import { type Decision, decide, isAcceptable, type RefundPlan } from './decide';
import { executeRefund } from './executeRefund';
import { AttemptNotFoundError, isProviderUnavailable, type PaymentProvider, providerFor } from './provider';
import type { VerifyOutcome, VerifyRequest } from './types';

export interface VerifyDeps {
  /** The payment API that holds the truth for V1 orders: the core never learns which API spoke. */
  provider: PaymentProvider;
  /** The same for V2 orders, where this stage serves PortOne V2. */
  v2Provider?: PaymentProvider;
  orders: OrderStore;
  acceptSandboxPayments: boolean;
  now?: () => Date;
  /** How long a claimed refund is left to the verification that claimed it. @default 60000 */
  refundLeaseMs?: number;
}

/**
 * The one verification every entry point calls (docs/design.md §4): ask Iamport, find OUR order through
 * Iamport's merchant_uid, decide, and apply the decision with conditional writes.
 *
 * Round trips on the hot path (a first `paid` or vbank `ready` for a pending order): one provider
 * lookup (the token is cached) and one DynamoDB UpdateItem whose condition checks status, amount and
 * currency. A refused hot path answers with the stored order (a duplicate notice: nothing more on
 * DynamoDB, a consistent GetItem on dynalite); anything else costs one consistent GetItem plus one
 * conditional write per round.
 *
 * @example
 * const outcome = await verifyPayment(deps, { impUid: 'imp_123', source: 'webhook' });
 * if (outcome.kind === 'retry_later') await queue.send(...);
 */
export async function verifyPayment(deps: VerifyDeps, request: VerifyRequest): Promise<VerifyOutcome> {
  let attempt: Attempt;
  try {
    // Provider round trip: the only source of truth about the payment.
    const provider = providerFor(deps, request.api ?? 'v1');
    attempt = request.impUid
      ? await provider.getAttempt(request.impUid)
      : await provider.findDecisiveAttempt(requireMerchantUid(request), {
          acceptTestPayments: deps.acceptSandboxPayments,
        });
  } catch (error) {
    if (error instanceof AttemptNotFoundError) return { kind: 'payment_not_found' };
    if (isProviderUnavailable(error)) return { kind: 'retry_later', reason: error.message };
    throw error;
  }
  if (request.merchantUid !== undefined && request.merchantUid !== attempt.orderId) {
    // A paid imp_uid replayed against another order: that order must not move.
    return { kind: 'merchant_uid_mismatch', attempt, requestedMerchantUid: request.merchantUid };
  }
  try {
    // A transition's event is written by the transition itself (the outbox) and sent after the
    // request by the delivery function (docs/design.md §6b): nothing here waits for a target.
    return await settle(deps, request, attempt);
  } catch (error) {
    if (isProviderUnavailable(error)) return { kind: 'retry_later', reason: error.message };
    throw error;
  }
}

async function settle(deps: VerifyDeps, request: VerifyRequest, attempt: Attempt): Promise<VerifyOutcome> {
  const now = deps.now ?? (() => new Date());
  const fast = await tryHotPath(deps, request, attempt, now());
  if (fast?.applied) return { kind: 'decided', order: fast.order, attempt, changed: true };

  // Someone else may change the order between our read and write: each round decides on what is there.
  return retryOnConflict(attempt.orderId, 'verification', async (round) => {
    // The first round decides on the order the hot path's refusal returned (on DynamoDB in the same
    // round trip: a duplicate notice costs one); later rounds, and a notice that skipped the hot path,
    // read it (a consistent read: the full rules need the stored status, amount and refunds).
    const order =
      round === 0 && fast?.applied === false ? fast.stored : await deps.orders.get(attempt.orderId);
    // An order registered for the other API is not this attempt's to decide (another shop's id, reused).
    if (!order || apiOf(order) !== attempt.api) return { kind: 'unknown_order', attempt };
    const decision = decide(order, attempt, {
      acceptSandboxPayments: deps.acceptSandboxPayments,
      refundLeaseMs: deps.refundLeaseMs ?? 60_000,
      now: now(),
    });
    return apply(deps, request, attempt, order, decision, now);
  });
}

/**
 * One conditional UpdateItem: pending → paid / vbank_issued when status, amount and currency hold.
 * Undefined when the notice cannot take the hot path at all.
 */
async function tryHotPath(
  deps: VerifyDeps,
  request: VerifyRequest,
  attempt: Attempt,
  now: Date,
): Promise<HotPathResult | undefined> {
  if (!isAcceptable(attempt, deps)) return undefined;
  const expected = { amount: attempt.amount, currency: attempt.currency, api: attempt.api };
  // The order the store's condition stands for (writePlans.ts): the condition is written down once.
  const probe = decide(hotPathProbe(attempt.orderId, expected), attempt, {
    acceptSandboxPayments: true,
    refundLeaseMs: 0,
    now,
  });
  if (probe.kind !== 'transition' || (probe.to !== 'paid' && probe.to !== 'vbank_issued')) return undefined;
  return deps.orders.transitionFromPending(
    attempt.orderId,
    expected,
    { to: probe.to, source: request.source, patch: probe.patch },
    now,
  );
}

async function apply(
  deps: VerifyDeps,
  request: VerifyRequest,
  attempt: Attempt,
  order: Order,
  decision: Decision,
  now: () => Date,
): Promise<VerifyOutcome> {
  switch (decision.kind) {
    case 'unchanged':
      return { kind: 'decided', order, attempt, changed: false };
    case 'sandbox_refused':
      return { kind: 'sandbox_refused', order, attempt };
    case 'refund_settled': {
      const claim = order.refunds.find((refund) => attemptIdOf(refund) === attemptIdOf(decision));
      if (!claim) return { kind: 'decided', order, attempt, changed: false };
      const settled: Refund = {
        ...claim,
        status: 'done',
        completed_at: now().toISOString(),
        ...(decision.cancellation_id ? { cancellation_id: decision.cancellation_id } : {}),
      };
      const saved = await deps.orders.saveRefund(order, settled, now());
      return { kind: 'decided', order: saved, attempt, changed: false, refund: settled };
    }
    case 'transition': {
      const claim = decision.refund ? claimOf(decision.refund, now()) : undefined;
      const written = await deps.orders.transition(
        order,
        {
          to: decision.to,
          source: request.source,
          patch: decision.patch,
          ...(claim ? { refund: claim } : {}),
        },
        now(),
      );
      if (!decision.refund) return { kind: 'decided', order: written, attempt, changed: true };
      const refunded = await executeRefund({ ...deps, now }, written, decision.refund);
      return {
        kind: 'decided',
        order: refunded,
        attempt,
        changed: true,
        refund: refundOf(refunded, attempt),
      };
    }
    case 'refund': {
      const claimed = await deps.orders.saveRefund(order, claimOf(decision.refund, now()), now());
      const refunded = await executeRefund({ ...deps, now }, claimed, decision.refund);
      return {
        kind: 'decided',
        order: refunded,
        attempt,
        changed: false,
        refund: refundOf(refunded, attempt),
      };
    }
  }
}

function claimOf(plan: RefundPlan, now: Date): Refund {
  const { balance, reason, ...attempt } = plan;
  return {
    ...attempt,
    amount: balance,
    reason,
    status: 'requested',
    requested_at: now.toISOString(),
  };
}

function refundOf(order: Order, attempt: Attempt): Refund | undefined {
  return order.refunds.find((refund) => attemptIdOf(refund) === attempt.id);
}

function requireMerchantUid(request: VerifyRequest): string {
  if (!request.merchantUid) throw new TypeError('verifyPayment needs an imp_uid or a merchant_uid');
  return request.merchantUid;
}
