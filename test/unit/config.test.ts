import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../shared/config';

const SECRET = 'sk_live_7Qm2ZrX9pLw4TnB8vKc1';
const minimal = {
  ORDERS_TABLE: 'iamport-verify-test-orders',
  RETRY_QUEUE_URL: 'https://sqs.ap-northeast-2.amazonaws.com/123456789012/retry',
  RESULT_PAGE_URL: 'https://shop.test.kr/payments/result',
  IAMPORT_API_KEY: '1234567890123456',
  IAMPORT_API_SECRET: SECRET,
} satisfies NodeJS.ProcessEnv;

/** The ConfigError loadConfig throws for `env`. */
function failure(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('loadConfig did not throw');
}

describe('Function: loadConfig', () => {
  it('reads a minimal valid environment and applies the defaults', () => {
    // Act
    const config = loadConfig(minimal);

    // Assess
    expect(config).toMatchObject({
      stage: 'local',
      iamport: {
        baseUrl: new URL('https://api.iamport.kr'),
        apiKey: { value: '1234567890123456' },
        apiSecret: { value: SECRET },
        timeoutMs: 5_000,
      },
      ordersTable: 'iamport-verify-test-orders',
      dynamoEndpoint: undefined,
      retryQueueUrl: 'https://sqs.ap-northeast-2.amazonaws.com/123456789012/retry',
      resultPageUrl: new URL('https://shop.example.com/payments/result'),
      allowedOrigins: [],
      webhookAllowedIps: [],
      acceptSandboxPayments: false,
      reconcileAfterSeconds: 600,
      reconcileMaxAgeSeconds: 86_400,
      retryBaseSeconds: 30,
    });
  });

  it('returns a frozen object', () => {
    expect(Object.isFrozen(loadConfig(minimal))).toBe(true);
  });

  it('reads every optional variable', () => {
    const config = loadConfig({
      ...minimal,
      STAGE: 'staging',
      IAMPORT_BASE_URL: 'http://127.0.0.1:3100',
      IAMPORT_TIMEOUT_MS: '2500',
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:4567',
      ALLOWED_ORIGINS: ' https://shop.example.com , ,https://m.shop.example.com',
      WEBHOOK_ALLOWED_IPS: '52.78.100.19,52.78.48.223',
      ACCEPT_SANDBOX_PAYMENTS: 'false',
      RECONCILE_AFTER_SECONDS: '300',
      RECONCILE_MAX_AGE_SECONDS: '3600',
      RETRY_BASE_SECONDS: '15',
    });

    expect(config).toMatchObject({
      stage: 'staging',
      iamport: { baseUrl: new URL('http://127.0.0.1:3100'), timeoutMs: 2_500 },
      dynamoEndpoint: 'http://127.0.0.1:4567',
      allowedOrigins: ['https://shop.example.com', 'https://m.shop.example.com'],
      webhookAllowedIps: ['52.78.100.19', '52.78.48.223'],
      acceptSandboxPayments: false,
      reconcileAfterSeconds: 300,
      reconcileMaxAgeSeconds: 3_600,
      retryBaseSeconds: 15,
    });
  });

  it.each([
    'ORDERS_TABLE',
    'RETRY_QUEUE_URL',
    'RESULT_PAGE_URL',
    'IAMPORT_API_KEY',
    'IAMPORT_API_SECRET',
  ] as const)('names %s when it is missing', (name) => {
    const { [name]: _missing, ...env } = minimal;

    const error = failure(env);

    expect(error.name).toBe('ConfigError');
    expect(error.message).toMatch(new RegExp(`^invalid configuration: .*\\b${name}\\b`));
  });

  it('treats an empty required variable as missing', () => {
    expect(failure({ ...minimal, ORDERS_TABLE: '' }).message).toContain('ORDERS_TABLE');
  });

  it.each([
    ['RESULT_PAGE_URL', 'ftp://shop.example.com/result'],
    ['RESULT_PAGE_URL', 'not a url'],
    ['IAMPORT_BASE_URL', 'javascript:alert(1)'],
    ['IAMPORT_TIMEOUT_MS', '50'],
    ['IAMPORT_TIMEOUT_MS', 'soon'],
    ['RETRY_BASE_SECONDS', '0'],
    ['RECONCILE_AFTER_SECONDS', '1.5'],
    ['ACCEPT_SANDBOX_PAYMENTS', 'yes'],
  ])('names %s when it is %j', (name, value) => {
    expect(failure({ ...minimal, [name]: value }).message).toContain(name);
  });

  describe('test-channel payments', () => {
    it('refuses ACCEPT_SANDBOX_PAYMENTS=true on a production stage, whatever its name', () => {
      for (const STAGE of ['prod', 'live', 'shop-kr']) {
        const error = failure({ ...minimal, STAGE, PRODUCTION: 'true', ACCEPT_SANDBOX_PAYMENTS: 'true' });
        expect(error.message).toBe(
          'invalid configuration: ACCEPT_SANDBOX_PAYMENTS: must be false in production',
        );
      }
    });

    it('is a property of the stage, not of its name: a stage called prod without PRODUCTION is not one', () => {
      const config = loadConfig({ ...minimal, STAGE: 'prod', ACCEPT_SANDBOX_PAYMENTS: 'true' });
      expect(config).toMatchObject({ production: false, acceptSandboxPayments: true });
    });

    it.each([
      ['true', true],
      ['1', true],
      ['false', false],
      ['0', false],
      ['', false],
    ])('reads %j as %s outside prod', (value, expected) => {
      expect(
        loadConfig({ ...minimal, STAGE: 'dev', ACCEPT_SANDBOX_PAYMENTS: value }).acceptSandboxPayments,
      ).toBe(expected);
    });
  });

  describe('secrets from SSM', () => {
    it('accepts parameter names in place of the plain keys', () => {
      const { IAMPORT_API_KEY: _key, IAMPORT_API_SECRET: _secret, ...rest } = minimal;

      const config = loadConfig({
        ...rest,
        IAMPORT_API_KEY_PARAMETER: '/iamport-verify/prod/api-key',
        IAMPORT_API_SECRET_PARAMETER: '/iamport-verify/prod/api-secret',
      });

      expect(config.iamport.apiKey).toEqual({ parameter: '/iamport-verify/prod/api-key' });
      expect(config.iamport.apiSecret).toEqual({ parameter: '/iamport-verify/prod/api-secret' });
    });

    it('prefers a plain value over a parameter name', () => {
      const config = loadConfig({ ...minimal, IAMPORT_API_SECRET_PARAMETER: '/x/secret' });

      expect(config.iamport.apiSecret).toEqual({ value: SECRET });
    });

    it('says which pair is missing', () => {
      const { IAMPORT_API_SECRET: _secret, ...env } = minimal;

      expect(failure(env).message).toBe(
        'invalid configuration: IAMPORT_API_SECRET: set IAMPORT_API_SECRET or IAMPORT_API_SECRET_PARAMETER',
      );
    });
  });

  describe('error messages never contain a secret', () => {
    it('when another variable is invalid', () => {
      const error = failure({ ...minimal, ORDERS_TABLE: undefined, ACCEPT_SANDBOX_PAYMENTS: 'maybe' });

      expect(error.message).not.toContain(SECRET);
      expect(error.message).not.toContain('maybe');
    });

    it.each([
      'IAMPORT_TIMEOUT_MS',
      'RESULT_PAGE_URL',
      'IAMPORT_BASE_URL',
      'ACCEPT_SANDBOX_PAYMENTS',
      'RETRY_BASE_SECONDS',
    ])('when the secret was pasted into %s by mistake', (name) => {
      const error = failure({ ...minimal, [name]: SECRET });

      expect(error.message).toContain(name);
      expect(error.message).not.toContain(SECRET);
      expect(error.message).not.toContain(SECRET.slice(0, 8));
    });
  });
});

