import type { Order, OrderApi, Refund, TransitionSource } from '../orders/types';
import type { Attempt } from './attempt';

/** What an entry point knows: identifiers only. Nothing else in a request is ever trusted. */
export interface VerifyRequest {
  /** Which API's entry point asked. @default 'v1' */
  api?: OrderApi;
  impUid?: string;
  /** Only used to find the payment when `impUid` is absent, and to refuse a mismatching request. */
  merchantUid?: string;
  source: TransitionSource;
}

/**
 * The answer of one verification. These are outcomes, not errors: the entry points map each to their
 * own response (docs/design.md §5). `retry_later` means the provider could not be asked; nothing was decided.
 */
export type VerifyOutcome =
  | { kind: 'decided'; order: Order; attempt: Attempt; changed: boolean; refund?: Refund }
  | { kind: 'sandbox_refused'; order: Order; attempt: Attempt }
  | { kind: 'unknown_order'; attempt: Attempt }
  | { kind: 'merchant_uid_mismatch'; attempt: Attempt; requestedMerchantUid: string }
  | { kind: 'payment_not_found' }
  | { kind: 'retry_later'; reason: string };
