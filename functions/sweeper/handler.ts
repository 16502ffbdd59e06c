import { loadConfig } from '../../shared/config';
import { createLogger } from '../../shared/logger';
import { createDispatchPorts } from '../../shared/runtime/dispatchPorts';
import { createRetryQueueFromConfig } from '../../shared/runtime/queue';
import { createSweeper } from './sweeper';

const config = loadConfig();
const logger = createLogger('sweeper');
const { orders, dispatch } = await createDispatchPorts(config, logger);

export const handler = createSweeper(
  { orders, queue: createRetryQueueFromConfig(config), events: dispatch },
  logger,
);
