import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createIamportClient, IamportError } from '../../../shared/iamport';
import {
  API_KEY,
  API_SECRET,
  createMockIamport,
  envelope,
  type MockIamport,
  ORIGIN,
  paymentJson,
  rejectionOf,
  TOKEN,
} from './mockIamport';

/** Everything a logger could print: message, stack, own fields and the whole cause chain. */
function serialize(value: unknown): string {
  const parts = [inspect(value, { depth: 8, showHidden: true })];
  for (let current = value, depth = 0; current instanceof Error && depth < 8; depth++) {
    parts.push(current.message, current.stack ?? '', JSON.stringify(current));
    current = current.cause;
  }
  return parts.join('\n');
}

/** V8 quotes the first characters of bad JSON in its SyntaxError, so a prefix counts as a leak too. */
function expectNoSecret(value: unknown) {
  const text = serialize(value);
  for (const secret of [API_KEY, API_SECRET, TOKEN]) expect(text).not.toContain(secret.slice(0, 10));
}

type Scenario = (mock: MockIamport) => Promise<unknown>;

const scenarios: Record<string, Scenario> = {
  'bad keys on getToken': async (mock) => {
    mock.pool
      .intercept({ path: '/users/getToken', method: 'POST' })
      .reply(401, envelope(null, -1, 'Unauthorized'));
    return mock.client.getToken();
  },
  'a token answer that is broken JSON right after the token': async (mock) => {
    const body = `{"code":0,"message":null,"response":{"access_token":"${TOKEN}","now":1,"expired_at":1801}}}`;
    mock.pool.intercept({ path: '/users/getToken', method: 'POST' }).reply(200, body);
    return mock.client.getToken();
  },
  'a token answer in plain text that starts with the token': async (mock) => {
    mock.pool.intercept({ path: '/users/getToken', method: 'POST' }).reply(200, `${TOKEN} issued`);
    return mock.client.getToken();
  },
  'a token answer that fails the schema': async (mock) => {
    mock.pool
      .intercept({ path: '/users/getToken', method: 'POST' })
      .reply(200, envelope({ access_token: TOKEN, now: 'soon', expired_at: null }));
    return mock.client.getToken();
  },
  'two 401s on a call': async (mock) => {
    mock.replyToken();
    mock.replyToken();
    mock.pool.intercept({ path: '/payments/imp_1' }).reply(401, `Bearer ${TOKEN} rejected`).times(2);
    return mock.client.getPayment('imp_1');
  },
  'a 5xx echoing the request': async (mock) => {
    mock.replyToken();
    mock.pool
      .intercept({ path: '/payments/imp_1' })
      .reply(502, `authorization: Bearer ${TOKEN}; imp_key=${API_KEY}&imp_secret=${API_SECRET}`);
    return mock.client.getPayment('imp_1');
  },
  'a timeout': async (mock) => {
    mock.replyToken();
    mock.pool.intercept({ path: '/payments/imp_1' }).reply(200, envelope(paymentJson())).delay(1000);
    return mock.client.getPayment('imp_1');
  },
  'a connection error': async (mock) => {
    mock.pool
      .intercept({ path: '/users/getToken', method: 'POST' })
      .replyWithError(new Error('socket hang up'));
    return mock.client.getToken();
  },
  'a refused cancel': async (mock) => {
    mock.replyToken();
    mock.pool
      .intercept({ path: '/payments/cancel', method: 'POST' })
      .reply(200, envelope(null, 1, '취소할 결제건이 존재하지 않습니다.'));
    return mock.client.cancelPayment({ imp_uid: 'imp_1', checksum: 1000, reason: 'r' });
  },
  'a malformed payment carrying the token in a field': async (mock) => {
    mock.replyToken();
    mock.pool
      .intercept({ path: '/payments/imp_1' })
      .reply(200, envelope(paymentJson({ amount: TOKEN, name: 7 })));
    return mock.client.getPayment('imp_1');
  },
};

describe('IamportClient: secrets never leak into errors', () => {
  let mock: MockIamport | undefined;

  afterEach(async () => {
    await mock?.finish();
    mock = undefined;
  });

  it.each(Object.entries(scenarios))('%s', async (_, scenario) => {
    mock = createMockIamport({ timeoutMs: 50 });

    const error = await rejectionOf(scenario(mock));

    expect(error).toBeInstanceOf(IamportError);
    expectNoSecret(error);
  });

  it('does not show the keys or a cached token when the client itself is printed', async () => {
    mock = createMockIamport();
    mock.replyToken();
    await mock.client.getToken();

    expectNoSecret(mock.client);
  });

  it('names the bad option, not the values, when the options are invalid', () => {
    let thrown: unknown;
    try {
      createIamportClient({ baseUrl: ORIGIN, apiKey: API_KEY, apiSecret: API_SECRET, timeoutMs: -1 });
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(TypeError);
    expect((thrown as Error).message).toBe('createIamportClient: timeoutMs must be a positive integer');
    expectNoSecret(thrown);
  });
});
