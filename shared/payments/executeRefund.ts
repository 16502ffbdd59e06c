import { apiOfRef, attemptIdOf } from '../orders/attemptIds';
import { retryOnConflict } from '../orders/retryOnConflict';
import type { OrderStore } from '../orders/store';
import type { Order, Refund } from '../orders/types';
import type { RefundPlan } from './decide';
import { isProviderUnavailable, type PaymentProvider, providerFor } from './provider';

export interface RefundDeps {
  provider: PaymentProvider;
  /** PortOne V2, where this stage serves it. */
  v2Provider?: PaymentProvider;
  orders: OrderStore;
  now: () => Date;
}

/**
 * Cancels the whole remaining balance of one attempt, after the claim (`status: requested`) is stored.
 * `checksum` = the balance the provider reported: if anyone cancelled meanwhile, the provider refuses
 * instead of refunding twice. Returns the order with the refund's result recorded.
 * A transient failure releases the claim and rethrows, so the retry queue can try again.
 */
export async function executeRefund(deps: RefundDeps, order: Order, plan: RefundPlan): Promise<Order> {
  const attemptId = attemptIdOf(plan) ?? '';
  const claim = order.refunds.find((refund) => attemptIdOf(refund) === attemptId);
  if (!claim) throw new Error(`refund of ${attemptId} was not claimed before cancelling`);
  const provider = providerFor(deps, apiOfRef(plan));
  let result: Awaited<ReturnType<PaymentProvider['cancel']>>;
  try {
    result = await provider.cancel({
      attemptId,
      orderId: order.merchant_uid,
      amount: plan.balance,
      checksum: plan.balance,
      reason:
        plan.reason === 'forgery'
          ? 'amount mismatch (tampered payment)'
          : 'duplicate payment for a settled order',
    });
  } catch (error) {
    if (isProviderUnavailable(error)) {
      // Release the lease at once so the queued retry does not wait for it to lapse.
      await record(deps, order, { ...claim, requested_at: new Date(0).toISOString() });
    }
    throw error;
  }
  switch (result.kind) {
    case 'cancelled':
      return record(deps, order, {
        ...claim,
        status: 'done',
        ...(result.cancellationId ? { cancellation_id: result.cancellationId } : {}),
      });
    case 'already_cancelled':
      return record(deps, order, { ...claim, status: 'done' });
    case 'pending':
      // The claim stays `requested` and the order in the sweeper's index: the check that sees the
      // attempt cancelled records it done (decide: refund_settled).
      return order;
    case 'refused':
      // A permanent refusal (stale checksum, vbank without refund account): a person must look.
      return record(deps, order, { ...claim, status: 'failed', message: result.message });
  }
}

async function record(deps: RefundDeps, order: Order, refund: Refund): Promise<Order> {
  const now = deps.now();
  const completed: Refund =
    refund.status === 'requested' ? refund : { ...refund, completed_at: now.toISOString() };
  // Our own claim is on the item, so only a concurrent status change can conflict: re-read and retry.
  return retryOnConflict(order.merchant_uid, 'refund recording', async (attempt) => {
    const current = attempt === 0 ? order : await deps.orders.get(order.merchant_uid);
    if (!current) throw new Error(`order ${order.merchant_uid} vanished while its refund was recorded`);
    return deps.orders.saveRefund(current, completed, now);
  });
}
