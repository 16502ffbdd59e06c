import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { createEventBridgeTarget } from '../events/eventBridgeTarget';
import type { EventTarget } from '../events/types';

/**
 * The stack's bus as an event target. Its own module, so that of the functions built on the shared
 * ports only those that send events (`./dispatchPorts`) load the EventBridge client: `./events` is
 * imported by every function's ports. (The ledger check publishes its findings with a client of its own.)
 */
export function eventBridgeTargetFor(busName: string, source: string): EventTarget {
  return createEventBridgeTarget({ client: new EventBridgeClient({}), busName, source });
}
