import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type FindAllOptions,
  IamportError,
  IamportMalformedResponseError,
  IamportNotFoundError,
  IamportUnavailableError,
  LIST_ALL_MAX_PAGES,
  listAllPayments,
  type Payment,
  type PaymentPage,
  paymentSchema,
} from '../../../shared/iamport';
import { createMockIamport, envelope, type MockIamport, paymentJson } from './mockIamport';

const attempt = (impUid: string): Payment => paymentSchema.parse(paymentJson({ imp_uid: impUid }));

function pageOf(impUids: string[], page: number, next: number): PaymentPage {
  return { total: 0, previous: page - 1, next, list: impUids.map(attempt) };
}

/** A fake `findAllPayments` serving the given pages (index 0 is page 1). */
function fakeApi(pages: Array<PaymentPage | Error>) {
  const findAllPayments = vi.fn(async (_merchantUid: string, options?: FindAllOptions) => {
    const page = pages[(options?.page ?? 1) - 1];
    if (page === undefined) throw new Error(`unexpected page ${options?.page}`);
    if (page instanceof Error) throw page;
    return page;
  });
  return { findAllPayments };
}

describe('listAllPayments', () => {
  it('walks every page in started order with the largest sane page size', async () => {
    const api = fakeApi([pageOf(['a', 'b'], 1, 2), pageOf(['c'], 2, 3), pageOf(['d'], 3, 0)]);

    const payments = await listAllPayments(api, 'order_1', 'paid');

    expect(payments.map((payment) => payment.imp_uid)).toEqual(['a', 'b', 'c', 'd']);
    expect(api.findAllPayments.mock.calls).toEqual([
      ['order_1', { status: 'paid', page: 1, limit: 100, sorting: 'started' }],
      ['order_1', { status: 'paid', page: 2, limit: 100, sorting: 'started' }],
      ['order_1', { status: 'paid', page: 3, limit: 100, sorting: 'started' }],
    ]);
  });

  it('keeps an attempt seen on two pages once', async () => {
    const api = fakeApi([pageOf(['a', 'b'], 1, 2), pageOf(['b', 'c'], 2, 0)]);

    const payments = await listAllPayments(api, 'order_1');

    expect(payments.map((payment) => payment.imp_uid)).toEqual(['a', 'b', 'c']);
  });

  it('answers [] when Iamport has no attempt at all (404 on the first page)', async () => {
    const api = fakeApi([new IamportNotFoundError('findAllPayments: 존재하지 않는 결제정보입니다.')]);

    expect(await listAllPayments(api, 'order_1')).toEqual([]);
  });

  it('does not turn a 404 on a later page into a shorter list', async () => {
    const api = fakeApi([pageOf(['a'], 1, 2), new IamportNotFoundError('gone')]);

    await expect(listAllPayments(api, 'order_1')).rejects.toBeInstanceOf(IamportNotFoundError);
  });

  it('passes other errors through', async () => {
    const api = fakeApi([new IamportUnavailableError('findAllPayments: Iamport answered HTTP 503')]);

    await expect(listAllPayments(api, 'order_1')).rejects.toBeInstanceOf(IamportUnavailableError);
  });

  it('refuses a next page that does not move forward', async () => {
    const api = fakeApi([pageOf(['a'], 1, 2), pageOf(['b'], 2, 2)]);

    await expect(listAllPayments(api, 'order_1')).rejects.toBeInstanceOf(IamportMalformedResponseError);
  });

  it(`stops after ${LIST_ALL_MAX_PAGES} pages instead of returning a truncated list`, async () => {
    const pages = Array.from({ length: LIST_ALL_MAX_PAGES + 1 }, (_, index) =>
      pageOf([`p${index}`], index + 1, index + 2),
    );
    const api = fakeApi(pages);

    const error = await listAllPayments(api, 'order_1').catch((reason: unknown) => reason);

    expect(error).toBeInstanceOf(IamportError);
    expect(api.findAllPayments).toHaveBeenCalledTimes(LIST_ALL_MAX_PAGES);
  });
});

describe('IamportClient.listAllPayments', () => {
  let mock: MockIamport;

  afterEach(async () => {
    await mock.finish();
  });

  it('follows next over HTTP', async () => {
    mock = createMockIamport();
    mock.replyToken();
    const query = { limit: '100', sorting: 'started' };
    mock.pool
      .intercept({ path: '/payments/findAll/order_1', query: { ...query, page: '1' } })
      .reply(200, envelope({ total: 2, previous: 0, next: 2, list: [paymentJson({ imp_uid: 'imp_a' })] }));
    mock.pool
      .intercept({ path: '/payments/findAll/order_1', query: { ...query, page: '2' } })
      .reply(200, envelope({ total: 2, previous: 1, next: 0, list: [paymentJson({ imp_uid: 'imp_b' })] }));

    const payments = await mock.client.listAllPayments('order_1');

    expect(payments.map((payment) => payment.imp_uid)).toEqual(['imp_a', 'imp_b']);
  });
});
