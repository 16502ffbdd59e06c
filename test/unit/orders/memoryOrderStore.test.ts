import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { OrderConflictError } from '../../../shared/orders/store';
import { orderSchema } from '../../../shared/orders/types';
import { anOrder, FIXED_NOW, MemoryOrderStore } from '../../helpers/fakes';
import { describeOrderStoreContract } from './orderStoreContract';

let seq = 0;
describeOrderStoreContract(
  'MemoryOrderStore',
  () => {
    // The outbox on, as in production: the same plans record the events.
    const store = new MemoryOrderStore().withEvents();
    return {
      orders: store,
      outbox: store.outbox,
      seed: async (item) => {
        store.put(v.parse(orderSchema, item));
      },
    };
  },
  () => `order_mem_${++seq}`,
);

describe('Class: MemoryOrderStore (test double)', () => {
  it('counts calls per method and successful writes apart', async () => {
    const store = new MemoryOrderStore(anOrder());

    await store.get('order_1001');
    await store.transitionFromPending(
      'order_1001',
      { amount: 1, currency: 'KRW' },
      {
        to: 'paid',
        source: 'complete',
        patch: { imp_uid: 'imp_1' },
      },
      FIXED_NOW,
    );

    expect(store.calls).toMatchObject({ get: 1, transitionFromPending: 1, transition: 0 });
    expect(store.writeCalls).toBe(1);
    expect(store.writes).toBe(0);
  });

  it('hands out copies: mutating an answer does not change the stored item', async () => {
    const store = new MemoryOrderStore(anOrder());

    const read = await store.get('order_1001');
    if (read) read.history.push({ at: 'x', from: null, to: 'paid', imp_uid: null, source: 'sweep' });

    expect(store.stored('order_1001').history).toHaveLength(1);
  });

  it('runs an interleaved writer once, between the read and the next conditional write', async () => {
    const store = new MemoryOrderStore(anOrder());
    let runs = 0;
    store.interleave((s) => {
      runs += 1;
      s.concurrentTouch('order_1001');
    });
    const read = store.stored('order_1001');

    await expect(
      store.transition(read, { to: 'failed', source: 'webhook', patch: { imp_uid: 'imp_1' } }, FIXED_NOW),
    ).rejects.toBeInstanceOf(OrderConflictError);
    const fresh = store.stored('order_1001');
    const moved = await store.transition(
      fresh,
      { to: 'failed', source: 'webhook', patch: { imp_uid: 'imp_1' } },
      FIXED_NOW,
    );

    expect(runs).toBe(1);
    expect(store.conflicts).toBe(1);
    expect(moved).toMatchObject({ status: 'failed', version: read.version + 1, revision: read.revision + 2 });
  });

  it('validates what it stores like the real store reads it', () => {
    expect(() => new MemoryOrderStore(anOrder({ amount: -1 }))).toThrow();
  });
});
