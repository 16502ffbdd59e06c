import type { WebhookFormat } from '../payment';

/**
 * What a merchant configures for V2 in PortOne's console, and the sandbox's demo values for each: a V2
 * client or test stack that uses these works against `startSandbox()` with no options.
 */
export const v2WebhookVersions = ['2024-04-25', '2024-01-01'] as const;
export type V2WebhookVersion = (typeof v2WebhookVersions)[number];
/** The same two encodings as V1's notices. */
export type V2WebhookFormat = WebhookFormat;

export interface V2Config {
  /** The only accepted `Authorization: PortOne <secret>`. */
  apiSecret: string;
  storeId: string;
  merchantId: string;
  pgMerchantId: string;
  /** The console's V2 webhook URL; null = none, so no V2 notices. */
  webhookUrl: string | null;
  /** `whsec_` + base64 key, the Standard Webhooks form PortOne's console hands out. */
  webhookSecret: string;
  webhookVersion: V2WebhookVersion;
  /** Only `2024-01-01` may be form-encoded; `2024-04-25` is JSON only (PortOne's webhook guide). */
  webhookFormat: V2WebhookFormat;
}

/** Not a real secret: PortOne's V2 secrets are opaque strings, so any fixed one serves the demo. */
export const demoV2ApiSecret = 'portone-sandbox-v2-api-secret-0000000000000000000000000000000000000000';
export const demoV2StoreId = 'store-00000000-0000-4000-8000-000000000000';
export const demoV2MerchantId = 'merchant-00000000-0000-4000-8000-000000000000';
/** `whsec_` + base64 of 32 fixed bytes. */
export const demoV2WebhookSecret = `whsec_${Buffer.from('portone-sandbox-webhook-secret-0').toString('base64')}`;
