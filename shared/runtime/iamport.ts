import type { Config } from '../config';
import { createIamportClient, type IamportClient } from '../iamport';
import { resolveSecrets } from './secrets';

/**
 * The Iamport client as configured, keys resolved once per cold start. Sandbox (test-channel)
 * payments are only fetched when this deployment accepts them.
 */
export async function createIamportFromConfig(
  config: Pick<Config, 'iamport' | 'acceptSandboxPayments'>,
): Promise<IamportClient> {
  const { apiKey, apiSecret } = await resolveSecrets({
    apiKey: config.iamport.apiKey,
    apiSecret: config.iamport.apiSecret,
  });
  return createIamportClient({
    baseUrl: config.iamport.baseUrl,
    apiKey,
    apiSecret,
    timeoutMs: config.iamport.timeoutMs,
    includeSandbox: config.acceptSandboxPayments,
  });
}
