import { loadConfig } from '../../shared/config';
import { createLogger } from '../../shared/logger';
import { createPorts } from '../../shared/runtime/deps';
import { createDeliverEvents } from './deliverEvents';

const config = loadConfig();
const logger = createLogger('deliver-events');
const { orders, dispatch } = await createPorts(config, logger, ['orders', 'dispatch']);

export const handler = createDeliverEvents({ ...dispatch, orders }, logger);
