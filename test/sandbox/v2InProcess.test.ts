import { GetPaymentError, PaymentClient } from '@portone/server-sdk/payment';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  checkoutV2,
  createSandbox,
  demoV2ApiSecret,
  inProcessPortOneFetch,
  type SandboxState,
} from '../../sandbox/index';
import { baseMs } from './helpers';

const origin = 'https://api.portone.io';
const fresh = (): SandboxState => createSandbox({ now: () => baseMs });
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('inProcessPortOneFetch', () => {
  it('answers as the V2 listener does, logged, with no socket', async () => {
    const state = fresh();
    const fetchV2 = inProcessPortOneFetch(state);
    const unauthorised = await fetchV2(`${origin}/payments/x`);
    expect([unauthorised.status, await unauthorised.json()]).toEqual([
      401,
      expect.objectContaining({ type: 'UNAUTHORIZED' }),
    ]);
    const notFound = await fetchV2(`${origin}/payments/x`, {
      headers: { authorization: `PortOne ${demoV2ApiSecret}` },
    });
    expect(notFound.status).toBe(404);
    expect(state.requests.list()).toEqual([
      { api: 'v2', method: 'GET', path: '/payments/x', query: '', status: 401, at: baseMs },
      { api: 'v2', method: 'GET', path: '/payments/x', query: '', status: 404, at: baseMs },
    ]);
  });

  it("runs @portone/server-sdk's PaymentClient when it stands in for the global fetch", async () => {
    const state = fresh();
    vi.stubGlobal('fetch', inProcessPortOneFetch(state));
    const client = PaymentClient({ secret: demoV2ApiSecret });

    await client.preRegisterPayment({ paymentId: 'ip_1', totalAmount: 1000, currency: 'KRW' });
    expect(state.v2.payments.preRegistration('ip_1')).toEqual({
      totalAmount: 1000,
      taxFreeAmount: null,
      currency: 'KRW',
    });
    await expect(client.getPayment({ paymentId: 'ip_1' })).rejects.toBeInstanceOf(GetPaymentError);

    checkoutV2(state, {
      paymentId: 'ip_1',
      amount: 1000,
      taxFree: 0,
      currency: 'KRW',
      status: 'PAID',
      method: 'CARD',
      channel: 'TEST',
      orderName: '테스트',
      customer: {},
      customData: undefined,
      failReason: undefined,
      expiresAt: undefined,
      notify: false,
    });
    const payment = await client.getPayment({ paymentId: 'ip_1' });
    expect(payment.status === 'PAID' && payment.channel.type).toBe('TEST');
    const { cancellation } = await client.cancelPayment({ paymentId: 'ip_1', reason: 'r', amount: 400 });
    expect(cancellation.status).toBe('SUCCEEDED');
    expect(state.v2.payments.get('ip_1')?.status).toBe('PARTIAL_CANCELLED');
  });
});
