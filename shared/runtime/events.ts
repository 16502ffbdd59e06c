import type { Logger } from '@aws-lambda-powertools/logger';
import type { Config } from '../config';
import type { DispatchDeps } from '../events/dispatchOutbox';
import type { EventTarget } from '../events/types';
import { createDynamoOutboxStore } from '../orders/dynamodb/DynamoOutboxStore';
import { documentClient } from './dynamo';

/** EventBridge `Source` of every order event: what the merchant's rules match on. */
export const EVENT_SOURCE = 'iamport-verify';

/** Whether this stage sends events anywhere, so transitions record them; nothing is built. */
export function eventTargetsConfigured(config: Pick<Config, 'events'>): boolean {
  return Boolean(config.events.busName || config.events.webhook || config.events.log);
}

/**
 * Whether the order store writes each transition's event: exactly when there is a target to send it
 * to. The dispatcher's targets decide when one was built (a test gives its own), else the stage's
 * configuration.
 */
export function recordsEvents(config: Pick<Config, 'events'>, dispatch?: DispatchDeps): boolean {
  return dispatch ? dispatch.targets.length > 0 : eventTargetsConfigured(config);
}

/** Dispatch dependencies on the orders table, with failures logged (never the event's secrets). */
export function createDispatchDeps(
  config: Pick<Config, 'ordersTable' | 'dynamoEndpoint'>,
  targets: readonly EventTarget[],
  logger: Logger,
): DispatchDeps {
  return {
    outbox: createDynamoOutboxStore({ doc: documentClient(config), tableName: config.ordersTable }),
    targets,
    onError: (error, entry) =>
      logger.warn('event not delivered yet; kept in the outbox', {
        event_id: entry?.id,
        error: error instanceof Error ? error.message : String(error),
      }),
  };
}
