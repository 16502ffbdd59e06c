import type { OrderApi } from '../orders/types';
import type { Attempt, PaymentApi } from './attempt';

/**
 * A payment API as the verification core needs it. V1 (`shared/providers/iamportProvider.ts`) and V2
 * are adapters: they fetch and map payments to attempts, find the attempt that decides an order, and
 * carry out cancels. Failures come out as the errors below, never as one API's own classes.
 */
export interface PaymentProvider {
  readonly api: PaymentApi;
  /** The attempt with this provider id (V1 `imp_uid`). */
  getAttempt(attemptId: string): Promise<Attempt>;
  /** With only the order's id: the attempt that decides the order (money over noise). */
  findDecisiveAttempt(orderId: string, options: { acceptTestPayments: boolean }): Promise<Attempt>;
  /**
   * Returns `amount` of the attempt's money, only if the balance is still `checksum` (so a cancel by
   * anyone meanwhile makes this one refused, never a second refund). `key` is stable per order and
   * attempt, for APIs that replay a repeated request instead of acting twice.
   */
  cancel(request: CancelRequest): Promise<CancelResult>;
  /**
   * For the ledger check: one page of the attempts that hold or held money (paid, cancelled in part or
   * in full) whose status changed within `[from, until)`. `cursor` is the provider's own, opaque to
   * callers; a page without `next` is the last.
   */
  listAttempts(window: LedgerWindow, cursor: string | undefined): Promise<AttemptPage>;
}

export interface LedgerWindow {
  from: Date;
  until: Date;
}

export interface AttemptPage {
  attempts: Attempt[];
  next?: string;
}

export interface CancelRequest {
  attemptId: string;
  orderId: string;
  amount: number;
  checksum: number;
  reason: string;
}

export type CancelResult =
  | { kind: 'cancelled'; cancellationId?: string }
  /** Nothing was left to cancel: the refund we wanted already happened. */
  | { kind: 'already_cancelled' }
  /** Accepted, finished later by the PG (V2's REQUESTED): the claim stays open; a later check settles it. */
  | { kind: 'pending' }
  /** Understood and refused for good (a stale checksum, a vbank without a refund account): a person looks. */
  | { kind: 'refused'; message: string };

/** The provider has no such attempt (or the id could never name one). */
export class AttemptNotFoundError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'AttemptNotFoundError';
  }
}

/** The provider could not be asked (timeout, 5xx, 429): nothing was decided; the same call is safe later. */
export class ProviderUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ProviderUnavailableError';
  }
}

export const isProviderUnavailable = (error: unknown): error is ProviderUnavailableError =>
  error instanceof ProviderUnavailableError;

/** The provider that holds attempts of this API; V2 only where the stage is configured for it. */
export function providerFor(
  providers: { provider: PaymentProvider; v2Provider?: PaymentProvider },
  api: OrderApi,
): PaymentProvider {
  if (api === 'v1') return providers.provider;
  // A V1-only stage knows no V2 payment: "not found", never an error of ours.
  if (!providers.v2Provider) throw new AttemptNotFoundError('this stage serves PortOne V1 alone');
  return providers.v2Provider;
}
