import type { Config } from '../config';
import { createPortOneClient, type PortOneClient } from '../portone';
import { resolveSecrets } from './secrets';

/** The PortOne V2 client as configured (its secret resolved once per cold start), or none on a V1-only stage. */
export async function createPortOneFromConfig(
  config: Pick<Config, 'portone'>,
): Promise<PortOneClient | undefined> {
  if (!config.portone) return undefined;
  const { secret } = await resolveSecrets({ secret: config.portone.apiSecret });
  return createPortOneClient({
    baseUrl: config.portone.baseUrl,
    secret,
    ...(config.portone.storeId ? { storeId: config.portone.storeId } : {}),
    timeoutMs: config.portone.timeoutMs,
  });
}
