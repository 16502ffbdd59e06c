import { loadConfig } from '../../shared/config';
import { createLogger } from '../../shared/logger';
import { createDispatchPorts } from '../../shared/runtime/dispatchPorts';
import { createDeliverEvents } from './deliverEvents';

const config = loadConfig();
const logger = createLogger('deliver-events');
const { orders, dispatch } = await createDispatchPorts(config, logger);

export const handler = createDeliverEvents({ ...dispatch, orders }, logger);
