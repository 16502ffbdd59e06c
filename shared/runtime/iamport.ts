import type { Config } from '../config';
import type { IamportClient } from '../iamport';

/**
 * The Iamport client as configured, keys resolved once per cold start. Sandbox (test-channel)
 * payments are only fetched when this deployment accepts them.
 *
 * The client (undici) and the key reader (the SSM client) are imported here, when a function builds
 * the client, not when this module loads: a function that never calls Iamport never loads them.
 */
export async function createIamportFromConfig(
  config: Pick<Config, 'iamport' | 'acceptSandboxPayments'>,
): Promise<IamportClient> {
  const [{ createIamportClient }, { resolveSecrets }] = await Promise.all([
    import('../iamport/client'),
    import('./secrets'),
  ]);
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
