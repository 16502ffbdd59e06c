import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  IamportMalformedResponseError,
  IamportNotFoundError,
  IamportRefusedError,
  IamportUnavailableError,
  isTransientIamportError,
} from '../../../shared/iamport';
import { createMockIamport, envelope, type MockIamport, paymentJson, rejectionOf } from './mockIamport';

const notFoundMessage = '존재하지 않는 결제정보입니다.';

describe('IamportClient: answers mapped to errors', () => {
  let mock: MockIamport;

  beforeEach(() => {
    mock = createMockIamport({ timeoutMs: 50 });
    mock.replyToken();
  });

  afterEach(async () => {
    await mock.finish();
  });

  const replyPayment = (status: number, data: string | object, headers?: Record<string, string>) =>
    mock.pool.intercept({ path: '/payments/imp_1' }).reply(status, data, { headers });

  it('refuses with Iamport’s code and message on HTTP 200 with code != 0', async () => {
    mock.pool
      .intercept({ path: '/payments/cancel', method: 'POST' })
      .reply(200, envelope(null, 1, '이미 전액취소된 주문입니다.'));

    const error = await rejectionOf(
      mock.client.cancelPayment({ imp_uid: 'imp_1', checksum: 0, reason: 'r' }),
    );

    expect(error).toBeInstanceOf(IamportRefusedError);
    expect(error).toMatchObject({
      iamportCode: 1,
      iamportMessage: '이미 전액취소된 주문입니다.',
      httpStatus: 200,
      message: 'Iamport refused the request (code 1): 이미 전액취소된 주문입니다.',
    });
  });

  it('refuses on HTTP 400 with an envelope (bad parameter)', async () => {
    mock.pool
      .intercept({ path: '/payments/findAll/order_1', query: { page: '1' } })
      .reply(400, envelope(null, -1, '지원되지 않는 상태값입니다.'));

    const error = await rejectionOf(mock.client.findAllPayments('order_1', { page: 1 }));

    expect(error).toMatchObject({ name: 'IamportRefusedError', iamportCode: -1, httpStatus: 400 });
  });

  it('keeps a null message on a refusal as an empty string', async () => {
    replyPayment(200, envelope(null, -1, null));

    await expect(mock.client.getPayment('imp_1')).rejects.toMatchObject({ iamportMessage: '' });
  });

  it('maps a 404 envelope to IamportNotFoundError with Iamport’s message', async () => {
    replyPayment(404, envelope(null, -1, notFoundMessage));

    const error = await rejectionOf(mock.client.getPayment('imp_1'));

    expect(error).toBeInstanceOf(IamportNotFoundError);
    expect(error).toMatchObject({ httpStatus: 404, message: `getPayment: ${notFoundMessage}` });
  });

  it('maps a 404 on an unknown prepared amount to IamportNotFoundError', async () => {
    mock.pool
      .intercept({ path: '/payments/prepare/order_1' })
      .reply(404, envelope(null, 1, '사전등록된 결제정보가 존재하지 않습니다.'));

    await expect(mock.client.getPrepared('order_1')).rejects.toBeInstanceOf(IamportNotFoundError);
  });

  it('treats a 404 without an envelope (a proxy, a wrong base URL) as malformed, not as "no payment"', async () => {
    replyPayment(404, '<html>Not Found</html>', { 'content-type': 'text/html' });

    await expect(mock.client.getPayment('imp_1')).rejects.toBeInstanceOf(IamportMalformedResponseError);
  });

  it.each([500, 502, 503, 504, 429, 408])('maps HTTP %i to IamportUnavailableError', async (status) => {
    replyPayment(status, envelope(null, -1, 'busy'));

    const error = await rejectionOf(mock.client.getPayment('imp_1'));

    expect(error).toBeInstanceOf(IamportUnavailableError);
    expect(isTransientIamportError(error)).toBe(true);
    expect(error).toMatchObject({ httpStatus: status });
  });

  it('maps an answer slower than timeoutMs to IamportUnavailableError without waiting for it', async () => {
    mock.pool.intercept({ path: '/payments/imp_1' }).reply(200, envelope(paymentJson())).delay(2000);
    const started = performance.now();

    const error = await rejectionOf(mock.client.getPayment('imp_1'));

    expect(performance.now() - started).toBeLessThan(1000);
    expect(error).toBeInstanceOf(IamportUnavailableError);
    expect(error).toMatchObject({ message: 'getPayment: no complete answer within 50 ms' });
    expect((error as Error).cause).toMatchObject({ name: 'TimeoutError' });
  });

  it('maps a connection error to IamportUnavailableError with the undici error as cause', async () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    mock.pool.intercept({ path: '/payments/imp_1' }).replyWithError(reset);

    const error = await rejectionOf(mock.client.getPayment('imp_1'));

    expect(error).toBeInstanceOf(IamportUnavailableError);
    expect(error).toMatchObject({ message: 'getPayment: connection failed (ECONNRESET)' });
    expect((error as Error).cause).toBe(reset);
  });

  it.each([
    ['a body that is not JSON', 200, 'upstream exploded'],
    ['JSON without an envelope', 200, paymentJson()],
    ['an envelope whose code is a string', 200, { code: '0', message: null, response: paymentJson() }],
    ['code 0 with a null response', 200, envelope(null)],
    ['a payment without amount', 200, envelope(paymentJson({ amount: undefined }))],
    ['a payment whose amount is a string', 200, envelope(paymentJson({ amount: '14000' }))],
    ['a payment without imp_uid', 200, envelope(paymentJson({ imp_uid: undefined }))],
    ['a payment with a fractional paid_at', 200, envelope(paymentJson({ paid_at: 1_700_000_000.5 }))],
    ['HTTP 207 (only the multi-get answers that)', 207, envelope(paymentJson())],
    ['HTTP 400 with code 0', 400, envelope(paymentJson())],
    ['a redirect', 301, ''],
    ['HTTP 403 from a firewall, in HTML', 403, '<html>Forbidden</html>'],
  ])('maps %s to IamportMalformedResponseError', async (_, status, data) => {
    replyPayment(status, data);

    const error = await rejectionOf(mock.client.getPayment('imp_1'));

    expect(error).toBeInstanceOf(IamportMalformedResponseError);
    expect(error).toMatchObject({ httpStatus: status });
  });

  it('names the failing fields of a malformed payment, not their values', async () => {
    replyPayment(200, envelope(paymentJson({ amount: 'fourteen thousand', status: undefined })));

    const error = await rejectionOf(mock.client.getPayment('imp_1'));

    expect((error as Error).message).toBe(
      'getPayment: response does not match the expected shape at amount, status',
    );
  });

  it('maps any other 4xx with an envelope and code != 0 to refused', async () => {
    replyPayment(403, envelope(null, -1, '허용되지 않은 IP입니다.'));

    await expect(mock.client.getPayment('imp_1')).rejects.toMatchObject({
      name: 'IamportRefusedError',
      httpStatus: 403,
      iamportMessage: '허용되지 않은 IP입니다.',
    });
  });
});

describe('IamportClient: a slow token endpoint', () => {
  it('maps a getToken slower than timeoutMs to IamportUnavailableError', async () => {
    const mock = createMockIamport({ timeoutMs: 50 });
    mock.pool
      .intercept({ path: '/users/getToken', method: 'POST' })
      .reply(200, envelope({ access_token: 't', now: 0, expired_at: 1800 }))
      .delay(2000);

    await expect(mock.client.getPayment('imp_1')).rejects.toBeInstanceOf(IamportUnavailableError);
    await mock.finish();
  });
});
