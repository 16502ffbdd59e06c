import { loadConfig } from '../../shared/config';
import { createLogger } from '../../shared/logger';
import { createOrderStoreFromConfig } from '../../shared/runtime/dynamo';
import { createGetOrderHandler } from './getOrder';

const config = loadConfig();

export const handler = createGetOrderHandler(createOrderStoreFromConfig(config), createLogger('orders-get'));
