import { loadConfig } from '../../shared/config';
import { createLogger } from '../../shared/logger';
import { createOrderStoreFromConfig } from '../../shared/runtime/dynamo';
import { createRetryQueueFromConfig } from '../../shared/runtime/queue';
import { createSweeper } from './sweeper';

const config = loadConfig();

export const handler = createSweeper(
  { orders: createOrderStoreFromConfig(config), queue: createRetryQueueFromConfig(config) },
  createLogger('sweeper'),
);
