import { loadConfig } from '../../shared/config';
import { createLogger } from '../../shared/logger';
import { createOrderStoreFromConfig } from '../../shared/runtime/dynamo';
import { createDispatchDeps, createEventTargetsFromConfig } from '../../shared/runtime/events';
import { createRetryQueueFromConfig } from '../../shared/runtime/queue';
import { createSweeper } from './sweeper';

const config = loadConfig();
const logger = createLogger('sweeper');
const targets = await createEventTargetsFromConfig(config, logger);

export const handler = createSweeper(
  {
    orders: createOrderStoreFromConfig(config),
    queue: createRetryQueueFromConfig(config),
    ...(targets.length > 0 ? { events: createDispatchDeps(config, targets, logger) } : {}),
  },
  logger,
);
