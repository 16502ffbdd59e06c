import { describe, expect, it } from 'vitest';
import { createDeliverEvents } from '../../../functions/deliverEvents/deliverEvents';
import { SEND_RESERVE_MS } from '../../../shared/events/dispatchOutbox';
import { createLogger } from '../../../shared/logger';
import type { TransitionWrite } from '../../../shared/orders/store';
import { memoryEvents } from '../../helpers/fakeEvents';
import { anOrder, aRefund, FIXED_NOW, MemoryOrderStore } from '../../helpers/fakes';

const MERCHANT_UID = 'order_1001';
const paid: TransitionWrite = {
  to: 'paid',
  source: 'webhook',
  patch: { imp_uid: 'imp_1', pay_method: 'card' },
};

/** Pending orders with events on, each paid once: their changes wait in the store's stream. */
async function paidOrders(...merchantUids: string[]) {
  const ids = merchantUids.length > 0 ? merchantUids : [MERCHANT_UID];
  const orders = new MemoryOrderStore(...ids.map((merchantUid) => anOrder({ merchant_uid: merchantUid })));
  const events = memoryEvents(orders);
  for (const merchantUid of ids) await orders.transition(orders.stored(merchantUid), paid, FIXED_NOW);
  const handler = createDeliverEvents({ ...events.dispatch, orders }, createLogger('test'));
  return { orders, ...events, handler };
}

/**
 * A tampered payment's forgery transition, its refund claimed (requested) in the same write, just now:
 * an event waits for its refund only within the stream's window, and the delivery reads the clock.
 */
async function forgeryAwaitingRefund() {
  const orders = new MemoryOrderStore(anOrder());
  const events = memoryEvents(orders);
  const claim = aRefund({ imp_uid: 'imp_1', amount: 100 });
  const forgery = await orders.transition(
    orders.stored(MERCHANT_UID),
    { to: 'forgery', source: 'complete', patch: { imp_uid: 'imp_1' }, refund: claim },
    new Date(),
  );
  return { orders, ...events, claim, forgery };
}

