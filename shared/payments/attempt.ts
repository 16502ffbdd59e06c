import type { VbankAccount } from '../orders/types';

/** Which PortOne API reported an attempt: V1 (Iamport: imp_uid, merchant_uid) or V2 (paymentId). */
export type PaymentApi = 'v1' | 'v2';

/**
 * What an attempt's state means to an order, whatever API reported it:
 * - `paid`: money is held (a partial refund keeps it `paid`, with `cancelledAmount`);
 * - `awaiting_deposit`: a virtual account was issued; money may follow;
 * - `abandoned`: a window opened and left (V1's non-vbank `ready`): no money, now or later;
 * - `in_progress`: the provider is still working on it (V2's READY, PAY_PENDING): decides nothing yet;
 * - `failed`; `cancelled` (all or part of the money returned: see `cancelledAmount`);
 * - `unknown`: a status the provider added after this code was written: decides nothing.
 */
export type AttemptState =
  | 'paid'
  | 'awaiting_deposit'
  | 'abandoned'
  | 'in_progress'
  | 'failed'
  | 'cancelled'
  | 'unknown';

/**
 * One payment attempt as the verification core sees it: provider-neutral. The adapters in
 * `shared/providers/` map each API's payment to it; `decide()` and the state machine never learn
 * which API it came from.
 */
export interface Attempt {
  api: PaymentApi;
  /** The provider's id of this attempt: V1 `imp_uid`, V2 `transactionId`. */
  id: string;
  /** Our order's id as the provider holds it: V1 `merchant_uid`, V2 `paymentId`. */
  orderId: string;
  state: AttemptState;
  /** The provider's own status word, for reasons and logs. */
  providerStatus: string;
  /** Exact: KRW amounts are integers. */
  amount: number;
  cancelledAmount: number;
  currency: string;
  /** How it was paid, in the provider's words (`card`, `vbank`, …). */
  method?: string;
  vbank?: VbankAccount;
  /** Made on a test channel (V1 `sandbox: true`, V2 `channel.type: TEST`): no real money. */
  test: boolean;
  /** The id of the provider's latest cancellation of this attempt, if any. */
  lastCancellationId?: string;
  /**
   * A cancellation the PG accepted and has not finished (V2 `REQUESTED`): money on its way back that
   * the balance does not show yet. No refund of ours is made again while it lasts.
   */
  cancelPending?: true;
}

/** What is still held on an attempt: what a refund must return. */
export function balanceOf(attempt: Attempt): number {
  return attempt.amount - attempt.cancelledAmount;
}
