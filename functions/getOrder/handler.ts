import { loadConfig } from '../../shared/config';
import { createLogger } from '../../shared/logger';
import { createPorts } from '../../shared/runtime/deps';
import { createGetOrderHandler } from './getOrder';

const config = loadConfig();
const logger = createLogger('orders-get');
const { orders } = await createPorts(config, logger, ['orders']);

export const handler = createGetOrderHandler(orders, logger);
