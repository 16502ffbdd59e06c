import * as v from 'valibot';
import { envNumber, httpUrl, issueLines, nonEmpty, valueFreeMessages } from './validation';

/** Comma-separated list; blanks dropped. */
const list = v.pipe(
  v.optional(v.string(), ''),
  v.transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  ),
);
const bool = v.pipe(
  v.optional(v.picklist(['true', 'false', '1', '0', '']), ''),
  v.transform((value) => value === 'true' || value === '1'),
);
const seconds = (fallback: number) => envNumber(fallback, { integer: true, min: 1 });
/** A per-stage param left at its default `""` means "not set" (serverless.yml cannot omit a variable). */
const unsetWhenEmpty = v.pipe(
  v.optional(v.string()),
  v.transform((value) => (value === '' ? undefined : value)),
);
const name = nonEmpty;
const timeoutMs = (max: number, fallback: number) => envNumber(fallback, { integer: true, min: 100, max });

const envSchema = v.object({
  STAGE: v.optional(name, 'local'),
  /** The stage takes real money (serverless.yml param `production`): production rules apply. */
  PRODUCTION: bool,
  IAMPORT_BASE_URL: v.optional(httpUrl, 'https://api.iamport.kr'),
  IAMPORT_API_KEY: v.optional(name),
  IAMPORT_API_SECRET: v.optional(name),
  /** Deployed: SSM SecureString names, read at cold start instead of plain values. */
  IAMPORT_API_KEY_PARAMETER: v.optional(name),
  IAMPORT_API_SECRET_PARAMETER: v.optional(name),
  IAMPORT_TIMEOUT_MS: timeoutMs(60_000, 5000),
  /** PortOne V2: a stage with neither secret serves V1 alone. */
  PORTONE_BASE_URL: v.optional(httpUrl, 'https://api.portone.io'),
  PORTONE_API_SECRET: unsetWhenEmpty,
  PORTONE_API_SECRET_PARAMETER: unsetWhenEmpty,
  PORTONE_STORE_ID: unsetWhenEmpty,
  /** Up to two `whsec_` secrets, comma-separated (rotation); deployed: one SSM SecureString. */
  PORTONE_WEBHOOK_SECRETS: list,
  PORTONE_WEBHOOK_SECRETS_PARAMETER: unsetWhenEmpty,
  PORTONE_TIMEOUT_MS: timeoutMs(120_000, 10_000),
  ORDERS_TABLE: name,
  DYNAMODB_ENDPOINT: v.optional(httpUrl),
  /** Deadline of one DynamoDB or SQS request attempt; the SDK retries a timed-out attempt like a 5xx. */
  AWS_REQUEST_TIMEOUT_MS: timeoutMs(30_000, 3000),
  RETRY_QUEUE_URL: name,
  RETRY_DLQ_URL: v.optional(name),
  /** Local only: the queue server `npm start` runs; deployed, the SDK's regional endpoint. */
  SQS_ENDPOINT: v.optional(httpUrl),
  RESULT_PAGE_URL: httpUrl,
  ALLOWED_ORIGINS: list,
  WEBHOOK_ALLOWED_IPS: list,
  ACCEPT_SANDBOX_PAYMENTS: bool,
  RECONCILE_AFTER_SECONDS: seconds(600),
  RECONCILE_MAX_AGE_SECONDS: seconds(86_400),
  RETRY_BASE_SECONDS: seconds(30),
  EVENT_BUS_NAME: v.optional(v.string()),
  MERCHANT_WEBHOOK_URL: v.optional(v.string()),
  MERCHANT_WEBHOOK_SECRET: v.optional(name),
  MERCHANT_WEBHOOK_SECRET_PARAMETER: v.optional(name),
  /** Local: log every event (what `npm start` shows). */
  EVENT_LOG: bool,
});

/** Plain value, or the name of an SSM SecureString to read at cold start. */
export type SecretSource = { value: string } | { parameter: string };

/** The configuration the functions run with: exactly what {@link toConfig} makes of the environment. */
export type Config = ReturnType<typeof toConfig>;

/** Invalid configuration: the message names every offending variable and never echoes a value. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Reads the environment once at cold start (docs/design.md §7) and fails fast, naming the variable.
 * @example const config = loadConfig(); // at module scope of a handler
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = v.safeParse(envSchema, env, valueFreeMessages);
  // Rules across variables run on the raw values too, so one message names every problem at once.
  const problems = [...(parsed.success ? [] : issueLines(parsed.issues)), ...crossVariableProblems(env)];
  if (!parsed.success || problems.length > 0) {
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  return toConfig(parsed.output);
}

/** The environment, validated, as the functions use it. Its return type is {@link Config}. */
function toConfig(e: v.InferOutput<typeof envSchema>) {
  const config = {
    stage: e.STAGE,
    /** Production rules were checked (PRODUCTION=true). */
    production: e.PRODUCTION,
    iamport: {
      baseUrl: new URL(e.IAMPORT_BASE_URL),
      apiKey: secret(e.IAMPORT_API_KEY, e.IAMPORT_API_KEY_PARAMETER),
      apiSecret: secret(e.IAMPORT_API_SECRET, e.IAMPORT_API_SECRET_PARAMETER),
      timeoutMs: e.IAMPORT_TIMEOUT_MS,
    },
    /** PortOne V2, or undefined: this stage serves V1 alone. */
    portone: portoneConfig(e),
    ordersTable: e.ORDERS_TABLE,
    dynamoEndpoint: e.DYNAMODB_ENDPOINT,
    awsRequestTimeoutMs: e.AWS_REQUEST_TIMEOUT_MS,
    retryQueueUrl: e.RETRY_QUEUE_URL,
    /** Required by the consumer, which dead-letters malformed messages itself. */
    retryDlqUrl: e.RETRY_DLQ_URL,
    sqsEndpoint: e.SQS_ENDPOINT,
    resultPageUrl: new URL(e.RESULT_PAGE_URL),
    allowedOrigins: e.ALLOWED_ORIGINS,
    webhookAllowedIps: e.WEBHOOK_ALLOWED_IPS,
    acceptSandboxPayments: e.ACCEPT_SANDBOX_PAYMENTS,
    reconcileAfterSeconds: e.RECONCILE_AFTER_SECONDS,
    reconcileMaxAgeSeconds: e.RECONCILE_MAX_AGE_SECONDS,
    retryBaseSeconds: e.RETRY_BASE_SECONDS,
    events: {
      busName: e.EVENT_BUS_NAME || undefined,
      webhook: e.MERCHANT_WEBHOOK_URL
        ? {
            url: e.MERCHANT_WEBHOOK_URL,
            secret: secret(e.MERCHANT_WEBHOOK_SECRET, e.MERCHANT_WEBHOOK_SECRET_PARAMETER),
          }
        : undefined,
      log: e.EVENT_LOG,
    },
  };
  return Object.freeze(config);
}

