import { PortOneError } from '@portone/server-sdk';
import {
  CancelPaymentError,
  GetPaymentError,
  type Payment,
  type PaymentCancellation,
  PaymentClient,
  PaymentError,
  PreRegisterPaymentError,
} from '@portone/server-sdk/payment';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { demoV2ApiSecret, demoV2StoreId, type SandboxHandle } from '../../sandbox/index';
import { start } from './helpers';
import { control, createV2Payment, sdkView } from './v2helpers';

/**
 * `@portone/server-sdk`'s `PaymentClient`, unchanged, against the sandbox: its base URL is `v2Url`, its
 * secret the demo one. What it reads is what PortOne's OpenAPI generates its types from, and its error
 * classes come from the status and `{type}` of the answers.
 */
const sandbox: SandboxHandle = await start();
afterAll(() => sandbox.close());
beforeEach(() => sandbox.state.reset());

const client = PaymentClient({ secret: demoV2ApiSecret, baseUrl: sandbox.v2Url });

/** A cancellation's id; the SDK's union also holds an unrecognised status without one. */
const idOf = (c: PaymentCancellation): string | undefined => ('id' in c ? c.id : undefined);

/** The error the SDK threw, with its `data` (the answer's body). */
async function thrown(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
  } catch (error) {
    return error;
  }
  throw new Error('the call did not fail');
}

describe('the V2 listener', () => {
  it('takes its own port (v2Port) and refuses a misspelt V2 option at start', async () => {
    const other = await start({ v2Port: 0, v2ApiSecret: 'another-secret' });
    try {
      expect(other.v2Url).toBe(`http://127.0.0.1:${other.v2Port}`);
      expect(other.v2Port).not.toBe(other.port);
      const stranger = PaymentClient({ secret: 'another-secret', baseUrl: other.v2Url });
      const error = await thrown(stranger.getPayment({ paymentId: 'nope' }));
      expect(error instanceof GetPaymentError && error.data.type).toBe('PAYMENT_NOT_FOUND');
    } finally {
      await other.close();
    }
    // @ts-expect-error: a misspelt option, refused at run time too
    await expect(start({ v2WebhookURL: 'http://127.0.0.1:1' })).rejects.toThrow(/v2WebhookURL|Unrecognized/i);
  });
});

