import { loadConfig } from '../../shared/config';
import { createLogger } from '../../shared/logger';
import { createOrderStoreFromConfig } from '../../shared/runtime/dynamo';
import { createGetOrderHandler } from './getOrder';

const config = loadConfig();
const logger = createLogger('orders-get');
// The order store alone, not through createPorts: this bundle then carries no other port's chunks.
const orders = createOrderStoreFromConfig(config);

export const handler = createGetOrderHandler(orders, logger);