describe('Function: loadConfig (every problem at once)', () => {
  it('names the missing keys together with the other missing variables', () => {
    expect(() => loadConfig({})).toThrow(/ORDERS_TABLE.*IAMPORT_API_KEY.*IAMPORT_API_SECRET/s);
  });

  it('refuses sandbox payments in production even when another variable is also wrong', () => {
    expect(() => loadConfig({ PRODUCTION: 'true', ACCEPT_SANDBOX_PAYMENTS: 'true' })).toThrow(
      /ORDERS_TABLE.*ACCEPT_SANDBOX_PAYMENTS/s,
    );
  });
});

describe('Function: loadConfig (production)', () => {
  const prod = {
    STAGE: 'prod',
    PRODUCTION: 'true',
    ORDERS_TABLE: 'orders',
    RETRY_QUEUE_URL: 'https://sqs.ap-northeast-2.amazonaws.com/1/retry',
    IAMPORT_API_KEY_PARAMETER: '/svc/prod/key',
    IAMPORT_API_SECRET_PARAMETER: '/svc/prod/secret',
    RESULT_PAGE_URL: 'https://shop.test.kr/result',
    ALLOWED_ORIGINS: 'https://shop.test.kr',
  };

  it('starts with https settings and SSM parameter names', () => {
    expect(loadConfig(prod)).toMatchObject({ stage: 'prod', production: true });
  });

  it.each([
    ['RESULT_PAGE_URL', { RESULT_PAGE_URL: 'http://shop.test.kr/result' }, /RESULT_PAGE_URL: must be https/],
    [
      'RESULT_PAGE_URL',
      { RESULT_PAGE_URL: 'https://shop.example.com/result' },
      /RESULT_PAGE_URL: is a placeholder/,
    ],
    [
      'ALLOWED_ORIGINS',
      { ALLOWED_ORIGINS: 'https://a.kr,http://b.kr' },
      /ALLOWED_ORIGINS: every origin must be https/,
    ],
    ['IAMPORT_BASE_URL', { IAMPORT_BASE_URL: 'http://127.0.0.1:3100' }, /IAMPORT_BASE_URL: must be https/],
    [
      'ACCEPT_SANDBOX_PAYMENTS',
      { ACCEPT_SANDBOX_PAYMENTS: 'true' },
      /ACCEPT_SANDBOX_PAYMENTS: must be false/,
    ],
  ])('refuses %s that is not fit for production', (_name, override, message) => {
    expect(() => loadConfig({ ...prod, ...override })).toThrow(message);
  });
});