function portoneConfig(e: v.InferOutput<typeof envSchema>) {
  if (!e.PORTONE_API_SECRET && !e.PORTONE_API_SECRET_PARAMETER) return undefined;
  return {
    baseUrl: new URL(e.PORTONE_BASE_URL),
    apiSecret: secret(e.PORTONE_API_SECRET, e.PORTONE_API_SECRET_PARAMETER),
    storeId: e.PORTONE_STORE_ID,
    webhookSecrets:
      e.PORTONE_WEBHOOK_SECRETS.length > 0
        ? { values: e.PORTONE_WEBHOOK_SECRETS }
        : e.PORTONE_WEBHOOK_SECRETS_PARAMETER
          ? { parameter: e.PORTONE_WEBHOOK_SECRETS_PARAMETER }
          : undefined,
    timeoutMs: e.PORTONE_TIMEOUT_MS,
  };
}

function crossVariableProblems(env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  if (env.PORTONE_API_SECRET || env.PORTONE_API_SECRET_PARAMETER) {
    // A V2 stage without a webhook secret could not tell PortOne's notices from anyone's.
    if (!env.PORTONE_WEBHOOK_SECRETS && !env.PORTONE_WEBHOOK_SECRETS_PARAMETER) {
      problems.push(
        'PORTONE_WEBHOOK_SECRETS: set it or PORTONE_WEBHOOK_SECRETS_PARAMETER with the V2 API secret',
      );
    }
    const secrets = (env.PORTONE_WEBHOOK_SECRETS ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
    if (secrets.length > 2)
      problems.push('PORTONE_WEBHOOK_SECRETS: at most two secrets (the one in use and the next)');
    if (secrets.some((value) => !value.startsWith('whsec_'))) {
      problems.push('PORTONE_WEBHOOK_SECRETS: each secret starts with whsec_');
    }
  }
  for (const name of ['IAMPORT_API_KEY', 'IAMPORT_API_SECRET'] as const) {
    if (!env[name] && !env[`${name}_PARAMETER`]) problems.push(`${name}: set ${name} or ${name}_PARAMETER`);
  }
  if (env.MERCHANT_WEBHOOK_URL && !env.MERCHANT_WEBHOOK_SECRET && !env.MERCHANT_WEBHOOK_SECRET_PARAMETER) {
    problems.push(
      'MERCHANT_WEBHOOK_SECRET: set MERCHANT_WEBHOOK_SECRET or MERCHANT_WEBHOOK_SECRET_PARAMETER with MERCHANT_WEBHOOK_URL',
    );
  }
  if (env.PRODUCTION === 'true' || env.PRODUCTION === '1') problems.push(...productionProblems(env));
  return problems;
}

/**
 * A production stage (PRODUCTION=true, whatever the stage is called) starts only with production
 * settings: no test payments, no plain-HTTP or placeholder URLs.
 */
function productionProblems(env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  if (env.ACCEPT_SANDBOX_PAYMENTS === 'true' || env.ACCEPT_SANDBOX_PAYMENTS === '1') {
    problems.push('ACCEPT_SANDBOX_PAYMENTS: must be false in production');
  }
  for (const name of [
    'RESULT_PAGE_URL',
    'IAMPORT_BASE_URL',
    'MERCHANT_WEBHOOK_URL',
    'PORTONE_BASE_URL',
  ] as const) {
    const value = env[name];
    if (value && !value.startsWith('https://')) problems.push(`${name}: must be https in production`);
    if (value && /\bexample\.(com|org|net)\b/.test(value)) problems.push(`${name}: is a placeholder`);
  }
  for (const origin of (env.ALLOWED_ORIGINS ?? '').split(',').map((item) => item.trim())) {
    if (origin && !origin.startsWith('https://'))
      problems.push('ALLOWED_ORIGINS: every origin must be https in production');
  }
  return problems;
}

function secret(value: string | undefined, parameter: string | undefined): SecretSource {
  // A plain value wins so that local runs never need AWS; deployed templates set only the parameter.
  if (value) return { value };
  if (parameter) return { parameter };
  throw new ConfigError('unreachable: checked by the schema');
}
