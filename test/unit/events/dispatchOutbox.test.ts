import { describe, expect, it } from 'vitest';
import { dispatchOutbox, OUTBOX_GRACE_SECONDS, SEND_RESERVE_MS } from '../../../shared/events/dispatchOutbox';
import { sweepOutbox } from '../../../shared/events/sweepOutbox';
import type { TransitionWrite } from '../../../shared/orders/store';
import { memoryEvents } from '../../helpers/fakeEvents';
import { anOrder, aRefund, FIXED_NOW, MemoryOrderStore } from '../../helpers/fakes';

const MERCHANT_UID = 'order_1001';
const paid: TransitionWrite = {
  to: 'paid',
  source: 'webhook',
  patch: { imp_uid: 'imp_2', pay_method: 'card' },
};
const partlyCancelled: TransitionWrite = {
  to: 'partially_cancelled',
  source: 'webhook',
  patch: { imp_uid: 'imp_1', cancel_amount: 1 },
};
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
const later = (byS: number) => new Date(FIXED_NOW.getTime() + byS * 1000);

/** An order with events on and two waiting: v2 (paid) and v3 (partially cancelled). */
async function twoWaiting() {
  const orders = new MemoryOrderStore(anOrder({ merchant_uid: MERCHANT_UID }));
  const events = memoryEvents(orders);
  await orders.transition(orders.stored(MERCHANT_UID), { ...paid, patch: { imp_uid: 'imp_1' } }, FIXED_NOW);
  await orders.transition(orders.stored(MERCHANT_UID), partlyCancelled, FIXED_NOW);
  orders.takeChanges();
  return { orders, ...events };
}

describe('dispatchOutbox: one order’s events go out in version order', () => {
  it('the stream leaves the whole order to the sweeper once an earlier event is the sweeper’s', async () => {
    const { orders, target, dispatch } = await twoWaiting();
    await dispatch.outbox.postpone(MERCHANT_UID, 'v2', {
      deliveredTo: [],
      attempts: 1,
      nextAttemptAt: seconds(FIXED_NOW) + 30,
    });

    const sent = await dispatchOutbox(dispatch, orders.stored(MERCHANT_UID), 'stream');

    expect(sent).toEqual({ delivered: 0, waiting: 2, failed: 0 });
    expect(target.received).toEqual([]);
    // Once the index shows v2 due (its backoff, then the grace every index entry waits), the sweeper
    // sends both, v2 first.
    const swept = await sweepOutbox({ ...dispatch, orders }, later(30 + OUTBOX_GRACE_SECONDS + 1));
    expect(swept).toMatchObject({ delivered: 2, waiting: 0, failed: 0 });
    expect(target.of(MERCHANT_UID).map((event) => event.version)).toEqual([2, 3]);
    expect(orders.stored(MERCHANT_UID).outbox).toEqual({});
  });

  it('a refused event in a sweep is postponed and holds back the later ones, which stay untried', async () => {
    const { orders, target, dispatch } = await twoWaiting();
    target.failNext = 1;
    const at = later(OUTBOX_GRACE_SECONDS + 1);

    const sent = await dispatchOutbox({ ...dispatch, now: () => at }, orders.stored(MERCHANT_UID), 'sweep');

    expect(sent).toEqual({ delivered: 0, waiting: 2, failed: 0 });
    expect(target.received).toEqual([]);
    expect(orders.stored(MERCHANT_UID).outbox).toMatchObject({
      v2: { attempts: 1, next_attempt_at: seconds(at) + 30 },
      v3: { attempts: 0 },
    });
    const next = later(OUTBOX_GRACE_SECONDS + 31);
    await dispatchOutbox({ ...dispatch, now: () => next }, orders.stored(MERCHANT_UID), 'sweep');
    expect(target.of(MERCHANT_UID).map((event) => event.version)).toEqual([2, 3]);
  });

  it('the sweeper leaves an untried event to the stream while the stream’s window lasts', async () => {
    const { orders, target, dispatch } = await twoWaiting();
    const young = later(OUTBOX_GRACE_SECONDS - 1);

    const sent = await dispatchOutbox(
      { ...dispatch, now: () => young },
      orders.stored(MERCHANT_UID),
      'sweep',
    );

    expect(sent).toEqual({ delivered: 0, waiting: 2, failed: 0 });
    expect(target.received).toEqual([]);
    expect(orders.stored(MERCHANT_UID).outbox).toMatchObject({ v2: { attempts: 0 }, v3: { attempts: 0 } });
  });
});

