import { loadConfig } from '../../shared/config';
import { createLogger } from '../../shared/logger';
import { createVerifyOrQueueDeps } from '../../shared/runtime/verifyDeps';
import { createMobileHandler } from './mobile';

const config = loadConfig();
const logger = createLogger('payments-complete-mobile');

export const handler = createMobileHandler(
  await createVerifyOrQueueDeps(config, logger),
  logger,
  config.resultPageUrl,
);
