import { loadConfig } from '../../shared/config';
import { createLogger } from '../../shared/logger';
import { createVerifyOrQueueDeps } from '../../shared/runtime/verifyDeps';
import { createWebhookHandler } from './webhook';

const config = loadConfig();
const logger = createLogger('payments-webhook');

export const handler = createWebhookHandler(await createVerifyOrQueueDeps(config, logger), logger, {
  allowedIps: config.webhookAllowedIps,
});
