import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { Config } from '../config';
import { createEventBridgeTarget } from '../events/eventBridgeTarget';
import type { EventTarget } from '../events/types';
import { clientOptions } from './clientOptions';

/**
 * The stack's bus, for the functions that publish on it. Its own module, so that of the functions
 * built on the shared ports only those that send events (`./dispatchPorts`, the ledger check) load
 * the EventBridge client: `./events` is imported by every function's ports.
 */

/** An EventBridge client whose every attempt has the stage's deadline, as the DynamoDB and SQS ones. */
export function eventBridgeClient(config: Pick<Config, 'awsRequestTimeoutMs'>): EventBridgeClient {
  return new EventBridgeClient(clientOptions(undefined, config.awsRequestTimeoutMs));
}

export function eventBridgeTargetFor(
  config: Pick<Config, 'awsRequestTimeoutMs'>,
  busName: string,
  source: string,
): EventTarget {
  return createEventBridgeTarget({ client: eventBridgeClient(config), busName, source });
}
