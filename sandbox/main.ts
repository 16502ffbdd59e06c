import { z } from 'zod';
import { startSandbox } from './index';
import { v2WebhookVersions } from './v2/config';
import { httpUrl, numberParam, textParam } from './validate';

/** Standalone start: `tsx sandbox/main.ts` (or `npm run sandbox`). */
const envSchema = z.looseObject({
  SANDBOX_PORT: numberParam(z.int().min(0).max(65_535).default(3100)),
  SANDBOX_HOST: textParam(z.string().default('127.0.0.1')),
  SANDBOX_WEBHOOK_URL: textParam(httpUrl.optional()),
  SANDBOX_WEBHOOK_FORMAT: textParam(z.enum(['json', 'form']).optional()),
  IAMPORT_API_KEY: textParam(z.string().optional()),
  IAMPORT_API_SECRET: textParam(z.string().optional()),
  /** Default: the port after SANDBOX_PORT (3101), or a free one when SANDBOX_PORT is 0. */
  SANDBOX_V2_PORT: numberParam(z.int().min(0).max(65_535).optional()),
  SANDBOX_V2_WEBHOOK_URL: textParam(httpUrl.optional()),
  SANDBOX_V2_WEBHOOK_VERSION: textParam(z.enum(v2WebhookVersions).optional()),
  PORTONE_API_SECRET: textParam(z.string().optional()),
  PORTONE_WEBHOOK_SECRET: textParam(z.string().startsWith('whsec_').optional()),
});

const env = envSchema.safeParse(process.env);
if (!env.success) {
  const issue = env.error.issues[0];
  console.error(
    `iamport sandbox: invalid environment variable ${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}`,
  );
  process.exit(1);
}

const sandbox = await startSandbox({
  port: env.data.SANDBOX_PORT,
  host: env.data.SANDBOX_HOST,
  ...(env.data.SANDBOX_WEBHOOK_URL ? { webhookUrl: env.data.SANDBOX_WEBHOOK_URL } : {}),
  ...(env.data.SANDBOX_WEBHOOK_FORMAT ? { webhookFormat: env.data.SANDBOX_WEBHOOK_FORMAT } : {}),
  ...(env.data.IAMPORT_API_KEY ? { apiKey: env.data.IAMPORT_API_KEY } : {}),
  ...(env.data.IAMPORT_API_SECRET ? { apiSecret: env.data.IAMPORT_API_SECRET } : {}),
  v2Port: env.data.SANDBOX_V2_PORT ?? (env.data.SANDBOX_PORT === 0 ? 0 : env.data.SANDBOX_PORT + 1),
  ...(env.data.SANDBOX_V2_WEBHOOK_URL ? { v2WebhookUrl: env.data.SANDBOX_V2_WEBHOOK_URL } : {}),
  ...(env.data.SANDBOX_V2_WEBHOOK_VERSION ? { v2WebhookVersion: env.data.SANDBOX_V2_WEBHOOK_VERSION } : {}),
  ...(env.data.PORTONE_API_SECRET ? { v2ApiSecret: env.data.PORTONE_API_SECRET } : {}),
  ...(env.data.PORTONE_WEBHOOK_SECRET ? { v2WebhookSecret: env.data.PORTONE_WEBHOOK_SECRET } : {}),
});

// One line, both APIs: scripts wait for the first line of output.
console.log(
  `iamport sandbox ready: ${sandbox.url} (control API ${sandbox.url}/__sandbox, webhooks → ${sandbox.state.config.webhookUrl ?? 'none'})` +
    ` · portone v2 ${sandbox.v2Url} (control API ${sandbox.url}/__sandbox/v2, webhooks → ${sandbox.state.v2.config.webhookUrl ?? 'none'})`,
);

const stop = (): void => {
  sandbox.close().then(
    () => {
      process.exitCode = 0;
    },
    (error: unknown) => {
      console.error('iamport sandbox: error while closing', error);
      process.exitCode = 1;
    },
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
