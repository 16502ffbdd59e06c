import type { OrderApi } from '../orders/types';

/** One payment the ledger check could not bring in line: a person looks (the alarm fires). */
export interface UnsettledFinding {
  merchant_uid: string;
  /** V1 `imp_uid`, V2 `transactionId`. */
  attempt_id: string;
  reason: string;
}

/** What one window's check found, as its log line and its `ledger.checked` event carry it. */
export interface LedgerFindings {
  api: OrderApi;
  /** ISO 8601; the window is `[from, until)` by the time of each payment's current status. */
  window_from: string;
  window_until: string;
  pages: number;
  checked: number;
  consistent: number;
  ignored: number;
  /** Verified again because our books disagreed; each ended in `settled` or `unsettled`. */
  reverified: number;
  settled: number;
  /** Money returned by the check: second charges and tampered payments, each refunded once. */
  refunded: number;
  unknown_orders: FindingGroup;
  unsettled: FindingGroup;
}

/** How many, and the first few of them. */
export interface FindingGroup {
  count: number;
  examples: UnsettledFinding[];
}

/** Findings lists are capped so that one bad day cannot make a log line or an event too large. */
export const MAX_LISTED_FINDINGS = 50;

export function emptyFindings(api: OrderApi, from: Date, until: Date): LedgerFindings {
  return {
    api,
    window_from: from.toISOString(),
    window_until: until.toISOString(),
    pages: 0,
    checked: 0,
    consistent: 0,
    ignored: 0,
    reverified: 0,
    settled: 0,
    refunded: 0,
    unknown_orders: { count: 0, examples: [] },
    unsettled: { count: 0, examples: [] },
  };
}

export function note(group: FindingGroup, finding: UnsettledFinding): void {
  group.count += 1;
  if (group.examples.length < MAX_LISTED_FINDINGS) group.examples.push(finding);
}

/** Anything a person must look at: an unknown order, or a disagreement the core could not settle. */
export const needsAttention = (findings: LedgerFindings): boolean =>
  findings.unknown_orders.count > 0 || findings.unsettled.count > 0;
