import { MockAgent } from 'undici';
import { createIamportClient, type IamportClient, type IamportClientOptions } from '../../../shared/iamport';

/** An origin nothing resolves: with net connect disabled, any unmocked request fails loudly. */
export const ORIGIN = 'https://api.iamport.test';
export const API_KEY = 'unit-api-key-3f9c2a';
export const API_SECRET = 'unit-api-secret-Zq8rT0pL5mXw2nB7vK4cH1sD6';
export const TOKEN = 'a9ace025c90c0da2161075da6ddd3492a2fca776';

/** Iamport's `{code, message, response}` wrapper. */
export function envelope(response: unknown, code = 0, message: string | null = null) {
  return { code, message, response };
}

/** A payment as Iamport sends it (raw JSON, before our schema), with buyer data we must drop. */
export function paymentJson(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    imp_uid: 'imp_448280090638',
    merchant_uid: 'order_1001',
    amount: 14000,
    cancel_amount: 0,
    currency: 'KRW',
    status: 'paid',
    sandbox: false,
    pay_method: 'card',
    channel: 'pc',
    pg_provider: 'uplus',
    name: '주문명:결제테스트',
    started_at: 1_700_000_000,
    paid_at: 1_700_000_030,
    failed_at: 0,
    cancelled_at: 0,
    buyer_name: '구매자이름',
    buyer_tel: '010-1234-5678',
    custom_data: null,
    cancel_history: [],
    ...overrides,
  };
}

export interface TokenReply {
  token?: string;
  /** Server `now` in seconds; deliberately nowhere near our clock. */
  serverNow?: number;
  lifetimeSeconds?: number;
}

/** A unit-test rig: a MockAgent-backed client, a movable clock and a getToken counter. */
export interface MockIamport {
  agent: MockAgent;
  pool: ReturnType<MockAgent['get']>;
  client: IamportClient;
  /** Our monotonic clock as the client sees it, in ms. */
  clock: { ms: number };
  /** How many `POST /users/getToken` requests reached the mock. */
  tokenRequests(): number;
  /** Answers the next getToken (with our keys, as JSON) with a token. */
  replyToken(reply?: TokenReply): void;
  /** Asserts every interceptor was used, then closes client and agent. */
  finish(): Promise<void>;
}

export function createMockIamport(overrides: Partial<IamportClientOptions> = {}): MockIamport {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const pool = agent.get(ORIGIN);
  const clock = { ms: 0 };
  let tokenCount = 0;
  const client = createIamportClient({
    baseUrl: ORIGIN,
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    dispatcher: agent,
    now: () => clock.ms,
    ...overrides,
  });
  return {
    agent,
    pool,
    client,
    clock,
    tokenRequests: () => tokenCount,
    replyToken({ token = TOKEN, serverNow = 1_512_446_940, lifetimeSeconds = 1800 } = {}) {
      pool
        .intercept({
          path: '/users/getToken',
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ imp_key: API_KEY, imp_secret: API_SECRET }),
        })
        .reply(() => {
          tokenCount += 1;
          return {
            statusCode: 200,
            data: envelope({ access_token: token, now: serverNow, expired_at: serverNow + lifetimeSeconds }),
          };
        });
    },
    async finish() {
      try {
        agent.assertNoPendingInterceptors();
      } finally {
        await client.close();
        await agent.close();
      }
    },
  };
}

/** Awaits a promise that must reject and returns the reason, so tests can assert on all of it. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}
