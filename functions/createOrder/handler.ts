import { loadConfig } from '../../shared/config';
import { createLogger } from '../../shared/logger';
import { createPorts } from '../../shared/runtime/deps';
import { registerDeps } from '../../shared/runtime/flows';
import { createCreateOrderHandler } from './createOrder';

const config = loadConfig();
const logger = createLogger('orders-create');
const ports = await createPorts(config, ['iamport', 'portone', 'orders', 'queue']);

export const handler = createCreateOrderHandler(registerDeps(config, ports, logger), logger);