describe('Function: loadConfig (PortOne V2)', () => {
  const v2 = {
    ...minimal,
    PORTONE_API_SECRET: 'portone-secret-value',
    PORTONE_STORE_ID: 'store-00000000-0000-0000-0000-000000000000',
    PORTONE_WEBHOOK_SECRETS: 'whsec_Y3VycmVudA==,whsec_bmV4dA==',
  };

  it('serves V1 alone when no V2 secret is set', () => {
    expect(loadConfig(minimal).portone).toBeUndefined();
  });

  it('reads the V2 settings: base URL, secret, store, up to two webhook secrets, deadline', () => {
    expect(loadConfig(v2).portone).toEqual({
      baseUrl: new URL('https://api.portone.io'),
      apiSecret: { value: 'portone-secret-value' },
      storeId: 'store-00000000-0000-0000-0000-000000000000',
      webhookSecrets: { values: ['whsec_Y3VycmVudA==', 'whsec_bmV4dA=='] },
      timeoutMs: 10_000,
    });
    const deployed = loadConfig({
      ...minimal,
      PORTONE_API_SECRET_PARAMETER: '/svc/prod/portone-api-secret',
      PORTONE_WEBHOOK_SECRETS_PARAMETER: '/svc/prod/portone-webhook-secrets',
    }).portone;
    expect(deployed).toMatchObject({
      apiSecret: { parameter: '/svc/prod/portone-api-secret' },
      webhookSecrets: { parameter: '/svc/prod/portone-webhook-secrets' },
    });
  });

  it.each([
    [{ PORTONE_WEBHOOK_SECRETS: '' }, 'PORTONE_WEBHOOK_SECRETS: set it or PORTONE_WEBHOOK_SECRETS_PARAMETER'],
    [{ PORTONE_WEBHOOK_SECRETS: 'whsec_a,whsec_b,whsec_c' }, 'PORTONE_WEBHOOK_SECRETS: at most two secrets'],
    [{ PORTONE_WEBHOOK_SECRETS: 'not-a-secret' }, 'PORTONE_WEBHOOK_SECRETS: each secret starts with whsec_'],
  ])('refuses %j', (override, message) => {
    expect(failure({ ...v2, ...override }).message).toContain(message);
  });

  it('needs https for the V2 API in production', () => {
    expect(
      failure({
        ...v2,
        PRODUCTION: 'true',
        PORTONE_BASE_URL: 'http://127.0.0.1:3101',
        RESULT_PAGE_URL: 'https://shop.test.kr/result',
      }).message,
    ).toContain('PORTONE_BASE_URL: must be https in production');
  });
});
