import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { verifyPayment } from '../../../shared/payments/verifyPayment';
import { type CancelPaymentRequest, type PortOneApi, paymentSchema } from '../../../shared/portone';
import { iamportProvider } from '../../../shared/providers/iamportProvider';
import { portoneProvider } from '../../../shared/providers/portoneProvider';
import { memoryEvents } from '../../helpers/fakeEvents';
import { aPayment, FakeIamport, FIXED_NOW, MemoryOrderStore } from '../../helpers/fakes';
import { paymentJson } from '../portone/mockPortOne';

const PAYMENT_ID = 'payment-order-1001';
const TX = '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';

/** A V2 order (its merchant_uid is the paymentId) and PortOne V2 holding `amount` paid for it. */
async function setup(amount: number) {
  const orders = new MemoryOrderStore();
  await orders.create({ merchant_uid: PAYMENT_ID, amount: 14_000, currency: 'KRW', api: 'v2' }, FIXED_NOW, 1);
  const cancels: CancelPaymentRequest[] = [];
  const portone: PortOneApi = {
    getPayment: async () =>
      v.parse(
        paymentSchema,
        paymentJson({
          amount: { total: amount, paid: amount, cancelled: 0, taxFree: 0, discount: 0, cancelledTaxFree: 0 },
        }),
      ),
    cancelPayment: async (request) => {
      cancels.push(request);
      return { cancellation: { id: 'c_1', status: 'SUCCEEDED', totalAmount: request.amount ?? 0 } };
    },
    preRegisterPayment: async () => undefined,
    listPayments: async () => ({ items: [], page: { number: 0, size: 10, totalCount: 0 } }),
  };
  const iamport = new FakeIamport(aPayment({ merchant_uid: PAYMENT_ID, amount: 14_000 }));
  const { target, deliver } = memoryEvents(orders);
  const deps = {
    provider: iamportProvider(iamport),
    v2Provider: portoneProvider(portone),
    orders,
    acceptSandboxPayments: false,
    now: () => FIXED_NOW,
  };
  return { orders, deps, cancels, target, deliver };
}

describe('V2 orders through the one core', () => {
  it('settles a V2 order by its paymentId and records the transaction, as V2 names it', async () => {
    const { orders, deps, target, deliver } = await setup(14_000);

    const outcome = await verifyPayment(deps, { api: 'v2', merchantUid: PAYMENT_ID, source: 'complete' });
    // Nothing is sent inside the request; the change reaches the delivery function after it.
    expect(target.of(PAYMENT_ID)).toEqual([]);
    await deliver();

    expect(outcome).toMatchObject({ kind: 'decided', changed: true, order: { status: 'paid' } });
    const order = orders.stored(PAYMENT_ID);
    expect(order).toMatchObject({ api: 'v2', transaction_id: TX, pay_method: 'card' });
    expect(order.imp_uid).toBeUndefined();
    expect(order.history.at(-1)).toMatchObject({ to: 'paid', imp_uid: null, transaction_id: TX });
    expect(target.of(PAYMENT_ID)).toEqual([
      expect.objectContaining({
        type: 'order.paid',
        api: 'v2',
        payment_id: PAYMENT_ID,
        transaction_id: TX,
        imp_uid: null,
      }),
    ]);
  });

  it('refunds a tampered V2 payment once, with its balance as currentCancellableAmount', async () => {
    const { orders, deps, cancels } = await setup(100);

    await verifyPayment(deps, { api: 'v2', merchantUid: PAYMENT_ID, source: 'webhook' });
    await verifyPayment(deps, { api: 'v2', merchantUid: PAYMENT_ID, source: 'complete' });

    expect(orders.stored(PAYMENT_ID)).toMatchObject({
      status: 'forgery',
      refunds: [{ transaction_id: TX, amount: 100, status: 'done', cancellation_id: 'c_1' }],
    });
    expect(cancels).toHaveLength(1);
    expect(cancels[0]).toMatchObject({ paymentId: PAYMENT_ID, amount: 100, currentCancellableAmount: 100 });
  });

  it('never lets a V1 attempt decide a V2 order, even one for the same id and amount', async () => {
    const { orders, deps } = await setup(14_000);

    const outcome = await verifyPayment(deps, { impUid: 'imp_100000000001', source: 'webhook' });

    expect(outcome).toMatchObject({ kind: 'unknown_order' });
    expect(orders.stored(PAYMENT_ID).status).toBe('pending');
  });
});
