import { loadConfig } from '../../shared/config';
import { createLogger } from '../../shared/logger';
import { createPorts } from '../../shared/runtime/deps';
import { verifyDeps, verifyPorts } from '../../shared/runtime/flows';
import { resolveSecrets } from '../../shared/runtime/secrets';
import { createV2WebhookHandler } from './v2Webhook';

const config = loadConfig();
const logger = createLogger('v2-payments-webhook');
const ports = await createPorts(config, verifyPorts);

/** The webhook secrets as configured: a list, or one SSM SecureString holding it (comma-separated). */
async function webhookSecrets(): Promise<string[]> {
  const source = config.portone?.webhookSecrets;
  if (!source) return [];
  if (source.values) return [...source.values];
  if (!source.parameter) return [];
  const { list } = await resolveSecrets({ list: { parameter: source.parameter } });
  return list
    .split(',')
    .map((secret) => secret.trim())
    .filter(Boolean);
}

export const handler = createV2WebhookHandler(verifyDeps(config, ports), logger, {
  secrets: await webhookSecrets(),
  ...(config.portone?.storeId ? { storeId: config.portone.storeId } : {}),
});
