import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  IamportMalformedResponseError,
  IamportRefusedError,
  IamportUnauthorizedError,
} from '../../../shared/iamport';
import {
  createMockIamport,
  envelope,
  type MockIamport,
  paymentJson,
  rejectionOf,
  TOKEN,
} from './mockIamport';

const unauthorized = envelope(null, -1, 'Unauthorized');

describe('IamportClient: access token', () => {
  let mock: MockIamport;

  beforeEach(() => {
    mock = createMockIamport();
  });

  afterEach(async () => {
    await mock.finish();
  });

  function replyPayment(token: string, times = 1) {
    mock.pool
      .intercept({ path: '/payments/imp_1', headers: { authorization: `Bearer ${token}` } })
      .reply(200, envelope(paymentJson({ imp_uid: 'imp_1' })))
      .times(times);
  }

  it('fetches the token once for 100 concurrent calls and sends it as a Bearer token', async () => {
    mock.replyToken();
    replyPayment(TOKEN, 100);

    const payments = await Promise.all(Array.from({ length: 100 }, () => mock.client.getPayment('imp_1')));

    expect(payments).toHaveLength(100);
    expect(mock.tokenRequests()).toBe(1);
  });

  it('returns the cached token from getToken until it nears expiry', async () => {
    mock.replyToken({ token: 'first', lifetimeSeconds: 1800 });
    mock.replyToken({ token: 'second', lifetimeSeconds: 1800 });

    expect(await mock.client.getToken()).toBe('first');
    mock.clock.ms = (1800 - 60) * 1000 - 1;
    expect(await mock.client.getToken()).toBe('first');
    mock.clock.ms += 1;
    expect(await mock.client.getToken()).toBe('second');
    expect(mock.tokenRequests()).toBe(2);
  });

  it('honours tokenSafetyMarginSeconds and counts the lifetime from the server answer', async () => {
    await mock.finish();
    mock = createMockIamport({ tokenSafetyMarginSeconds: 10 });
    mock.replyToken({ token: 'first', serverNow: 100, lifetimeSeconds: 70 });
    mock.replyToken({ token: 'second' });
    mock.clock.ms = 1_000_000;

    await mock.client.getToken();
    mock.clock.ms += 59_999;
    expect(await mock.client.getToken()).toBe('first');
    mock.clock.ms += 1;
    expect(await mock.client.getToken()).toBe('second');
  });

  it('uses the new token for calls after expiry', async () => {
    mock.replyToken({ token: 'old' });
    replyPayment('old');
    mock.replyToken({ token: 'new' });
    replyPayment('new');

    await mock.client.getPayment('imp_1');
    mock.clock.ms += 1800 * 1000;
    await mock.client.getPayment('imp_1');

    expect(mock.tokenRequests()).toBe(2);
  });

  it('refreshes the token once and retries once when a call gets 401', async () => {
    mock.replyToken({ token: 'revoked' });
    mock.pool
      .intercept({ path: '/payments/imp_1', headers: { authorization: 'Bearer revoked' } })
      .reply(401, unauthorized);
    mock.replyToken({ token: 'fresh' });
    replyPayment('fresh');

    const payment = await mock.client.getPayment('imp_1');

    expect(payment.imp_uid).toBe('imp_1');
    expect(mock.tokenRequests()).toBe(2);
  });

  it('gives up with IamportUnauthorizedError on a second 401', async () => {
    mock.replyToken({ token: 't1' });
    mock.replyToken({ token: 't2' });
    mock.pool.intercept({ path: '/payments/imp_1' }).reply(401, unauthorized).times(2);

    const error = await rejectionOf(mock.client.getPayment('imp_1'));

    expect(error).toBeInstanceOf(IamportUnauthorizedError);
    expect(error).toMatchObject({ httpStatus: 401, code: 'IAMPORT_UNAUTHORIZED' });
    expect(mock.tokenRequests()).toBe(2);
  });

  it('retries a 401 on cancel as well: Iamport did nothing with the refused request', async () => {
    mock.replyToken({ token: 't1' });
    mock.pool.intercept({ path: '/payments/cancel', method: 'POST' }).reply(401, unauthorized);
    mock.replyToken({ token: 't2' });
    mock.pool
      .intercept({ path: '/payments/cancel', method: 'POST', headers: { authorization: 'Bearer t2' } })
      .reply(200, envelope(paymentJson({ status: 'cancelled', cancel_amount: 14000 })));

    const payment = await mock.client.cancelPayment({
      imp_uid: 'imp_448280090638',
      checksum: 14000,
      reason: 'r',
    });

    expect(payment.cancel_amount).toBe(14000);
  });

  it('rejects bad keys with IamportUnauthorizedError and does not cache the failure', async () => {
    mock.pool.intercept({ path: '/users/getToken', method: 'POST' }).reply(401, unauthorized);
    mock.replyToken();

    await expect(mock.client.getToken()).rejects.toBeInstanceOf(IamportUnauthorizedError);
    expect(await mock.client.getToken()).toBe(TOKEN);
  });

  it('does not retry a call whose token refresh itself gets 401', async () => {
    mock.replyToken({ token: 't1' });
    mock.pool.intercept({ path: '/payments/imp_1' }).reply(401, unauthorized);
    mock.pool.intercept({ path: '/users/getToken', method: 'POST' }).reply(401, unauthorized);

    await expect(mock.client.getPayment('imp_1')).rejects.toBeInstanceOf(IamportUnauthorizedError);
  });

  it('reports missing keys (HTTP 200, code != 0) as refused with Iamport’s message', async () => {
    const message = 'imp_key, imp_secret 파라메터가 누락되었습니다.';
    mock.pool.intercept({ path: '/users/getToken', method: 'POST' }).reply(200, envelope(null, -1, message));

    const error = await rejectionOf(mock.client.getToken());

    expect(error).toBeInstanceOf(IamportRefusedError);
    expect(error).toMatchObject({ iamportCode: -1, iamportMessage: message });
  });

  it.each([
    ['no expired_at', { access_token: TOKEN, now: 1 }],
    ['an empty token', { access_token: '', now: 1, expired_at: 1801 }],
    ['seconds as strings', { access_token: TOKEN, now: '1', expired_at: '1801' }],
    ['an expiry before now', { access_token: TOKEN, now: 1801, expired_at: 1 }],
  ])('treats a token answer with %s as malformed', async (_, response) => {
    mock.pool.intercept({ path: '/users/getToken', method: 'POST' }).reply(200, envelope(response));

    await expect(mock.client.getToken()).rejects.toBeInstanceOf(IamportMalformedResponseError);
  });
});
