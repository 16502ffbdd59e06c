import { apiOf } from '../orders/attemptIds';
import type { Order } from '../orders/types';
import type { Attempt } from '../payments/attempt';
import { type DecideOptions, decide } from '../payments/decide';

/**
 * What one of the provider's payments says about our books. The rules are the verification's own
 * (`decide`): a payment our orders already reflect is consistent; one they do not is verified again by
 * the core, which refunds a second charge once, moves a stale order, or settles an open refund.
 */
export type LedgerVerdict =
  | { kind: 'consistent' }
  /** A test-channel payment on a stage that refuses them: it never decides an order. */
  | { kind: 'ignored' }
  /** No order of that API has this id: reported for a person, never cancelled (it may be another system's). */
  | { kind: 'unknown_order' }
  /**
   * Our books disagree with the provider: what the core would do about it. `refunds`: the core would
   * cancel money at the provider, which moves the payment out of the listing being read.
   */
  | { kind: 'reverify'; because: 'transition' | 'refund' | 'refund_settled'; refunds: boolean };

export function ledgerVerdict(
  order: Order | undefined,
  attempt: Attempt,
  options: DecideOptions,
): LedgerVerdict {
  if (order === undefined || apiOf(order) !== attempt.api) return { kind: 'unknown_order' };
  const decision = decide(order, attempt, options);
  switch (decision.kind) {
    case 'unchanged':
      return { kind: 'consistent' };
    case 'sandbox_refused':
      return { kind: 'ignored' };
    case 'transition':
      return { kind: 'reverify', because: decision.kind, refunds: decision.refund !== undefined };
    default:
      return { kind: 'reverify', because: decision.kind, refunds: decision.kind === 'refund' };
  }
}
