import type { Logger } from '@aws-lambda-powertools/logger';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { Config } from '../config';
import type { DispatchDeps } from '../events/dispatchOutbox';
import { createEventBridgeTarget } from '../events/eventBridgeTarget';
import { createLogTarget } from '../events/logTarget';
import type { EventTarget } from '../events/types';
import { createWebhookTarget } from '../events/webhookTarget';
import { createDynamoOutboxStore } from '../orders/dynamodb/DynamoOutboxStore';
import { documentClient } from './dynamo';
import { resolveSecrets } from './secrets';

/** EventBridge `Source` of every order event: what the merchant's rules match on. */
export const EVENT_SOURCE = 'iamport-verify';

/** Whether this stage sends events anywhere, so transitions record them; nothing is built. */
export function eventTargetsConfigured(config: Pick<Config, 'events'>): boolean {
  return Boolean(config.events.busName || config.events.webhook || config.events.log);
}

/** The targets configured for this stage (EventBridge bus, signed merchant webhook, local log). */
export async function createEventTargetsFromConfig(
  config: Pick<Config, 'events'>,
  logger: Logger,
): Promise<EventTarget[]> {
  const targets: EventTarget[] = [];
  if (config.events.busName) {
    targets.push(
      createEventBridgeTarget({
        client: new EventBridgeClient({}),
        busName: config.events.busName,
        source: EVENT_SOURCE,
      }),
    );
  }
  if (config.events.webhook) {
    const { secret } = await resolveSecrets({ secret: config.events.webhook.secret });
    // Two quick tries per delivery; the stream, then the sweeper, retry for as long as it takes.
    targets.push(
      createWebhookTarget({ url: config.events.webhook.url, secret, timeoutMs: 3000, maxAttempts: 2 }),
    );
  }
  if (config.events.log) targets.push(createLogTarget(logger));
  return targets;
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
