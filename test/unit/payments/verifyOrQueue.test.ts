import { describe, expect, it } from 'vitest';
import { type VerifyOrQueueDeps, verifyOrQueue } from '../../../shared/payments/verifyOrQueue';
import { iamportProvider } from '../../../shared/providers/iamportProvider';
import {
  anOrder,
  aPayment,
  FakeIamport,
  FakeRetryQueue,
  FIXED_NOW,
  MemoryOrderStore,
} from '../../helpers/fakes';

function setup(queue = new FakeRetryQueue()) {
  const iamport = new FakeIamport(aPayment());
  // Order events on, as deployed: each transition records its event with it.
  const orders = new MemoryOrderStore(anOrder()).withEvents();
  const deps: VerifyOrQueueDeps = {
    provider: iamportProvider(iamport),
    orders,
    queue,
    acceptSandboxPayments: false,
    retryBaseSeconds: 45,
    now: () => FIXED_NOW,
  };
  return { iamport, orders, queue, deps };
}

describe('Function: verifyOrQueue', () => {
  it('queues the identifiers when Iamport is unavailable, delayed by retryBaseSeconds', async () => {
    // Prepare
    const { iamport, orders, queue, deps } = setup();
    iamport.failNext('getPayment');

    // Act
    const outcome = await verifyOrQueue(deps, {
      impUid: 'imp_100000000001',
      merchantUid: 'order_1001',
      source: 'complete',
    });

    // Assess
    expect(outcome).toEqual({ kind: 'queued', reason: 'getPayment: Iamport answered HTTP 503' });
    expect(queue.sent).toStrictEqual([
      {
        message: {
          merchant_uid: 'order_1001',
          imp_uid: 'imp_100000000001',
          reason: 'iamport_unavailable',
          attempt: 1,
        },
        delaySeconds: 45,
      },
    ]);
    expect(orders.stored('order_1001').status).toBe('pending');
  });

  it('queues an imp_uid that names no order as speculative (a few retries only)', async () => {
    const { iamport, queue, deps } = setup();
    iamport.failNext('getPayment');

    await verifyOrQueue(deps, { impUid: 'imp_100000000001', source: 'complete' });

    expect(queue.sent.map((s) => s.message)).toStrictEqual([
      { imp_uid: 'imp_100000000001', reason: 'iamport_unavailable', attempt: 1, speculative: true },
    ]);
  });

  it('queues an imp_uid alone in full when its sender is vouched for, or its hint names our order', async () => {
    const { iamport, queue, deps } = setup();
    iamport.failNext('getPayment').failNext('getPayment');

    await verifyOrQueue(deps, { impUid: 'imp_100000000001', source: 'webhook' }, { vouched: true });
    await verifyOrQueue(deps, { impUid: 'imp_100000000001', source: 'webhook' }, { orderHint: 'order_1001' });

    expect(queue.sent.map((s) => s.message)).toStrictEqual([
      { imp_uid: 'imp_100000000001', reason: 'iamport_unavailable', attempt: 1 },
      { imp_uid: 'imp_100000000001', reason: 'iamport_unavailable', attempt: 1 },
    ]);
  });

  it('queues nothing for a request naming an order we do not hold', async () => {
    const { iamport, queue, deps } = setup();
    iamport.failNext('getPayment').failNext('getPayment');

    const named = await verifyOrQueue(deps, {
      impUid: 'imp_100000000001',
      merchantUid: 'order_not_ours',
      source: 'complete',
    });
    const hinted = await verifyOrQueue(
      deps,
      { impUid: 'imp_100000000001', source: 'webhook' },
      { orderHint: 'order_not_ours', vouched: true },
    );

    expect(named).toEqual({ kind: 'order_not_held', reason: 'getPayment: Iamport answered HTTP 503' });
    expect(hinted).toEqual({ kind: 'order_not_held', reason: 'getPayment: Iamport answered HTTP 503' });
    expect(queue.sent).toEqual([]);
  });

  it('queues a message without imp_uid when only the merchant_uid is known', async () => {
    const { iamport, queue, deps } = setup();
    iamport.failNext('findAllPayments');

    await verifyOrQueue(deps, { merchantUid: 'order_1001', source: 'reconcile' });

    expect(queue.sent.map((s) => s.message)).toStrictEqual([
      { merchant_uid: 'order_1001', reason: 'iamport_unavailable', attempt: 1 },
    ]);
  });

  it('answers queue_failed with both reasons when the queue refuses the message', async () => {
    const { iamport, deps } = setup(new FakeRetryQueue().failNext());
    iamport.failNext('getPayment');

    const outcome = await verifyOrQueue(deps, { impUid: 'imp_100000000001', source: 'complete' });

    expect(outcome).toEqual({
      kind: 'queue_failed',
      reason: 'getPayment: Iamport answered HTTP 503; enqueue failed: SQS throttled',
      ownCheck: false,
    });
  });

  it('says a failed enqueue is covered by the order’s own check only when the order awaits its result', async () => {
    const pending = setup(new FakeRetryQueue().failNext());
    pending.iamport.failNext('getPayment');
    const request = { impUid: 'imp_100000000001', merchantUid: 'order_1001', source: 'complete' } as const;

    expect(await verifyOrQueue(pending.deps, request)).toMatchObject({
      kind: 'queue_failed',
      ownCheck: true,
    });

    // Once the order is final, no check of its own is left to settle anything.
    const settled = setup(new FakeRetryQueue().failNext(2));
    await verifyOrQueue(settled.deps, request);
    expect((await settled.orders.get('order_1001'))?.status).toBe('paid');
    settled.iamport.failNext('getPayment');
    expect(await verifyOrQueue(settled.deps, request)).toMatchObject({
      kind: 'queue_failed',
      ownCheck: false,
    });
  });

  it('passes a decided outcome through without queueing', async () => {
    const { queue, deps } = setup();

    const outcome = await verifyOrQueue(deps, { impUid: 'imp_100000000001', source: 'complete' });

    expect(outcome).toMatchObject({ kind: 'decided', changed: true, order: { status: 'paid' } });
    expect(queue.sent).toEqual([]);
  });

  it('does not queue a payment Iamport does not know', async () => {
    const { queue, deps } = setup();

    const outcome = await verifyOrQueue(deps, { impUid: 'imp_999999999999', source: 'webhook' });

    expect(outcome).toEqual({ kind: 'payment_not_found' });
    expect(queue.sent).toEqual([]);
  });
});
