import { type PutEventsSender, putEntry } from '../events/eventBridgeTarget';
import type { LedgerFindings } from './findings';

/** Where a finished window's findings go as an event (`ledger.checked`), beside its log line. */
export type PublishFindings = (findings: LedgerFindings) => Promise<void>;

/** One EventBridge entry per finished window: `DetailType` `ledger.checked`, `Detail` the findings. */
export function eventBridgeFindings(
  client: PutEventsSender,
  busName: string,
  source: string,
): PublishFindings {
  return (findings) =>
    putEntry(
      client,
      {
        EventBusName: busName,
        Source: source,
        DetailType: 'ledger.checked',
        Detail: JSON.stringify(findings),
        Time: new Date(findings.window_until),
      },
      `ledger.checked ${findings.api} ${findings.window_until}`,
    );
}
