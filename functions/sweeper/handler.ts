import { loadConfig } from '../../shared/config';
import { createLogger } from '../../shared/logger';
import { createPorts } from '../../shared/runtime/deps';
import { createSweeper } from './sweeper';

const config = loadConfig();
const logger = createLogger('sweeper');
const { orders, queue, dispatch } = await createPorts(config, logger, ['orders', 'queue', 'dispatch']);

export const handler = createSweeper({ orders, queue, events: dispatch }, logger);
