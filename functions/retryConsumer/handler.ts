import { loadConfig } from '../../shared/config';
import { createLogger } from '../../shared/logger';
import { createDeadLetterSinkFromConfig } from '../../shared/runtime/queue';
import { createVerifyOrQueueDeps } from '../../shared/runtime/verifyDeps';
import { createRetryConsumer } from './retryConsumer';

const config = loadConfig();
const logger = createLogger('retry-consumer');
const deps = await createVerifyOrQueueDeps(config, logger);

export const handler = createRetryConsumer(
  {
    ...deps,
    deadLetters: createDeadLetterSinkFromConfig(config),
    settings: {
      reconcileAfterSeconds: config.reconcileAfterSeconds,
      reconcileMaxAgeSeconds: config.reconcileMaxAgeSeconds,
      retryBaseSeconds: config.retryBaseSeconds,
    },
  },
  logger,
);