describe('@portone/server-sdk PaymentClient against the sandbox', () => {
  it('getPayment reads a payment of every kind as its Payment type', async () => {
    await createV2Payment(sandbox, { paymentId: 'sdk_paid', amount: 14000 });
    await createV2Payment(sandbox, { paymentId: 'sdk_va', amount: 5000, status: 'VIRTUAL_ACCOUNT_ISSUED' });
    await createV2Payment(sandbox, { paymentId: 'sdk_failed', amount: 5000, status: 'FAILED' });

    const paid: Payment = await client.getPayment({ paymentId: 'sdk_paid' });
    expect(paid).toEqual(sdkView(sandbox, 'sdk_paid'));
    if (paid.status !== 'PAID') throw new Error(String(paid.status));
    expect([paid.amount.total, paid.currency, paid.channel.type, paid.method?.type]).toEqual([
      14000,
      'KRW',
      'LIVE',
      'PaymentMethodCard',
    ]);

    const va = await client.getPayment({ paymentId: 'sdk_va', storeId: demoV2StoreId });
    if (va.status !== 'VIRTUAL_ACCOUNT_ISSUED') throw new Error(String(va.status));
    expect(va.method?.type === 'PaymentMethodVirtualAccount' && va.method.accountNumber).toMatch(/^\d+-/);
    const failed = await client.getPayment({ paymentId: 'sdk_failed' });
    expect(failed.status === 'FAILED' && failed.failure.reason).toEqual(expect.any(String));
  });

  it('getPayment throws GetPaymentError for 404 PAYMENT_NOT_FOUND and 401 UNAUTHORIZED', async () => {
    const notFound = await thrown(client.getPayment({ paymentId: 'nope' }));
    expect(notFound).toBeInstanceOf(GetPaymentError);
    expect(notFound).toBeInstanceOf(PaymentError);
    expect(notFound).toBeInstanceOf(PortOneError);
    if (!(notFound instanceof GetPaymentError)) throw notFound;
    expect(notFound.data.type).toBe('PAYMENT_NOT_FOUND');
    expect(notFound.message).toBe('message' in notFound.data ? notFound.data.message : undefined);

    const stranger = PaymentClient({ secret: 'not-the-secret', baseUrl: sandbox.v2Url });
    const unauthorized = await thrown(stranger.getPayment({ paymentId: 'nope' }));
    expect(unauthorized instanceof GetPaymentError && unauthorized.data.type).toBe('UNAUTHORIZED');
  });

  it('cancelPayment cancels in parts and in full, with currentCancellableAmount', async () => {
    await createV2Payment(sandbox, { paymentId: 'sdk_cancel', amount: 10000 });
    const partial = await client.cancelPayment({
      paymentId: 'sdk_cancel',
      reason: '부분 환불',
      amount: 3000,
      currentCancellableAmount: 10000,
    });
    expect(partial.cancellation).toMatchObject({ status: 'SUCCEEDED', totalAmount: 3000 });
    const scoped = PaymentClient({ secret: demoV2ApiSecret, baseUrl: sandbox.v2Url, storeId: demoV2StoreId });
    const rest = await scoped.cancelPayment({
      paymentId: 'sdk_cancel',
      reason: '나머지',
      currentCancellableAmount: 7000,
    });
    expect(rest.cancellation.status === 'SUCCEEDED' && rest.cancellation.totalAmount).toBe(7000);
    const after = await client.getPayment({ paymentId: 'sdk_cancel' });
    expect(after.status === 'CANCELLED' && after.cancellations.map(idOf)).toEqual([
      idOf(partial.cancellation),
      idOf(rest.cancellation),
    ]);
  });

  it('cancelPayment throws CancelPaymentError with PortOne 409 types and 404', async () => {
    await createV2Payment(sandbox, { paymentId: 'sdk_409', amount: 10000 });
    await createV2Payment(sandbox, {
      paymentId: 'sdk_unpaid',
      amount: 10000,
      status: 'VIRTUAL_ACCOUNT_ISSUED',
    });
    const typeOf = async (
      options: Parameters<typeof client.cancelPayment>[0],
    ): Promise<CancelPaymentError['data']['type']> => {
      const error = await thrown(client.cancelPayment(options));
      if (!(error instanceof CancelPaymentError)) throw error;
      return error.data.type;
    };
    expect(await typeOf({ paymentId: 'sdk_409', reason: 'r', currentCancellableAmount: 9999 })).toBe(
      'CANCELLABLE_AMOUNT_CONSISTENCY_BROKEN',
    );
    expect(await typeOf({ paymentId: 'sdk_409', reason: 'r', amount: 10001 })).toBe(
      'CANCEL_AMOUNT_EXCEEDS_CANCELLABLE_AMOUNT',
    );
    expect(await typeOf({ paymentId: 'sdk_unpaid', reason: 'r' })).toBe('PAYMENT_NOT_PAID');
    expect(await typeOf({ paymentId: 'nope', reason: 'r' })).toBe('PAYMENT_NOT_FOUND');
    await client.cancelPayment({ paymentId: 'sdk_409', reason: 'r' });
    expect(await typeOf({ paymentId: 'sdk_409', reason: 'r' })).toBe('PAYMENT_ALREADY_CANCELLED');
  });

  it('preRegisterPayment registers the amount a checkout must match, and throws ALREADY_PAID once paid', async () => {
    expect(
      await client.preRegisterPayment({ paymentId: 'sdk_pre', totalAmount: 8000, currency: 'KRW' }),
    ).toEqual({});
    const refused = await control(sandbox, 'POST', '/__sandbox/v2/payments', {
      paymentId: 'sdk_pre',
      amount: 800,
    });
    expect(refused.status).toBe(409);
    await createV2Payment(sandbox, { paymentId: 'sdk_pre', amount: 8000 });

    const error = await thrown(client.preRegisterPayment({ paymentId: 'sdk_pre', totalAmount: 8000 }));
    expect(error).toBeInstanceOf(PreRegisterPaymentError);
    expect(error instanceof PreRegisterPaymentError && error.data.type).toBe('ALREADY_PAID');
  });
});

describe('GET /payments through the SDK (the ledger check’s listing)', () => {
  it('pages the payments of a window by status time, newest first, filtered by status', async () => {
    for (let i = 0; i < 5; i++)
      await createV2Payment(sandbox, { paymentId: `sdk_list_${i}`, amount: 1000 + i });
    await createV2Payment(sandbox, { paymentId: 'sdk_list_failed', amount: 500, status: 'FAILED' });
    const now = sandbox.state.clock.now();
    const filter = {
      from: new Date(now - 60_000).toISOString(),
      until: new Date(now + 60_000).toISOString(),
      status: ['PAID' as const],
    };
    const first = await client.getPayments({ page: { number: 0, size: 3 }, filter });
    const second = await client.getPayments({ page: { number: 1, size: 3 }, filter });
    expect(first.page).toEqual({ number: 0, size: 3, totalCount: 5 });
    const ids = [...first.items, ...second.items].map((p: Payment) => ('id' in p ? p.id : undefined));
    expect(new Set(ids)).toEqual(new Set([0, 1, 2, 3, 4].map((i) => `sdk_list_${i}`)));
    expect(second.items).toHaveLength(2);
    // A window that ends before the payments lists none of them.
    const before = await client.getPayments({
      filter: { ...filter, until: new Date(now - 1_000).toISOString() },
    });
    expect(before.items).toEqual([]);
  });

  it('filters a payment whose status is PAY_PENDING by the filter’s own name for it, PENDING', async () => {
    await createV2Payment(sandbox, { paymentId: 'sdk_list_pending', amount: 700, status: 'PAY_PENDING' });
    const now = sandbox.state.clock.now();
    const window = {
      from: new Date(now - 60_000).toISOString(),
      until: new Date(now + 60_000).toISOString(),
    };

    const pending = await client.getPayments({ filter: { ...window, status: ['PENDING'] } });

    expect(pending.items.map((p: Payment) => ('id' in p ? [p.id, p.status] : undefined))).toEqual([
      ['sdk_list_pending', 'PAY_PENDING'],
    ]);
  });
});
