import { type AttemptRef, apiOfRef, attemptIdOf, attemptRef } from '../orders/attemptIds';
import type { OrderPatch } from '../orders/store';
import { canTransition } from '../orders/transitions';
import type { Order, OrderStatus, Refund } from '../orders/types';
import { type Attempt, balanceOf } from './attempt';

/** A cancel we must make at the provider: the whole remaining balance of one attempt (named as its order names it). */
export type RefundPlan = AttemptRef & {
  /** `amount - cancelled` as the provider reported it: sent as both amount and checksum. */
  balance: number;
  reason: Refund['reason'];
};

export type Decision =
  | { kind: 'transition'; to: OrderStatus; patch: OrderPatch; refund?: RefundPlan }
  | { kind: 'refund'; refund: RefundPlan }
  | ({ kind: 'refund_settled'; cancellation_id?: string } & AttemptRef)
  | { kind: 'sandbox_refused' }
  | { kind: 'unchanged'; reason: string };

export interface DecideOptions {
  acceptSandboxPayments: boolean;
  /** A `requested` refund younger than this belongs to a verification still running: leave it alone. */
  refundLeaseMs: number;
  now: Date;
}

/**
 * The verification rules of docs/design.md §4 as a pure function of the stored order and Iamport's answer.
 * The payment's `merchant_uid` has already been matched to `order` by the caller.
 */
export function decide(order: Order, payment: Attempt, options: DecideOptions): Decision {
  if (!isAcceptable(payment, options)) return { kind: 'sandbox_refused' };
  switch (payment.state) {
    case 'paid':
      return decidePaid(order, payment, options);
    case 'awaiting_deposit':
    case 'abandoned':
      return decideReady(order, payment);
    case 'failed':
      return order.status === 'pending'
        ? transition('failed', payment)
        : { kind: 'unchanged', reason: `a failed attempt never overrides ${order.status}` };
    case 'cancelled':
      return decideCancelled(order, payment, options);
    case 'in_progress':
      return { kind: 'unchanged', reason: `payment still ${payment.providerStatus} at the provider` };
    case 'unknown':
      // A status PortOne adds later is not evidence of anything we know how to act on.
      return { kind: 'unchanged', reason: `unknown payment status ${payment.providerStatus}` };
  }
}

/** Whether an attempt may decide an order at all: a test-channel payment only where the stage accepts them. */
export function isAcceptable(
  attempt: Pick<Attempt, 'test'>,
  options: Pick<DecideOptions, 'acceptSandboxPayments'>,
): boolean {
  return !attempt.test || options.acceptSandboxPayments;
}

/** Exact comparison: KRW amounts are integers and even other currencies must match to the unit. */
export function matchesOrder(order: Order, payment: Attempt): boolean {
  return payment.amount === order.amount && payment.currency === order.currency;
}

function decidePaid(order: Order, payment: Attempt, options: DecideOptions): Decision {
  const balance = balanceOf(payment);
  const earlier = order.refunds.find((refund) => attemptIdOf(refund) === payment.id);
  if (earlier) return decideEarlierRefund(earlier, payment, options);

  const matches = matchesOrder(order, payment);
  if (matches && canTransition(order.status, 'paid')) return transition('paid', payment);
  if (!matches && canTransition(order.status, 'forgery')) {
    // The buyer paid, but not what we asked: take nothing, refund everything still held.
    const forgery = transition('forgery', payment);
    return balance > 0 ? { ...forgery, refund: plan(payment, balance, 'forgery') } : forgery;
  }
  if (attemptIdOf(order) === payment.id && order.status !== 'forgery') {
    return { kind: 'unchanged', reason: `already ${order.status} by this payment` };
  }
  // Settled by another attempt (a second charge), or a deposit into an account flagged as forged.
  if (balance <= 0) return { kind: 'unchanged', reason: 'nothing left to refund' };
  return { kind: 'refund', refund: plan(payment, balance, matches ? 'duplicate_payment' : 'forgery') };
}

function decideEarlierRefund(earlier: Refund, payment: Attempt, options: DecideOptions): Decision {
  const balance = balanceOf(payment);
  if (earlier.status !== 'requested' || balance <= 0) {
    return { kind: 'unchanged', reason: `refund already ${earlier.status}` };
  }
  // The PG is still returning money (V2 REQUESTED, ours or the console's): a cancel now would ask
  // for it again once PortOne's idempotency key (3 h) lapsed. Its notice, or a later check, settles it.
  if (payment.cancelPending) return { kind: 'unchanged', reason: 'a cancellation is still being made' };
  const age = options.now.getTime() - Date.parse(earlier.requested_at);
  if (age < options.refundLeaseMs) return { kind: 'unchanged', reason: 'refund in progress elsewhere' };
  // The verification that claimed it died or lost Iamport midway; the checksum makes a retry safe.
  return { kind: 'refund', refund: { ...refOf(earlier), balance, reason: earlier.reason } };
}

