import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { PutEventsSender } from '../events/eventBridgeTarget';
import type { LedgerFindings } from './findings';

/** Where a finished window's findings go as an event (`ledger.checked`), beside its log line. */
export type PublishFindings = (findings: LedgerFindings) => Promise<void>;

/** One EventBridge entry per finished window: `DetailType` `ledger.checked`, `Detail` the findings. */
export function eventBridgeFindings(
  client: PutEventsSender,
  busName: string,
  source: string,
): PublishFindings {
  return async (findings) => {
    const answer = await client.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: busName,
            Source: source,
            DetailType: 'ledger.checked',
            Detail: JSON.stringify(findings),
            Time: new Date(findings.window_until),
          },
        ],
      }),
    );
    const refused = answer.Entries?.find((entry) => entry.ErrorCode !== undefined);
    if ((answer.FailedEntryCount ?? 0) > 0 || refused !== undefined) {
      throw new Error(`ledger.checked refused by EventBridge: ${refused?.ErrorCode ?? 'unknown'}`);
    }
  };
}
