import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CancelPaymentRequest, IamportInvalidRequestError } from '../../../shared/iamport';
import {
  createMockIamport,
  envelope,
  type MockIamport,
  ORIGIN,
  paymentJson,
  rejectionOf,
  TOKEN,
} from './mockIamport';

const bearer = { authorization: `Bearer ${TOKEN}` };

describe('IamportClient: requests', () => {
  let mock: MockIamport;

  beforeEach(() => {
    mock = createMockIamport();
  });

  afterEach(async () => {
    await mock.finish();
  });

  /** Answers the next API call, whatever its path, and records the raw path so tests compare exact bytes. */
  function replyAnyPath(data: object) {
    const seen: string[] = [];
    mock.pool.intercept({ path: (path) => path !== '/users/getToken', headers: bearer }).reply(({ path }) => {
      seen.push(path);
      return { statusCode: 200, data: envelope(data) };
    });
    return seen;
  }

  describe('ids as path segments', () => {
    it.each([
      ['../x', '/payments/..%2Fx'],
      ['a/b', '/payments/a%2Fb'],
      ['a?b', '/payments/a%3Fb'],
      ['a#b', '/payments/a%23b'],
      ['a%2Fb', '/payments/a%252Fb'],
      ['주문 1', '/payments/%EC%A3%BC%EB%AC%B8%201'],
    ])('getPayment(%j) requests %s', async (impUid, path) => {
      mock.replyToken();
      const seen = replyAnyPath(paymentJson());

      await mock.client.getPayment(impUid);

      expect(seen).toEqual([path]);
    });

    it('encodes merchant_uid in find, findAll and getPrepared', async () => {
      mock.replyToken();
      const find = replyAnyPath(paymentJson());
      const findAll = replyAnyPath({ total: 0, previous: 0, next: 0, list: [] });
      const prepared = replyAnyPath({ merchant_uid: '../a?b', amount: 1000, currency: 'KRW' });

      await mock.client.findPayment('../a?b', 'paid');
      await mock.client.findAllPayments('../a?b', { status: 'cancelled' });
      await mock.client.getPrepared('../a?b');

      expect([...find, ...findAll, ...prepared]).toEqual([
        '/payments/find/..%2Fa%3Fb/paid',
        '/payments/findAll/..%2Fa%3Fb/cancelled',
        '/payments/prepare/..%2Fa%3Fb',
      ]);
    });

    it('reads a page without `list` as an empty page (the OpenAPI requires only its counts)', async () => {
      mock.replyToken();
      replyAnyPath({ total: 0, previous: 0, next: 0 });

      const page = await mock.client.findAllPayments('order_1', { status: 'paid' });

      expect(page).toEqual({ total: 0, previous: 0, next: 0, list: [] });
    });

    it.each([
      ['', 'getPayment'],
      ['   ', 'getPayment'],
      ['.', 'getPayment'],
      ['..', 'getPayment'],
      ['', 'findPayment'],
      ['..', 'findAllPayments'],
      ['', 'getPrepared'],
    ] as const)('refuses the id %j in %s before any request', async (id, method) => {
      const error = await rejectionOf(mock.client[method](id));

      expect(error).toBeInstanceOf(IamportInvalidRequestError);
      expect(mock.tokenRequests()).toBe(0);
    });
  });

  it('leaves include_sandbox out by default', async () => {
    mock.replyToken();
    const seen = replyAnyPath(paymentJson());

    await mock.client.getPayment('imp_1');

    expect(seen).toEqual(['/payments/imp_1']);
  });

  it('sends include_sandbox=true on getPayment when includeSandbox is set', async () => {
    await mock.finish();
    mock = createMockIamport({ includeSandbox: true });
    mock.replyToken();
    mock.pool
      .intercept({ path: '/payments/imp_1', query: { include_sandbox: 'true' } })
      .reply(200, envelope(paymentJson({ sandbox: true })));

    const payment = await mock.client.getPayment('imp_1');

    expect(payment.sandbox).toBe(true);
  });

  it('finds the latest attempt without a status segment by default', async () => {
    mock.replyToken();
    const seen = replyAnyPath(paymentJson({ status: 'failed' }));

    const payment = await mock.client.findPayment('order_1');

    expect(seen).toEqual(['/payments/find/order_1']);
    expect(payment.status).toBe('failed');
  });

  it('sends findAll page, limit and sorting as query parameters and returns the page', async () => {
    mock.replyToken();
    mock.pool
      .intercept({
        path: '/payments/findAll/order_1/paid',
        query: { page: '2', limit: '50', sorting: '-paid' },
      })
      .reply(200, envelope({ total: 51, previous: 1, next: 0, list: [paymentJson()] }));

    const page = await mock.client.findAllPayments('order_1', {
      status: 'paid',
      page: 2,
      limit: 50,
      sorting: '-paid',
    });

    expect(page).toMatchObject({ total: 51, previous: 1, next: 0 });
    expect(page.list[0]?.imp_uid).toBe('imp_448280090638');
  });

  it.each([{ page: 0 }, { page: 1.5 }, { limit: 0 }, { limit: 1001 }])(
    'refuses findAll options %j before any request',
    async (options) => {
      await expect(mock.client.findAllPayments('order_1', options)).rejects.toBeInstanceOf(
        IamportInvalidRequestError,
      );
    },
  );

  describe('cancelPayment', () => {
    function replyCancel(expectedBody: object) {
      mock.replyToken();
      mock.pool
        .intercept({
          path: '/payments/cancel',
          method: 'POST',
          headers: { ...bearer, 'content-type': 'application/json' },
          body: (body) => JSON.stringify(JSON.parse(body)) === JSON.stringify(expectedBody),
        })
        .reply(200, envelope(paymentJson({ status: 'cancelled', cancel_amount: 14000 })));
    }

    it('sends a full cancel as JSON without any amount field', async () => {
      replyCancel({ imp_uid: 'imp_1', checksum: 14000, reason: 'forgery' });

      const payment = await mock.client.cancelPayment({
        imp_uid: 'imp_1',
        checksum: 14000,
        reason: 'forgery',
      });

      expect(payment).toMatchObject({ status: 'cancelled', cancel_amount: 14000 });
    });

    it('sends amount for a partial cancel', async () => {
      replyCancel({ imp_uid: 'imp_1', checksum: 14000, reason: 'partial', amount: 4000 });

      await mock.client.cancelPayment({ imp_uid: 'imp_1', amount: 4000, checksum: 14000, reason: 'partial' });
    });

    it('never forwards fields it does not know, such as a browser’s cancel_request_amount', async () => {
      replyCancel({ imp_uid: 'imp_1', checksum: 14000, reason: 'r', amount: 1000 });
      const fromBrowser = {
        imp_uid: 'imp_1',
        checksum: 14000,
        reason: 'r',
        amount: 1000,
        cancel_request_amount: 1,
      };

      await mock.client.cancelPayment(fromBrowser);
    });

    it.each<[string, Partial<CancelPaymentRequest>]>([
      ['an empty imp_uid', { imp_uid: '' }],
      ['a NaN checksum (JSON null: Iamport would skip the check)', { checksum: Number.NaN }],
      ['an infinite checksum', { checksum: Number.POSITIVE_INFINITY }],
      ['a negative checksum', { checksum: -1 }],
      ['amount 0 (Iamport reads it as a full cancel)', { amount: 0 }],
      ['a NaN amount (JSON null: a full cancel)', { amount: Number.NaN }],
      ['a negative amount', { amount: -100 }],
      ['an amount above the checksum', { amount: 14001 }],
    ])('refuses %s before any request', async (_, override) => {
      const request = { imp_uid: 'imp_1', checksum: 14000, reason: 'r', ...override };

      await expect(mock.client.cancelPayment(request)).rejects.toBeInstanceOf(IamportInvalidRequestError);
    });
  });

  it('prepares an amount and reads it back', async () => {
    mock.replyToken();
    mock.pool
      .intercept({
        path: '/payments/prepare',
        method: 'POST',
        headers: bearer,
        body: JSON.stringify({ merchant_uid: 'order_1', amount: 14000, currency: 'KRW' }),
      })
      .reply(200, envelope({ merchant_uid: 'order_1', amount: 14000, currency: 'KRW' }));
    mock.pool
      .intercept({ path: '/payments/prepare/order_1', headers: bearer })
      .reply(200, envelope({ merchant_uid: 'order_1', amount: 14000, currency: null }));

    const prepared = await mock.client.preparePayment({
      merchant_uid: 'order_1',
      amount: 14000,
      currency: 'KRW',
    });
    const readBack = await mock.client.getPrepared('order_1');

    expect(prepared).toEqual({ merchant_uid: 'order_1', amount: 14000, currency: 'KRW' });
    expect(readBack).toEqual({ merchant_uid: 'order_1', amount: 14000, currency: null });
  });

  it('leaves currency out of a prepare when not given', async () => {
    mock.replyToken();
    mock.pool
      .intercept({
        path: '/payments/prepare',
        method: 'POST',
        body: JSON.stringify({ merchant_uid: 'order_1', amount: 14000 }),
      })
      .reply(200, envelope({ merchant_uid: 'order_1', amount: 14000, currency: null }));

    await mock.client.preparePayment({ merchant_uid: 'order_1', amount: 14000 });
  });

  it('refuses a prepare with a non-finite amount before any request', async () => {
    await expect(
      mock.client.preparePayment({ merchant_uid: 'order_1', amount: Number.NaN }),
    ).rejects.toBeInstanceOf(IamportInvalidRequestError);
  });

  it('tolerates unknown fields and future enum values, drops buyer data and keeps custom_data a string', async () => {
    mock.replyToken();
    replyAnyPath(
      paymentJson({
        status: 'partial_refund_pending',
        pay_method: 'future_pay',
        custom_data: '{"coupon":"A1"}',
        promotion: { id: 'p', discount: 100 },
        brand_new_field: { nested: [1, 2, 3] },
        cancel_history: [{ pg_tid: 't', amount: 1000, cancelled_at: 1_700_000_100, extra: true }],
      }),
    );

    const payment = await mock.client.getPayment('imp_1');

    expect(payment).toMatchObject({ status: 'partial_refund_pending', pay_method: 'future_pay' });
    expect(payment.custom_data).toBe('{"coupon":"A1"}');
    expect(payment.cancel_history?.[0]?.amount).toBe(1000);
    expect(payment).not.toHaveProperty('brand_new_field');
    expect(payment).not.toHaveProperty('buyer_name');
  });

  it('fills the defaults of an older payment object (no sandbox, no currency)', async () => {
    mock.replyToken();
    replyAnyPath(paymentJson({ sandbox: undefined, currency: undefined, cancel_amount: undefined }));

    const payment = await mock.client.getPayment('imp_1');

    expect(payment).toMatchObject({ sandbox: false, currency: 'KRW', cancel_amount: 0 });
  });
});

describe('IamportClient: base URL with a path prefix', () => {
  it('sends every request under the prefix', async () => {
    const mock = createMockIamport({ baseUrl: `${ORIGIN}/iamport/` });
    mock.pool
      .intercept({ path: '/iamport/users/getToken', method: 'POST' })
      .reply(200, envelope({ access_token: TOKEN, now: 0, expired_at: 1800 }));
    mock.pool
      .intercept({ path: '/iamport/payments/imp_1', headers: bearer })
      .reply(200, envelope(paymentJson()));

    await mock.client.getPayment('imp_1');
    await mock.finish();
  });
});

describe('IamportClient: close()', () => {
  it('leaves an injected dispatcher open for its owner', async () => {
    const mock = createMockIamport();
    await mock.client.close();
    await mock.client.close();
    mock.pool.intercept({ path: '/ping' }).reply(200, 'pong');

    const response = await mock.agent.request({ origin: ORIGIN, path: '/ping', method: 'GET' });

    expect(await response.body.text()).toBe('pong');
    await mock.finish();
  });
});