function decideReady(order: Order, payment: Attempt): Decision {
  if (payment.state === 'abandoned') {
    // An opened-and-abandoned window: not money, and never a reason to undo anything better.
    return order.status === 'pending'
      ? transition('failed', payment)
      : { kind: 'unchanged', reason: `a ready attempt never overrides ${order.status}` };
  }
  const matches = matchesOrder(order, payment);
  if (!matches) {
    // An account issued for another amount: flag it now; a deposit into it will be refunded.
    return canTransition(order.status, 'forgery')
      ? transition('forgery', payment)
      : { kind: 'unchanged', reason: `a vbank for another amount never overrides ${order.status}` };
  }
  if (!canTransition(order.status, 'vbank_issued')) {
    return { kind: 'unchanged', reason: `a vbank issue never overrides ${order.status}` };
  }
  const { vbank } = payment;
  if (!vbank) return { kind: 'unchanged', reason: 'vbank issued without account details' };
  return { kind: 'transition', to: 'vbank_issued', patch: { ...patchOf(payment), vbank } };
}

function decideCancelled(order: Order, payment: Attempt, options: DecideOptions): Decision {
  const balance = balanceOf(payment);
  const ours = order.refunds.find((refund) => attemptIdOf(refund) === payment.id);
  if (ours) {
    if (ours.status === 'done') return { kind: 'unchanged', reason: 'refund already recorded' };
    // Only a full cancel settles our refund: a partial one (the console, meanwhile) leaves money owed.
    if (balance > 0) return decideEarlierRefund(ours, payment, options);
    return {
      kind: 'refund_settled',
      ...attemptRef(payment.api, payment.id),
      cancellation_id: payment.lastCancellationId,
    };
  }
  if (attemptIdOf(order) === payment.id) {
    // The attempt that decided the order was refunded, in part or in full.
    const full = payment.cancelledAmount >= payment.amount;
    const to: OrderStatus = full ? 'cancelled' : 'partially_cancelled';
    const sameAsStored = order.status === to && (full || order.cancel_amount === payment.cancelledAmount);
    if (sameAsStored || !canTransition(order.status, to)) {
      return { kind: 'unchanged', reason: `cancel already reflected in ${order.status}` };
    }
    return { kind: 'transition', to, patch: { ...patchOf(payment), cancel_amount: payment.cancelledAmount } };
  }
  // Any other attempt: fully refunded, it holds no money and decides nothing, whatever order the
  // notices come in. Partly refunded, it still holds money and is judged like a paid attempt.
  if (balance <= 0) return { kind: 'unchanged', reason: 'a fully refunded attempt decides nothing' };
  const matches = matchesOrder(order, payment);
  if (matches && !acceptedMoney(order.status) && canTransition(order.status, 'partially_cancelled')) {
    return {
      kind: 'transition',
      to: 'partially_cancelled',
      patch: { ...patchOf(payment), cancel_amount: payment.cancelledAmount },
    };
  }
  if (!matches && canTransition(order.status, 'forgery')) {
    return { ...transition('forgery', payment), refund: plan(payment, balance, 'forgery') };
  }
  return { kind: 'refund', refund: plan(payment, balance, matches ? 'duplicate_payment' : 'forgery') };
}

/** Statuses in which the order already took a payment: another attempt's money is a second charge. */
function acceptedMoney(status: OrderStatus): boolean {
  return status === 'paid' || status === 'partially_cancelled' || status === 'cancelled';
}

function transition(to: OrderStatus, payment: Attempt): Decision & { kind: 'transition' } {
  return { kind: 'transition', to, patch: patchOf(payment) };
}

function patchOf(payment: Attempt): OrderPatch {
  const ref = attemptRef(payment.api, payment.id);
  return payment.method ? { ...ref, pay_method: payment.method } : ref;
}

function plan(payment: Attempt, balance: number, reason: Refund['reason']): RefundPlan {
  return { ...attemptRef(payment.api, payment.id), balance, reason };
}

/** The attempt a stored refund is for, as its order names it. */
function refOf(refund: Refund): AttemptRef {
  return attemptRef(apiOfRef(refund), attemptIdOf(refund) ?? '');
}
