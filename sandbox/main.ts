import { z } from 'zod';
import { startSandbox } from './index';
import { httpUrl, numberParam, textParam } from './validate';

/** Standalone start: `tsx sandbox/main.ts` (or `npm run sandbox`). */
const envSchema = z.looseObject({
  SANDBOX_PORT: numberParam(z.int().min(0).max(65_535).default(3100)),
  SANDBOX_HOST: textParam(z.string().default('127.0.0.1')),
  SANDBOX_WEBHOOK_URL: textParam(httpUrl.optional()),
  SANDBOX_WEBHOOK_FORMAT: textParam(z.enum(['json', 'form']).optional()),
  IAMPORT_API_KEY: textParam(z.string().optional()),
  IAMPORT_API_SECRET: textParam(z.string().optional()),
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
});

console.log(
  `iamport sandbox ready: ${sandbox.url} (control API ${sandbox.url}/__sandbox, webhooks → ${sandbox.state.config.webhookUrl ?? 'none'})`,
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
