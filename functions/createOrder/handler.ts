import { loadConfig } from '../../shared/config';
import { createLogger } from '../../shared/logger';
import { createOrderStoreFromConfig } from '../../shared/runtime/dynamo';
import { createIamportFromConfig } from '../../shared/runtime/iamport';
import { createRetryQueueFromConfig } from '../../shared/runtime/queue';
import { createCreateOrderHandler } from './createOrder';

const config = loadConfig();
const logger = createLogger('orders-create');

export const handler = createCreateOrderHandler(
  {
    orders: createOrderStoreFromConfig(config),
    iamport: await createIamportFromConfig(config),
    queue: createRetryQueueFromConfig(config),
    reconcileAfterSeconds: config.reconcileAfterSeconds,
    onScheduleFailure: (error) =>
      logger.warn('lost-result check not queued; the sweeper will find it', { error }),
  },
  logger,
);
