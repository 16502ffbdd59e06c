import { loadConfig } from '../../shared/config';
import { createLogger } from '../../shared/logger';
import { createVerifyOrQueueDeps } from '../../shared/runtime/verifyDeps';
import { createCompleteHandler } from './complete';

const config = loadConfig();
const logger = createLogger('payments-complete');

export const handler = createCompleteHandler(
  await createVerifyOrQueueDeps(config, logger),
  logger,
  config.allowedOrigins,
);
