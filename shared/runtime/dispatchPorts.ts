import type { Logger } from '@aws-lambda-powertools/logger';
import type { Config } from '../config';
import type { DispatchDeps } from '../events/dispatchOutbox';
import { createLogTarget } from '../events/logTarget';
import type { EventTarget } from '../events/types';
import type { OrderStore } from '../orders/store';
import { createOrderStoreFromConfig } from './dynamo';
import { eventBridgeTargetFor } from './eventBridge';
import { createDispatchDeps, EVENT_SOURCE, recordsEvents } from './events';

/**
 * The targets configured for this stage (EventBridge bus, signed merchant webhook, local log).
 * The EventBridge client is imported with this module: every stage serverless.yml deploys has its bus,
 * and a client imported on demand at a cold start is a second round of module loading after the
 * handler's own (3-7 % of the delivery function's init, docs/decisions.md, "Cold start"). undici and
 * the key reader are imported only for a webhook, which a stage may not have.
 */
export async function createEventTargetsFromConfig(
  config: Pick<Config, 'events' | 'awsRequestTimeoutMs'>,
  logger: Logger,
): Promise<EventTarget[]> {
  const targets: EventTarget[] = [];
  if (config.events.busName) {
    targets.push(eventBridgeTargetFor(config, config.events.busName, EVENT_SOURCE));
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
