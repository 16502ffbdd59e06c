import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createPortOneClient, PortOneError } from '../../../shared/portone';
import {
  cancellationJson,
  createMockPortOne,
  errorJson,
  IDEMPOTENCY_KEY,
  type MockPortOne,
  ORIGIN,
  paymentJson,
  rejectionOf,
  SECRET,
} from './mockPortOne';

/**
 * Everything a logger could print: `inspect` with hidden fields shows the message, the stack, every own
 * field and the `cause` chain; JSON shows what a structured logger would write. V8 quotes the first
 * characters of bad JSON in its SyntaxError, so a prefix of the secret counts as a leak too.
 */
function expectNoSecret(value: unknown) {
  const printed = `${inspect(value, { depth: 10, showHidden: true })}\n${JSON.stringify(value)}`;
  expect(printed).not.toContain(SECRET.slice(0, 10));
}

const cancel = {
  paymentId: 'p1',
  reason: 'r',
  currentCancellableAmount: 1000,
  idempotencyKey: IDEMPOTENCY_KEY,
};

type Scenario = (mock: MockPortOne) => Promise<unknown>;

const scenarios: Record<string, Scenario> = {
  'a 401 echoing the authorization header': async (mock) => {
    mock.replyAny(401, errorJson('UNAUTHORIZED', `Authorization: PortOne ${SECRET} is not valid`));
    return mock.client.getPayment('p1');
  },
  'a 403 echoing it': async (mock) => {
    mock.replyAny(403, errorJson('FORBIDDEN', `secret ${SECRET} may not read this store`));
    return mock.client.getPayment('p1');
  },
  'a 5xx page echoing the request': async (mock) => {
    mock.replyAny(502, `authorization: PortOne ${SECRET}`);
    return mock.client.getPayment('p1');
  },
  'a 5xx typed body echoing it': async (mock) => {
    mock.replyAny(500, errorJson('INTERNAL', `PortOne ${SECRET}`));
    return mock.client.cancelPayment(cancel);
  },
  'an answer that is broken JSON starting with the secret': async (mock) => {
    mock.replyAny(200, `{"id":"${SECRET}",,}`);
    return mock.client.getPayment('p1');
  },
  'an answer in plain text that starts with the secret': async (mock) => {
    mock.replyAny(200, `${SECRET} ok`);
    return mock.client.getPayment('p1');
  },
  'a malformed payment carrying the secret in a field': async (mock) => {
    mock.replyAny(200, paymentJson({ amount: SECRET, status: 7 }));
    return mock.client.getPayment('p1');
  },
  'a malformed cancellation carrying it': async (mock) => {
    mock.replyAny(200, { cancellation: cancellationJson({ totalAmount: SECRET }) });
    return mock.client.cancelPayment(cancel);
  },
  'a 404 without a typed body echoing it': async (mock) => {
    mock.replyAny(404, `<html>${SECRET}</html>`);
    return mock.client.getPayment('p1');
  },
  'a timeout': async (mock) => {
    mock.pool.intercept({ path: '/payments/p1' }).reply(200, paymentJson()).delay(1000);
    return mock.client.getPayment('p1');
  },
  'a connection error': async (mock) => {
    mock.pool.intercept({ path: '/payments/p1' }).replyWithError(new Error('socket hang up'));
    return mock.client.getPayment('p1');
  },
  'a request refused before sending': async (mock) =>
    mock.client.cancelPayment({ ...cancel, amount: Number.NaN }),
};

describe('PortOneClient: the secret never leaks into errors', () => {
  let mock: MockPortOne | undefined;

  afterEach(async () => {
    await mock?.finish();
    mock = undefined;
  });

  it.each(Object.entries(scenarios))('%s', async (_, scenario) => {
    mock = createMockPortOne({ timeoutMs: 50 });

    const error = await rejectionOf(scenario(mock));

    expect(error).toBeInstanceOf(PortOneError);
    expectNoSecret(error);
  });

  it('does not show the secret when the client itself is printed', async () => {
    mock = createMockPortOne();
    mock.replyAny(200, paymentJson());
    await mock.client.getPayment('p1');

    expectNoSecret(mock.client);
    expect(JSON.stringify(mock.client)).not.toContain(SECRET.slice(0, 10));
  });

  it.each([
    [{ timeoutMs: -1 }, 'timeoutMs must be a positive integer'],
    [{ timeoutMs: 1.5 }, 'timeoutMs must be a positive integer'],
    [{ baseUrl: 'api.portone.io' }, 'baseUrl must be an absolute URL'],
    [{ baseUrl: 'ftp://api.portone.io' }, 'baseUrl must be an http(s) URL'],
    [
      { baseUrl: `https://user:${SECRET}@api.portone.io` },
      'baseUrl must not carry a query, a fragment or credentials',
    ],
    [{ baseUrl: 'https://api.portone.io?x=1' }, 'baseUrl must not carry a query, a fragment or credentials'],
    [{ secret: '' }, 'secret must be a non-empty string of visible ASCII characters'],
    [{ secret: `${SECRET}\r\nx-evil: 1` }, 'secret must be a non-empty string of visible ASCII characters'],
    [{ secret: ` ${SECRET}` }, 'secret must be a non-empty string of visible ASCII characters'],
    [{ storeId: '' }, 'storeId must be a non-empty id without surrounding whitespace or control characters'],
    [
      { storeId: 'store-1 ' },
      'storeId must be a non-empty id without surrounding whitespace or control characters',
    ],
  ])('refuses the options %j, naming the option, not the values', (change, message) => {
    let thrown: unknown;
    try {
      createPortOneClient({ baseUrl: ORIGIN, secret: SECRET, ...change });
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(TypeError);
    expect((thrown as Error).message).toBe(`createPortOneClient: ${message}`);
    expectNoSecret(thrown);
  });
});
