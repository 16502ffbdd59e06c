import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { createEventBridgeTarget } from '../events/eventBridgeTarget';
import type { EventTarget } from '../events/types';

/**
 * The stack's bus as an event target. Its own module, imported by `./events` only on a stage with a
 * bus: a dynamic import of our ESM module (not of the SDK's CommonJS package) reads the same in a
 * bundle, split or not, and under the test runner.
 */
export function eventBridgeTargetFor(busName: string, source: string): EventTarget {
  return createEventBridgeTarget({ client: new EventBridgeClient({}), busName, source });
}
