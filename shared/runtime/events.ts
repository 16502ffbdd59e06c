import type { Logger } from '@aws-lambda-powertools/logger';
import type { Config } from '../config';
import type { DispatchDeps } from '../events/dispatchOutbox';
import { createLogTarget } from '../events/logTarget';
import type { EventTarget } from '../events/types';
import { createDynamoOutboxStore } from '../orders/dynamodb/DynamoOutboxStore';
import type { OrderStore } from '../orders/store';
import { createOrderStoreFromConfig, documentClient } from './dynamo';

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

/**
 * The targets configured for this stage (EventBridge bus, signed merchant webhook, local log). Each
 * target's client is imported when it is configured: the EventBridge client for a bus, undici and the
 * key reader for a webhook; a stage without them never loads them.
 */
export async function createEventTargetsFromConfig(
  config: Pick<Config, 'events'>,
  logger: Logger,
): Promise<EventTarget[]> {
  const targets: EventTarget[] = [];
  if (config.events.busName) {
    const { eventBridgeTargetFor } = await import('./eventBridge');
    targets.push(eventBridgeTargetFor(config.events.busName, EVENT_SOURCE));
  }
  if (config.events.webhook) {
    const [{ createWebhookTarget }, { resolveSecrets }] = await Promise.all([
      import('../events/webhookTarget'),
      import('./secrets'),
    ]);
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

/**
 * What the functions that send events run on (the delivery function, the sweeper): the order store
 * and the dispatcher over this stage's targets. Apart from `createPorts` so that their bundles hold
 * no other port's code: each port `createPorts` may build is a chunk of its own, and the chunks it
 * shares with the handler are more files a cold start loads (docs/decisions.md, "Cold start").
 */
export async function createDispatchPorts(
  config: Pick<Config, 'events' | 'ordersTable' | 'dynamoEndpoint' | 'awsRequestTimeoutMs'>,
  logger: Logger,
): Promise<{ orders: OrderStore; dispatch: DispatchDeps }> {
  const dispatch = createDispatchDeps(config, await createEventTargetsFromConfig(config, logger), logger);
  return {
    orders: createOrderStoreFromConfig(config, { recordEvents: recordsEvents(config, dispatch) }),
    dispatch,
  };
}
