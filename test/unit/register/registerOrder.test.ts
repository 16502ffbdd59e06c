import { describe, expect, it } from 'vitest';
import { IamportUnavailableError } from '../../../shared/iamport/errors';
import type { NewOrder } from '../../../shared/orders/store';
import type { Order } from '../../../shared/orders/types';
import { type RegisterDeps, registerOrder } from '../../../shared/register/registerOrder';
import { anOrder, FakeIamport, FakeRetryQueue, FIXED_NOW, MemoryOrderStore } from '../../helpers/fakes';

const input: NewOrder = {
  merchant_uid: 'order_1001',
  amount: 14_000,
  currency: 'KRW',
  name: '주문명:결제테스트',
};
const NOW_SECONDS = FIXED_NOW.getTime() / 1000;

function setup(orders: Order[] = [], extra: Partial<RegisterDeps> = {}) {
  const store = new MemoryOrderStore(...orders);
  const iamport = new FakeIamport();
  const queue = new FakeRetryQueue();
  const deps: RegisterDeps = {
    orders: store,
    iamport,
    queue,
    reconcileAfterSeconds: 600,
    now: () => FIXED_NOW,
    ...extra,
  };
  return { store, iamport, queue, deps };
}

describe('Function: registerOrder', () => {
  it('creates a pending order and registers its amount with Iamport', async () => {
    // Prepare
    const { store, iamport, deps } = setup();

    // Act
    const outcome = await registerOrder(deps, input);

    // Assess
    expect(outcome).toMatchObject({
      kind: 'created',
      order: {
        merchant_uid: 'order_1001',
        amount: 14_000,
        currency: 'KRW',
        name: '주문명:결제테스트',
        status: 'pending',
        created_at: FIXED_NOW.toISOString(),
        version: 1,
        history: [
          { at: FIXED_NOW.toISOString(), from: null, to: 'pending', imp_uid: null, source: 'register' },
        ],
        refunds: [],
      },
    });
    expect(iamport.prepares).toEqual([{ merchant_uid: 'order_1001', amount: 14_000, currency: 'KRW' }]);
    if (outcome.kind !== 'created') throw new Error(`expected created, got ${outcome.kind}`);
    expect(store.stored('order_1001')).toEqual(outcome.order);
  });

  it('schedules the lost-result check on the queue, and in the index a little later', async () => {
    const { store, queue, deps } = setup();

    await registerOrder(deps, input);

    expect(queue.sent).toStrictEqual([
      { message: { merchant_uid: 'order_1001', reason: 'lost_result_check', attempt: 1 }, delaySeconds: 600 },
    ]);
    const due = store.stored('order_1001').check_due_at ?? 0;
    // The sweeper must only find the order once the queued check should have run.
    expect(due).toBeGreaterThan(NOW_SECONDS + 600);
    expect(due).toBeLessThanOrEqual(NOW_SECONDS + 600 + 900);
  });

  it('caps the queued delay at SQS’s 900 s', async () => {
    const { queue, deps } = setup([], { reconcileAfterSeconds: 3_600 });

    await registerOrder(deps, input);

    expect(queue.sent.map((s) => s.delaySeconds)).toEqual([900]);
  });

  it('still creates the order when the check cannot be queued, and says so', async () => {
    const failures: unknown[] = [];
    const { store, queue, deps } = setup([], { onScheduleFailure: (error) => failures.push(error) });
    queue.failNext();

    const outcome = await registerOrder(deps, input);

    expect(outcome.kind).toBe('created');
    expect(failures).toHaveLength(1);
    expect(store.stored('order_1001').check_due_at).toBeGreaterThan(NOW_SECONDS);
  });

  it('answers an identical repeat as repeated, accepting Iamport’s duplicate refusal for our amount', async () => {
    const { store, iamport, queue, deps } = setup();
    await registerOrder(deps, input);

    const outcome = await registerOrder(deps, input);

    expect(outcome).toMatchObject({ kind: 'repeated', order: { status: 'pending', version: 1 } });
    expect(iamport.calls.preparePayment).toBe(2);
    expect(iamport.calls.getPrepared).toBe(1);
    expect(store.writes).toBe(1);
    expect(queue.sent).toHaveLength(1);
  });

  it('answers a repeat with another amount as a conflict and leaves the order and Iamport alone', async () => {
    const { store, iamport, deps } = setup();
    await registerOrder(deps, input);

    const outcome = await registerOrder(deps, { ...input, amount: 100 });

    expect(outcome).toMatchObject({ kind: 'conflict', order: { amount: 14_000 } });
    expect(iamport.calls.preparePayment).toBe(1);
    expect(store.stored('order_1001').amount).toBe(14_000);
  });

  it('answers a repeat with another currency as a conflict', async () => {
    const { deps } = setup();
    await registerOrder(deps, input);

    const outcome = await registerOrder(deps, { ...input, currency: 'USD' });

    expect(outcome.kind).toBe('conflict');
  });

  it('answers prepared_conflict when Iamport already holds another amount for the merchant_uid', async () => {
    const { store, iamport, deps } = setup();
    iamport.addPrepared({ merchant_uid: 'order_1001', amount: 100, currency: 'KRW' });

    const outcome = await registerOrder(deps, input);

    expect(outcome).toMatchObject({
      kind: 'prepared_conflict',
      preparedAmount: 100,
      order: { amount: 14_000 },
    });
    expect(store.stored('order_1001').status).toBe('pending');
  });

  it('lets a transient prepare error through after the order is stored, and a repeat completes it', async () => {
    // Prepare
    const { store, iamport, deps } = setup();
    iamport.failNext('preparePayment');

    // Act / Assess: the error reaches the caller, the order is already our truth.
    await expect(registerOrder(deps, input)).rejects.toBeInstanceOf(IamportUnavailableError);
    expect(store.stored('order_1001')).toMatchObject({ status: 'pending', amount: 14_000 });

    // Act / Assess: the merchant's retry registers the amount.
    await expect(registerOrder(deps, input)).resolves.toMatchObject({ kind: 'repeated' });
    expect(iamport.calls.preparePayment).toBe(2);
    expect(await iamport.getPrepared('order_1001')).toEqual({
      merchant_uid: 'order_1001',
      amount: 14_000,
      currency: 'KRW',
    });
  });

  it('does not prepare again for an order that is already settled', async () => {
    const { iamport, deps } = setup([anOrder({ status: 'paid', imp_uid: 'imp_100000000001' })]);

    const outcome = await registerOrder(deps, input);

    expect(outcome).toMatchObject({ kind: 'repeated', order: { status: 'paid' } });
    expect(iamport.calls.preparePayment).toBe(0);
  });
});
