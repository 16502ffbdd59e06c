import { PutEventsCommand, type PutEventsCommandOutput } from '@aws-sdk/client-eventbridge';
import { EventBridgeDeliveryError } from './errors';
import type { EventTarget } from './types';

/** The one method used of `EventBridgeClient`, so tests pass a fake without the SDK's overloads. */
export interface PutEventsSender {
  send(command: PutEventsCommand): Promise<Pick<PutEventsCommandOutput, 'FailedEntryCount' | 'Entries'>>;
}

/** Where to put events on EventBridge. */
export interface EventBridgeTargetOptions {
  /** An `EventBridgeClient` (it retries throttling and 5xx itself), or a fake. */
  client: PutEventsSender;
  /** Bus name or ARN (config `EVENT_BUS_NAME`). */
  busName: string;
  /** `Source` of every entry, matched by the merchant's rules, e.g. `iamport-verify`. */
  source: string;
}

function fail(message: string): never {
  throw new TypeError(`createEventBridgeTarget: ${message}`);
}

/**
 * Puts each event on an EventBridge bus as one entry: `DetailType` is the event type (rules match on
 * it), `Detail` the event as JSON, `Time` when the transition happened.
 *
 * PutEvents answers 200 even when an entry was refused, so the entry's `ErrorCode` is checked too.
 * @throws TypeError at creation when `busName` or `source` is unusable.
 * @example
 * ```ts
 * const target = createEventBridgeTarget({
 *   client: new EventBridgeClient({}),
 *   busName: config.events.busName,
 *   source: 'iamport-verify',
 * });
 * await target.deliver(event);
 * ```
 */
export function createEventBridgeTarget({ client, busName, source }: EventBridgeTargetOptions): EventTarget {
  if (typeof busName !== 'string' || busName.trim() === '') fail('busName must be a non-empty string');
  if (typeof source !== 'string' || source.trim() === '') fail('source must be a non-empty string');
  // EventBridge reserves `aws.` sources for AWS services and refuses such entries one by one at run time.
  if (source.startsWith('aws.')) fail('source must not start with "aws."');

  return {
    name: 'eventbridge',
    async deliver(event) {
      const time = new Date(event.occurred_at);
      await putEntry(
        client,
        {
          EventBusName: busName,
          Source: source,
          DetailType: event.type,
          Detail: JSON.stringify(event),
          // An unreadable time is left out: EventBridge then uses the time it received the entry.
          ...(Number.isNaN(time.getTime()) ? {} : { Time: time }),
        },
        `${event.type} ${event.id}`,
      );
    },
  };
}

type Entry = NonNullable<ConstructorParameters<typeof PutEventsCommand>[0]['Entries']>[number];

/**
 * Puts one entry; throws `EventBridgeDeliveryError` when the call fails or the entry is refused
 * (PutEvents answers 200 even then, so the entry's `ErrorCode` is checked too). `what` names the entry
 * in the error, never its detail.
 */
export async function putEntry(client: PutEventsSender, entry: Entry, what: string): Promise<void> {
  let output: Pick<PutEventsCommandOutput, 'FailedEntryCount' | 'Entries'>;
  try {
    output = await client.send(new PutEventsCommand({ Entries: [entry] }));
  } catch (error) {
    const name = error instanceof Error ? error.name : 'unknown error';
    throw new EventBridgeDeliveryError(`PutEvents failed for ${what}: ${name}`, undefined, { cause: error });
  }
  const [answer] = output.Entries ?? [];
  if ((output.FailedEntryCount ?? 0) > 0 || answer?.ErrorCode) {
    // The code only: the entry's message may quote the detail back.
    const code = answer?.ErrorCode ?? 'unknown';
    throw new EventBridgeDeliveryError(`PutEvents refused ${what}: ${code}`, answer?.ErrorCode);
  }
}