describe('dispatchOutbox: time and holds', () => {
  it('stops before an event it has no time left for; on the stream, the record fails for a retry', async () => {
    const { orders, target, dispatch } = await twoWaiting();
    const left = [SEND_RESERVE_MS, SEND_RESERVE_MS - 1];

    const sent = await dispatchOutbox(
      { ...dispatch, timeLeftMs: () => left.shift() ?? 0 },
      orders.stored(MERCHANT_UID),
      'stream',
    );

    expect(sent).toEqual({ delivered: 1, waiting: 0, failed: 1 });
    expect(target.of(MERCHANT_UID).map((event) => event.version)).toEqual([2]);
    expect(Object.keys(orders.stored(MERCHANT_UID).outbox ?? {})).toEqual(['v3']);
  });

  it('holds an event for its refund no longer than the stream’s window; the sweeper then sends it', async () => {
    const orders = new MemoryOrderStore(anOrder({ merchant_uid: MERCHANT_UID }));
    const { target, dispatch } = memoryEvents(orders);
    await orders.transition(
      orders.stored(MERCHANT_UID),
      {
        to: 'forgery',
        source: 'complete',
        patch: { imp_uid: 'imp_1' },
        refund: aRefund({ imp_uid: 'imp_1', amount: 100 }),
      },
      FIXED_NOW,
    );
    await orders.transition(orders.stored(MERCHANT_UID), paid, FIXED_NOW);
    const within = later(OUTBOX_GRACE_SECONDS - 1);
    const past = later(OUTBOX_GRACE_SECONDS + 1);

    const held = await dispatchOutbox(
      { ...dispatch, now: () => within },
      orders.stored(MERCHANT_UID),
      'stream',
    );
    expect(held).toEqual({ delivered: 0, waiting: 2, failed: 0 });

    // The refund is still being made (a PG that takes days): the events go as they stand, in order.
    await dispatchOutbox({ ...dispatch, now: () => past }, orders.stored(MERCHANT_UID), 'sweep');
    const [forgery, honest] = target.of(MERCHANT_UID);
    expect([forgery?.type, honest?.type]).toEqual(['order.forgery', 'order.paid']);
    expect(forgery?.refund).toMatchObject({ status: 'requested' });
  });
});

describe('sweepOutbox', () => {
  it('an order it cannot read is counted and reported; the orders after it are still swept', async () => {
    const { orders, target, dispatch } = await twoWaiting();
    const broken = new Error('not a valid order item');
    const errors: unknown[] = [];
    const reading = {
      get: async (merchantUid: string) => {
        if (merchantUid === 'order_broken') throw broken;
        return orders.get(merchantUid);
      },
    };
    const outbox = {
      ...dispatch.outbox,
      findWaiting: async () => ['order_broken', MERCHANT_UID],
    };

    const swept = await sweepOutbox(
      { ...dispatch, outbox, orders: reading, onError: (error) => errors.push(error) },
      later(OUTBOX_GRACE_SECONDS + 1),
    );

    expect(swept).toEqual({ orders: 2, delivered: 2, waiting: 0, failed: 1, left: 0 });
    expect(errors).toEqual([broken]);
    expect(target.of(MERCHANT_UID).map((event) => event.version)).toEqual([2, 3]);
  });

  it('starts no order it has no time left for: they stay in the index for the next sweep', async () => {
    const { orders, target, dispatch } = await twoWaiting();
    const at = later(OUTBOX_GRACE_SECONDS + 1);

    const swept = await sweepOutbox({ ...dispatch, orders, timeLeftMs: () => SEND_RESERVE_MS - 1 }, at);

    expect(swept).toMatchObject({ orders: 1, delivered: 0, failed: 0, left: 1 });
    expect(target.received).toEqual([]);
    expect(await sweepOutbox({ ...dispatch, orders, timeLeftMs: () => 60_000 }, at)).toMatchObject({
      delivered: 2,
    });
  });
});
