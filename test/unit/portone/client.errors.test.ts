import { describe, expect, it } from 'vitest';
import {
  isTransientPortOneError,
  PortOneError,
  PortOneInvalidRequestError,
  PortOneMalformedResponseError,
  PortOneNotFoundError,
  PortOneRefusedError,
  PortOneUnauthorizedError,
  PortOneUnavailableError,
} from '../../../shared/portone';
import {
  cancellationJson,
  errorJson,
  IDEMPOTENCY_KEY,
  paymentJson,
  rejectionOf,
  useMockPortOne,
} from './mockPortOne';

const cancel = {
  paymentId: 'p1',
  reason: 'r',
  currentCancellableAmount: 14000,
  idempotencyKey: IDEMPOTENCY_KEY,
};

describe('PortOneClient: answers mapped to errors', () => {
  const rig = useMockPortOne({ timeoutMs: 50 });

  const replyPayment = (status: number, data: string | object, headers?: Record<string, string>) =>
    rig.mock.pool.intercept({ path: '/payments/p1' }).reply(status, data, { headers });
  const replyCancel = (status: number, data: string | object) =>
    rig.mock.pool.intercept({ path: '/payments/p1/cancel', method: 'POST' }).reply(status, data);

  it('maps 404 PAYMENT_NOT_FOUND to PortOneNotFoundError with PortOne’s message', async () => {
    replyPayment(404, errorJson('PAYMENT_NOT_FOUND', '결제 건이 존재하지 않습니다.'));

    const error = await rejectionOf(rig.mock.client.getPayment('p1'));

    expect(error).toBeInstanceOf(PortOneNotFoundError);
    expect(error).toMatchObject({
      httpStatus: 404,
      portOneType: 'PAYMENT_NOT_FOUND',
      message: 'getPayment: 결제 건이 존재하지 않습니다.',
    });
    expect(isTransientPortOneError(error)).toBe(false);
  });

  it('maps a 404 without a typed body (a proxy, a wrong base URL) to malformed, not to "no payment"', async () => {
    replyPayment(404, '<html>Not Found</html>', { 'content-type': 'text/html' });

    await expect(rig.mock.client.getPayment('p1')).rejects.toBeInstanceOf(PortOneMalformedResponseError);
  });

  it('maps a 404 of another type to a refusal carrying it', async () => {
    replyPayment(404, errorJson('STORE_NOT_FOUND'));

    await expect(rig.mock.client.getPayment('p1')).rejects.toMatchObject({
      name: 'PortOneRefusedError',
      portOneType: 'STORE_NOT_FOUND',
    });
  });

  it.each([
    [401, 'UNAUTHORIZED'],
    [403, 'FORBIDDEN'],
  ])('maps HTTP %i to PortOneUnauthorizedError, not transient', async (status, type) => {
    replyPayment(status, errorJson(type));

    const error = await rejectionOf(rig.mock.client.getPayment('p1'));

    expect(error).toBeInstanceOf(PortOneUnauthorizedError);
    expect(error).toMatchObject({
      httpStatus: status,
      portOneType: type,
      message: `getPayment: PortOne refused the API secret (HTTP ${status})`,
    });
    expect(isTransientPortOneError(error)).toBe(false);
  });

  it('maps 401 to unauthorized even without a body', async () => {
    replyPayment(401, '');

    await expect(rig.mock.client.getPayment('p1')).rejects.toBeInstanceOf(PortOneUnauthorizedError);
  });

  it.each([
    [409, 'ALREADY_PAID', 'preRegister'],
    [409, 'CANCELLABLE_AMOUNT_CONSISTENCY_BROKEN', 'cancel'],
    [409, 'PAYMENT_ALREADY_CANCELLED', 'cancel'],
    [409, 'CANCEL_AMOUNT_EXCEEDS_CANCELLABLE_AMOUNT', 'cancel'],
    [409, 'PAYMENT_NOT_PAID', 'cancel'],
    [400, 'INVALID_REQUEST', 'cancel'],
  ])('maps HTTP %i %s to PortOneRefusedError, not transient', async (status, type, call) => {
    if (call === 'cancel') replyCancel(status, errorJson(type, '거절'));
    else
      rig.mock.pool
        .intercept({ path: '/payments/p1/pre-register', method: 'POST' })
        .reply(status, errorJson(type, '거절'));

    const error = await rejectionOf(
      call === 'cancel'
        ? rig.mock.client.cancelPayment(cancel)
        : rig.mock.client.preRegisterPayment({ paymentId: 'p1', totalAmount: 1000, currency: 'KRW' }),
    );

    expect(error).toBeInstanceOf(PortOneRefusedError);
    expect(error).toMatchObject({
      httpStatus: status,
      portOneType: type,
      portOneMessage: '거절',
      message: `PortOne refused the request (${type}): 거절`,
    });
    expect(isTransientPortOneError(error)).toBe(false);
  });

  it('maps 409 IDEMPOTENCY_OUTSTANDING_REQUEST to a refusal that is transient: the first one still runs', async () => {
    replyCancel(409, errorJson('IDEMPOTENCY_OUTSTANDING_REQUEST'));

    const error = await rejectionOf(rig.mock.client.cancelPayment(cancel));

    expect(error).toBeInstanceOf(PortOneRefusedError);
    expect(isTransientPortOneError(error)).toBe(true);
  });

  it('keeps a missing message on a refusal as an empty string', async () => {
    replyCancel(409, { type: 'PAYMENT_NOT_PAID' });

    await expect(rig.mock.client.cancelPayment(cancel)).rejects.toMatchObject({ portOneMessage: '' });
  });

  it.each([500, 502, 503, 504, 429, 408])(
    'maps HTTP %i to PortOneUnavailableError, transient',
    async (status) => {
      replyPayment(status, errorJson('PG_PROVIDER', 'PG사에서 오류가 발생했습니다.'));

      const error = await rejectionOf(rig.mock.client.getPayment('p1'));

      expect(error).toBeInstanceOf(PortOneUnavailableError);
      expect(isTransientPortOneError(error)).toBe(true);
      expect(error).toMatchObject({
        httpStatus: status,
        portOneType: 'PG_PROVIDER',
        message: `getPayment: PortOne answered HTTP ${status}`,
      });
    },
  );

  it('maps a 5xx page without a body to unavailable with no type', async () => {
    replyPayment(503, '<html>Service Unavailable</html>');

    await expect(rig.mock.client.getPayment('p1')).rejects.toMatchObject({
      name: 'PortOneUnavailableError',
      portOneType: undefined,
    });
  });

  it('maps an answer slower than timeoutMs to PortOneUnavailableError without waiting for it', async () => {
    replyPayment(200, paymentJson()).delay(2000);
    const started = performance.now();

    const error = await rejectionOf(rig.mock.client.getPayment('p1'));

    expect(performance.now() - started).toBeLessThan(1000);
    expect(error).toBeInstanceOf(PortOneUnavailableError);
    expect(error).toMatchObject({ message: 'getPayment: no complete answer within 50 ms' });
    expect((error as Error).cause).toMatchObject({ name: 'TimeoutError' });
  });

  it('maps a cancel that times out to unavailable: retried later with the same key', async () => {
    replyCancel(200, { cancellation: cancellationJson() }).delay(2000);

    const error = await rejectionOf(rig.mock.client.cancelPayment(cancel));

    expect(isTransientPortOneError(error)).toBe(true);
  });

  it('maps a connection error to PortOneUnavailableError with the undici error as cause', async () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    rig.mock.pool.intercept({ path: '/payments/p1' }).replyWithError(reset);

    const error = await rejectionOf(rig.mock.client.getPayment('p1'));

    expect(error).toBeInstanceOf(PortOneUnavailableError);
    expect(error).toMatchObject({ message: 'getPayment: connection failed (ECONNRESET)' });
    expect((error as Error).cause).toBe(reset);
  });

  it.each([
    ['a body that is not JSON', 200, 'upstream exploded'],
    ['an empty body', 200, ''],
    ['JSON null', 200, 'null'],
    ['a payment without amount', 200, paymentJson({ amount: undefined })],
    [
      'a payment whose total is a string',
      200,
      paymentJson({ amount: { total: '14000', paid: 14000, cancelled: 0 } }),
    ],
    ['a fractional paid amount', 200, paymentJson({ amount: { total: 14000, paid: 13999.5, cancelled: 0 } })],
    [
      'a negative cancelled amount',
      200,
      paymentJson({ amount: { total: 14000, paid: 14000, cancelled: -1 } }),
    ],
    ['a payment without id', 200, paymentJson({ id: undefined })],
    ['a payment without transactionId', 200, paymentJson({ transactionId: '' })],
    ['a payment without status', 200, paymentJson({ status: undefined })],
    ['a PAID payment without channel', 200, paymentJson({ channel: undefined })],
    ['a PAID payment without paidAt', 200, paymentJson({ paidAt: undefined })],
    ['a PAY_PENDING payment without channel', 200, paymentJson({ status: 'PAY_PENDING', channel: null })],
    ['a CANCELLED payment without channel', 200, paymentJson({ status: 'CANCELLED', channel: undefined })],
    ['a paidAt that is not a timestamp', 200, paymentJson({ paidAt: 'yesterday' })],
    ['a paidAt without an offset', 200, paymentJson({ paidAt: '2026-11-30T08:00:31' })],
    [
      'a cancellation without totalAmount',
      200,
      paymentJson({ cancellations: [{ id: 'c', status: 'SUCCEEDED' }] }),
    ],
    ['customData that is an object', 200, paymentJson({ customData: { a: 1 } })],
    [
      'a virtual account without its account number',
      200,
      paymentJson({ method: { type: 'PaymentMethodVirtualAccount', bank: 'KOOKMIN' } }),
    ],
    ['HTTP 201', 201, paymentJson()],
    ['HTTP 204', 204, ''],
    ['a redirect', 301, ''],
    ['HTTP 400 without a typed body', 400, { message: 'bad' }],
    ['HTTP 409 in HTML', 409, '<html>Conflict</html>'],
  ])('maps %s to PortOneMalformedResponseError', async (_, status, data) => {
    replyPayment(status, data);

    const error = await rejectionOf(rig.mock.client.getPayment('p1'));

    expect(error).toBeInstanceOf(PortOneMalformedResponseError);
    expect(error).toMatchObject({ httpStatus: status });
    expect(isTransientPortOneError(error)).toBe(false);
  });

  it.each([
    ['no cancellation', {}],
    ['a cancellation without status', { cancellation: cancellationJson({ status: undefined }) }],
    ['a fractional cancelled amount', { cancellation: cancellationJson({ totalAmount: 10.5 }) }],
  ])('maps a cancel answer with %s to malformed', async (_, data) => {
    replyCancel(200, data);

    await expect(rig.mock.client.cancelPayment(cancel)).rejects.toBeInstanceOf(PortOneMalformedResponseError);
  });

  it.each([
    [404, '<html>Not Found</html>', 'getPayment: unexpected HTTP 404 without a JSON {type, message} body'],
    [201, paymentJson(), 'getPayment: unexpected HTTP 201'],
    [200, '{"status":', 'getPayment: the answer is not JSON'],
  ])('says what was wrong with a malformed HTTP %i', async (status, data, message) => {
    replyPayment(status, data);

    await expect(rig.mock.client.getPayment('p1')).rejects.toMatchObject({ message });
  });

  it('names the failing fields of a malformed payment, not their values', async () => {
    replyPayment(200, paymentJson({ amount: { total: 'fourteen thousand', paid: 1, cancelled: 0 }, id: 7 }));

    const error = await rejectionOf(rig.mock.client.getPayment('p1'));

    expect((error as Error).message).toBe(
      'getPayment: the answer does not match the expected shape at id, amount.total',
    );
  });

  it('makes every error a PortOneError with a stable code', async () => {
    replyPayment(404, errorJson('PAYMENT_NOT_FOUND'));
    const invalid = await rejectionOf(rig.mock.client.getPayment(''));
    const notFound = await rejectionOf(rig.mock.client.getPayment('p1'));

    expect(invalid).toBeInstanceOf(PortOneInvalidRequestError);
    expect(invalid).toBeInstanceOf(PortOneError);
    expect(invalid).toMatchObject({ code: 'PORTONE_INVALID_REQUEST', httpStatus: undefined });
    expect(notFound).toMatchObject({ code: 'PORTONE_NOT_FOUND', name: 'PortOneNotFoundError' });
    // The class names itself as a string, so the name survives minification and heads the stack.
    expect((notFound as Error).stack?.startsWith('PortOneNotFoundError: ')).toBe(true);
  });
});
