import { loadConfig } from '../../shared/config';
import { createLogger } from '../../shared/logger';
import { createPorts } from '../../shared/runtime/deps';
import { verifyDeps, verifyPorts } from '../../shared/runtime/flows';
import { createWebhookHandler } from './webhook';

const config = loadConfig();
const logger = createLogger('payments-webhook');
const ports = await createPorts(config, verifyPorts);

export const handler = createWebhookHandler(verifyDeps(config, ports), logger, {
  allowedIps: config.webhookAllowedIps,
});
