import { MockAgent } from 'undici';
import { afterEach, beforeEach } from 'vitest';
import { createPortOneClient, type PortOneClient, type PortOneClientOptions } from '../../../shared/portone';

/** An origin nothing resolves: with net connect disabled, any unmocked request fails loudly. */
export const ORIGIN = 'https://api.portone.test';
export const SECRET = 'unit-v2-secret-Hq7Xb2LmP9sTz4Wc8Nv1Rk6Dy3Fg';
export const STORE_ID = 'store-4c1f9e2a-0b7d-4e38-9a55-1d2c3b4a5f60';
export const IDEMPOTENCY_KEY = 'cancel-v1-0123456789abcdef0123456789abcdef';

/** A paid card payment as PortOne sends it (raw JSON, before our schema), with buyer data we must drop. */
export function paymentJson(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    status: 'PAID',
    id: 'payment-order-1001',
    transactionId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
    merchantId: 'merchant-1a2b3c',
    storeId: STORE_ID,
    method: { type: 'PaymentMethodCard', card: { number: '53275000****0000' } },
    channel: {
      type: 'LIVE',
      id: 'channel-id-1',
      key: 'channel-key-1',
      pgProvider: 'TOSSPAYMENTS',
      pgMerchantId: 'm1',
    },
    version: 'V2',
    requestedAt: '2026-11-30T08:00:00Z',
    updatedAt: '2026-11-30T08:00:31Z',
    statusChangedAt: '2026-11-30T08:00:31Z',
    orderName: '주문명:결제테스트',
    amount: {
      total: 14000,
      taxFree: 0,
      vat: 1273,
      supply: 12727,
      discount: 0,
      paid: 14000,
      cancelled: 0,
      cancelledTaxFree: 0,
    },
    currency: 'KRW',
    customer: { name: { full: '구매자이름' }, phoneNumber: '010-1234-5678', email: 'buyer@example.com' },
    paidAt: '2026-11-30T08:00:31.123456+09:00',
    disputes: [],
    cancellations: [],
    ...overrides,
  };
}

/** A virtual account issued and waiting for the deposit. */
export function virtualAccountJson(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const {
    paidAt: _paidAt,
    cancellations: _cancellations,
    ...rest
  } = paymentJson({
    status: 'VIRTUAL_ACCOUNT_ISSUED',
    method: {
      type: 'PaymentMethodVirtualAccount',
      bank: 'KOOKMIN',
      accountNumber: '12345678901234',
      accountType: 'NORMAL',
      remitteeName: '(주)테스트상점',
      expiredAt: '2026-12-07T23:59:59+09:00',
      issuedAt: '2026-11-30T08:00:31+09:00',
    },
    amount: { total: 14000, taxFree: 0, discount: 0, paid: 0, cancelled: 0, cancelledTaxFree: 0 },
    ...overrides,
  });
  return rest;
}

/** A cancellation as PortOne sends it in `{cancellation}` and in `cancellations[]`. */
export function cancellationJson(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    status: 'SUCCEEDED',
    id: 'cancellation-01',
    pgCancellationId: 'pg-c-1',
    totalAmount: 14000,
    taxFreeAmount: 0,
    vatAmount: 1273,
    reason: '금액 위변조',
    cancelledAt: '2026-11-30T08:05:00Z',
    requestedAt: '2026-11-30T08:04:59Z',
    trigger: 'API',
    ...overrides,
  };
}

/** PortOne's error body. */
export function errorJson(type: string, message = `${type} message`) {
  return { type, message };
}

/** What a request looked like on the wire, for exact assertions. */
export interface SeenRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** A unit-test rig: a MockAgent-backed client. */
export interface MockPortOne {
  agent: MockAgent;
  pool: ReturnType<MockAgent['get']>;
  client: PortOneClient;
  /** Answers the next request (any method and path) with `status` and `data`, and records it. */
  replyAny(status: number, data: unknown): SeenRequest[];
  /** Asserts every interceptor was used, then closes client and agent. */
  finish(): Promise<void>;
}

function lowerCased(headers: unknown): Record<string, string> {
  const entries =
    headers instanceof Headers
      ? [...headers.entries()]
      : Array.isArray(headers)
        ? pairs(headers)
        : Object.entries((headers ?? {}) as Record<string, string>);
  return Object.fromEntries(entries.map(([name, value]) => [name.toLowerCase(), String(value)]));
}

function pairs(flat: readonly unknown[]): [string, string][] {
  const result: [string, string][] = [];
  for (let index = 0; index + 1 < flat.length; index += 2)
    result.push([String(flat[index]), String(flat[index + 1])]);
  return result;
}

export function createMockPortOne(overrides: Partial<PortOneClientOptions> = {}): MockPortOne {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const pool = agent.get(ORIGIN);
  const client = createPortOneClient({ baseUrl: ORIGIN, secret: SECRET, dispatcher: agent, ...overrides });
  return {
    agent,
    pool,
    client,
    replyAny(status, data) {
      const seen: SeenRequest[] = [];
      pool.intercept({ path: () => true, method: () => true }).reply((options) => {
        seen.push({
          method: options.method,
          path: options.path,
          headers: lowerCased(options.headers),
          body: typeof options.body === 'string' ? options.body : undefined,
        });
        return { statusCode: status, data: typeof data === 'string' ? data : JSON.stringify(data) };
      });
      return seen;
    },
    async finish() {
      const unused = agent.pendingInterceptors();
      await Promise.all([client.close(), agent.close()]);
      if (unused.length > 0) throw new Error(`${unused.length} interceptor(s) never used`);
    },
  };
}

/** A fresh rig for each test of the enclosing `describe`, checked and closed after it. */
export interface MockPortOneRig {
  /** The current test's rig. */
  readonly mock: MockPortOne;
  /** Replaces the current test's rig with one built with other options. */
  reset(overrides: Partial<PortOneClientOptions>): Promise<MockPortOne>;
}

export function useMockPortOne(overrides: Partial<PortOneClientOptions> = {}): MockPortOneRig {
  let current: MockPortOne | undefined;
  beforeEach(() => {
    current = createMockPortOne(overrides);
  });
  afterEach(async () => {
    const done = current;
    current = undefined;
    await done?.finish();
  });
  return {
    get mock() {
      if (current === undefined) throw new Error('useMockPortOne: no test is running');
      return current;
    },
    async reset(other) {
      await current?.finish();
      current = createMockPortOne({ ...overrides, ...other });
      return current;
    },
  };
}

export { rejectionOf } from '../iamport/mockIamport';