describe('Function: deliverEvents (the stream consumer)', () => {
  it('sends a transition’s event after it was written, once, and empties the outbox', async () => {
    const { orders, target, deliver } = await paidOrders();
    expect(target.received).toEqual([]);

    await deliver();

    expect(target.of(MERCHANT_UID).map((event) => [event.id, event.type])).toEqual([
      [`${MERCHANT_UID}:2`, 'order.paid'],
    ]);
    expect(orders.stored(MERCHANT_UID)).toMatchObject({ outbox: {} });
    expect(orders.stored(MERCHANT_UID).outbox_bucket).toBeUndefined();
  });

  it('reads the order as it is now: a stale record of a delivered event sends nothing again', async () => {
    const { orders, target, handler } = await paidOrders();
    const records = orders.takeChanges();
    const stale = records.at(-1);

    await handler({ Records: records });
    await handler({ Records: [stale] });

    expect(target.of(MERCHANT_UID)).toHaveLength(1);
  });

  it('skips changes whose new image has nothing waiting, without reading the order', async () => {
    const orders = new MemoryOrderStore(anOrder());
    const { dispatch } = memoryEvents(orders);
    const handler = createDeliverEvents({ ...dispatch, orders }, createLogger('test'));
    await orders.scheduleCheck(orders.stored(MERCHANT_UID), { dueAt: 1, attempt: 2 }, FIXED_NOW);
    const reads = orders.calls.get + orders.calls.getMany;

    const response = await handler({ Records: orders.takeChanges() });

    expect(response).toEqual({ batchItemFailures: [] });
    expect(orders.calls.get + orders.calls.getMany).toBe(reads);
  });

  it('reads the orders of a batch in one request, not one per record', async () => {
    const second = 'order_1002';
    const { orders, target, handler } = await paidOrders(MERCHANT_UID, second);
    const before = { get: orders.calls.get, getMany: orders.calls.getMany };

    expect(await handler({ Records: orders.takeChanges() })).toEqual({ batchItemFailures: [] });

    expect(target.received.map((event) => event.merchant_uid)).toEqual([MERCHANT_UID, second]);
    expect({ get: orders.calls.get, getMany: orders.calls.getMany }).toEqual({
      get: before.get,
      getMany: before.getMany + 1,
    });
  });

  it('reads one by one when the batch read fails: an unreadable order fails at its own record', async () => {
    const broken = 'order_1002';
    const { orders, dispatch, target } = await paidOrders(MERCHANT_UID, broken);
    const unreadable = new Error('not a valid order item');
    const reading = {
      getMany: async () => {
        throw unreadable;
      },
      get: async (merchantUid: string) => {
        if (merchantUid === broken) throw unreadable;
        return orders.get(merchantUid);
      },
    };
    const errors: unknown[] = [];
    const handler = createDeliverEvents(
      { ...dispatch, orders: reading, onError: (error) => errors.push(error) },
      createLogger('test'),
    );
    const records = orders.takeChanges();

    const response = await handler({ Records: records });

    const brokenRecord = records.find((record) => JSON.stringify(record).includes(broken)) as {
      dynamodb: { SequenceNumber: string };
    };
    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: brokenRecord.dynamodb.SequenceNumber }],
    });
    expect(target.received.map((event) => event.merchant_uid)).toEqual([MERCHANT_UID]);
    expect(errors).toEqual([unreadable]);
  });

  it('stops before an order it has no time left for: that record and the later ones are retried', async () => {
    const { orders, target, handler } = await paidOrders('order_a', 'order_b');
    const records = orders.takeChanges();
    // Time for the first order only, as Lambda's context counts it down.
    const left = [SEND_RESERVE_MS + 5_000, SEND_RESERVE_MS - 1];
    const context = { getRemainingTimeInMillis: () => left.shift() ?? 0 };

    const response = await handler({ Records: records }, context);

    const ofB = records.filter((record) => JSON.stringify(record).includes('order_b'));
    const firstOfB = ofB.find((record) => JSON.stringify(record).includes('outbox_bucket')) as {
      dynamodb: { SequenceNumber: string };
    };
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: firstOfB.dynamodb.SequenceNumber }] });
    expect(target.received.map((event) => event.merchant_uid)).toEqual(['order_a']);
    // Retried with time enough, the rest goes out.
    expect(await handler({ Records: records }, { getRemainingTimeInMillis: () => 30_000 })).toEqual({
      batchItemFailures: [],
    });
    expect(target.received.map((event) => event.merchant_uid)).toEqual(['order_a', 'order_b']);
  });

  it('reports the first refused record for the stream to retry, and writes nothing down', async () => {
    const { orders, target, handler } = await paidOrders();
    await orders.transition(
      orders.stored(MERCHANT_UID),
      { to: 'partially_cancelled', source: 'webhook', patch: { imp_uid: 'imp_1', cancel_amount: 1 } },
      FIXED_NOW,
    );
    const records = orders.takeChanges();
    const before = orders.stored(MERCHANT_UID);
    target.failNext = 1;

    const response = await handler({ Records: records });

    // The first record that has an event waiting failed: it and all after it are retried.
    const first = records.find((record) => JSON.stringify(record).includes('outbox_bucket'));
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: (first as { dynamodb: { SequenceNumber: string } }).dynamodb.SequenceNumber },
    ]);
    expect(orders.stored(MERCHANT_UID)).toEqual(before);
    // Lambda's retry of the same records delivers both, in version order.
    expect(await handler({ Records: records })).toEqual({ batchItemFailures: [] });
    expect(target.of(MERCHANT_UID).map((event) => event.version)).toEqual([2, 3]);
  });

  it('holds an event while its attempt’s refund is requested; the write that settles it sends it', async () => {
    const { orders, target, deliver, claim, forgery } = await forgeryAwaitingRefund();

    await deliver();
    expect(target.received).toEqual([]);
    await orders.saveRefund(forgery, { ...claim, status: 'done', cancellation_id: 'c_1' }, FIXED_NOW);
    await deliver();

    expect(target.of(MERCHANT_UID)).toEqual([
      expect.objectContaining({
        type: 'order.forgery',
        refund: expect.objectContaining({ status: 'done', cancellation_id: 'c_1' }),
      }),
    ]);
  });

  it('an event held for its refund holds back a later transition’s event until the refund settles', async () => {
    const { orders, target, deliver, claim } = await forgeryAwaitingRefund();
    // An honest payment follows the tampered one while the tampered one's refund is still being made.
    await orders.transition(
      orders.stored(MERCHANT_UID),
      { ...paid, patch: { imp_uid: 'imp_2', pay_method: 'card' } },
      FIXED_NOW,
    );

    await deliver();
    expect(target.received).toEqual([]);

    await orders.saveRefund(
      orders.stored(MERCHANT_UID),
      { ...claim, status: 'done', cancellation_id: 'c_1' },
      FIXED_NOW,
    );
    await deliver();
    expect(target.of(MERCHANT_UID).map((event) => event.type)).toEqual(['order.forgery', 'order.paid']);
  });

  it('leaves an event the sweeper took over (its backoff written) to the sweeper', async () => {
    const { orders, target, deliver, dispatch } = await paidOrders();
    orders.takeChanges();
    await dispatch.outbox.postpone(MERCHANT_UID, 'v2', { deliveredTo: [], attempts: 1, nextAttemptAt: 0 });

    await deliver();

    expect(target.received).toEqual([]);
    expect(orders.stored(MERCHANT_UID).outbox?.v2).toMatchObject({ attempts: 1 });
  });

  it('skips a record that is not a change of an order item (retrying cannot mend it)', async () => {
    const { orders, target, handler } = await paidOrders();

    const response = await handler({ Records: [{ eventName: 'MODIFY' }, ...orders.takeChanges()] });

    expect(response).toEqual({ batchItemFailures: [] });
    expect(target.of(MERCHANT_UID)).toHaveLength(1);
  });
});
