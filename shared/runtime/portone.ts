import type { Config } from '../config';
import type { PortOneClient } from '../portone';

/**
 * The PortOne V2 client as configured (its secret resolved once per cold start), or none on a V1-only
 * stage. The client and the key reader are imported only on a stage that serves V2.
 */
export async function createPortOneFromConfig(
  config: Pick<Config, 'portone'>,
): Promise<PortOneClient | undefined> {
  if (!config.portone) return undefined;
  const [{ createPortOneClient }, { resolveSecrets }] = await Promise.all([
    import('../portone/client'),
    import('./secrets'),
  ]);
  const { secret } = await resolveSecrets({ secret: config.portone.apiSecret });
  return createPortOneClient({
    baseUrl: config.portone.baseUrl,
    secret,
    ...(config.portone.storeId ? { storeId: config.portone.storeId } : {}),
    timeoutMs: config.portone.timeoutMs,
  });
}
