import { describe, expect, it } from 'vitest';
import type { OutboxStore } from '../../../shared/orders/outboxStore';
import type { OrderStore, TransitionWrite } from '../../../shared/orders/store';
import type { Order } from '../../../shared/orders/types';
import { aRefund, FIXED_NOW } from '../../helpers/fakes';

/** The stores under test, on the same items, with the outbox on as in production. */
export interface ContractStores {
  orders: OrderStore;
  outbox: OutboxStore;
  /** Writes an item as the merchant's own systems would: straight into the table, no rules. */
  seed(item: Record<string, unknown>): Promise<void>;
}

const later = new Date(FIXED_NOW.getTime() + 1_000);
const muchLater = new Date(FIXED_NOW.getTime() + 60_000);
const seconds = (at: Date) => Math.floor(at.getTime() / 1000);
const paidBy = (imp_uid: string): TransitionWrite => ({
  to: 'paid',
  source: 'complete',
  patch: { imp_uid, pay_method: 'card' },
});
const partlyCancelled: TransitionWrite = {
  to: 'partially_cancelled',
  source: 'webhook',
  patch: { imp_uid: 'imp_1', cancel_amount: 1_000 },
};

/** The event the outbox keeps for a transition to `version`, as recorded: nothing sent yet. */
function recorded(
  merchantUid: string,
  version: number,
  previous: Order['status'],
  write: TransitionWrite,
  at: Date,
) {
  const { to: status, patch } = write;
  const notSent = { delivered_to: [], attempts: 0, next_attempt_at: 0 };
  const id = `${merchantUid}:${version}`;
  return {
    id,
    version,
    status,
    previous_status: previous,
    type: `order.${status}`,
    ...notSent,
    imp_uid: patch.imp_uid ?? null,
    occurred_at: at.toISOString(),
  };
}

/**
 * What the outbox adds to the order store (docs/design.md §6b): every transition records its event in
 * the same write, and the bookkeeping of delivery never touches status, version or revision.
 */
export function describeOutboxContract(makeStores: () => ContractStores, uid: () => string) {
  async function created(stores: ContractStores): Promise<Order> {
    const { order } = await stores.orders.create(
      { merchant_uid: uid(), amount: 14_000, currency: 'KRW' },
      FIXED_NOW,
    );
    return order;
  }

  async function stored(stores: ContractStores, merchantUid: string): Promise<Order> {
    const order = await stores.orders.get(merchantUid);
    if (!order) throw new Error(`no order ${merchantUid}`);
    return order;
  }

  async function waiting(stores: ContractStores, merchantUid: string, at: Date): Promise<boolean> {
    return (await stores.outbox.findWaiting(seconds(at), 1_000)).includes(merchantUid);
  }

  describe('outbox', () => {
    it('records a transition event under v<version> and puts the order in the outbox index', async () => {
      const stores = makeStores();
      const order = await created(stores);

      const paid = await stores.orders.transition(order, paidBy('imp_1'), later);

      expect(paid.outbox).toEqual({ v2: recorded(order.merchant_uid, 2, 'pending', paidBy('imp_1'), later) });
      expect(paid).toMatchObject({ outbox_bucket: 'pending', outbox_since: seconds(later) });
      expect(await stored(stores, order.merchant_uid)).toEqual(paid);
      expect(await waiting(stores, order.merchant_uid, later)).toBe(true);
      expect(await waiting(stores, order.merchant_uid, FIXED_NOW)).toBe(false);
    });

    it('records the hot path event the same way, without a read', async () => {
      const stores = makeStores();
      const order = await created(stores);

      const result = await stores.orders.transitionFromPending(
        order.merchant_uid,
        { amount: 14_000, currency: 'KRW' },
        paidBy('imp_1'),
        later,
      );
      const paid = result.applied ? result.order : undefined;

      expect(paid?.outbox).toEqual({
        v2: recorded(order.merchant_uid, 2, 'pending', paidBy('imp_1'), later),
      });
      expect(paid).toMatchObject({ outbox_bucket: 'pending', outbox_since: seconds(later), revision: 2 });
    });

    it('keeps every waiting event, and the oldest one’s time in the index', async () => {
      const stores = makeStores();
      const order = await created(stores);

      const paid = await stores.orders.transition(order, paidBy('imp_1'), later);
      const partly = await stores.orders.transition(paid, partlyCancelled, muchLater);

      expect(Object.keys(partly.outbox ?? {}).sort()).toEqual(['v2', 'v3']);
      expect(partly.outbox?.v3).toEqual(recorded(order.merchant_uid, 3, 'paid', partlyCancelled, muchLater));
      expect(partly.outbox_since).toBe(seconds(later));
    });

    it('records no event for a refund, a scheduled check or a lease', async () => {
      const stores = makeStores();
      const order = await created(stores);

      const refunded = await stores.orders.saveRefund(order, aRefund({ imp_uid: 'imp_1' }), later);
      const scheduled = await stores.orders.scheduleCheck(refunded, { dueAt: 1_000, attempt: 2 }, later);
      await stores.orders.leaseCheck(order.merchant_uid, 1_000, 2_000);

      expect(scheduled.outbox).toEqual({});
      expect((await stored(stores, order.merchant_uid)).outbox_bucket).toBeUndefined();
    });

    it('creates the outbox with the first transition of an item the merchant wrote, never on the hot path', async () => {
      const stores = makeStores();
      const merchantUid = uid();
      const at = FIXED_NOW.toISOString();
      await stores.seed({
        merchant_uid: merchantUid,
        amount: 5_000,
        status: 'pending',
        created_at: at,
        updated_at: at,
      });
      // At version 1 but without an outbox map: the event could not be added blind.
      const oldStyle = uid();
      await stores.seed({
        merchant_uid: oldStyle,
        amount: 5_000,
        currency: 'KRW',
        status: 'pending',
        created_at: at,
        updated_at: at,
        version: 1,
        revision: 1,
      });

      const expected = { amount: 5_000, currency: 'KRW' };
      const blind = await stores.orders.transitionFromPending(merchantUid, expected, paidBy('imp_1'), later);
      const blindOld = await stores.orders.transitionFromPending(oldStyle, expected, paidBy('imp_2'), later);
      const paid = await stores.orders.transition(await stored(stores, merchantUid), paidBy('imp_1'), later);

      expect([blind.applied, blindOld.applied]).toEqual([false, false]);
      expect(paid).toMatchObject({ status: 'paid', version: 1, revision: 1, outbox_bucket: 'pending' });
      expect(paid.outbox).toEqual({ v1: recorded(merchantUid, 1, 'pending', paidBy('imp_1'), later) });
      expect((await stored(stores, oldStyle)).status).toBe('pending');
    });

    it('removes a delivered event and, when it was the last, takes the order out of the index', async () => {
      const stores = makeStores();
      const order = await created(stores);
      const paid = await stores.orders.transition(order, paidBy('imp_1'), later);

      await stores.outbox.remove(order.merchant_uid, 'v2', true);
      // Another delivery of the same event finds it gone: nothing changes, nothing fails.
      await stores.outbox.remove(order.merchant_uid, 'v2', true);

      const after = await stored(stores, order.merchant_uid);
      expect(after.outbox).toEqual({});
      expect(after.outbox_bucket).toBeUndefined();
      expect(after.outbox_since).toBeUndefined();
      expect(after).toMatchObject({ status: 'paid', version: paid.version, revision: paid.revision });
      expect(await waiting(stores, order.merchant_uid, muchLater)).toBe(false);
    });

    it.each([
      ['told the removed one was the last', 'v2', true, ['v3']],
      ['removing one of several', 'v3', false, ['v2']],
    ] as const)('keeps the index entry while another event waits: %s', async (_label, key, last, left) => {
      const stores = makeStores();
      const paid = await stores.orders.transition(await created(stores), paidBy('imp_1'), later);
      // A transition that landed after the sender read the order: its event must not lose the index.
      await stores.orders.transition(paid, partlyCancelled, later);

      await stores.outbox.remove(paid.merchant_uid, key, last);

      const after = await stored(stores, paid.merchant_uid);
      expect(Object.keys(after.outbox ?? {})).toEqual(left);
      expect(after).toMatchObject({ outbox_bucket: 'pending', outbox_since: seconds(later) });
    });

    it('postpones an event with its progress and moves the index entry to the retry time', async () => {
      const stores = makeStores();
      const order = await created(stores);
      const paid = await stores.orders.transition(order, paidBy('imp_1'), later);
      const retryAt = seconds(muchLater);

      await stores.outbox.postpone(order.merchant_uid, 'v2', {
        deliveredTo: ['log'],
        attempts: 1,
        nextAttemptAt: retryAt,
      });
      await stores.outbox.postpone(order.merchant_uid, 'v9', {
        deliveredTo: [],
        attempts: 1,
        nextAttemptAt: 1,
      });

      const after = await stored(stores, order.merchant_uid);
      expect(after.outbox).toEqual({
        v2: {
          ...recorded(order.merchant_uid, 2, 'pending', paidBy('imp_1'), later),
          delivered_to: ['log'],
          attempts: 1,
          next_attempt_at: retryAt,
        },
      });
      expect(after).toMatchObject({ outbox_since: retryAt, version: paid.version, revision: paid.revision });
      expect(await waiting(stores, order.merchant_uid, later)).toBe(false);
      expect(await waiting(stores, order.merchant_uid, muchLater)).toBe(true);
    });

    it('takes an order with an empty outbox out of the index, and one with waiting events not', async () => {
      const stores = makeStores();
      const emptied = await stores.orders.transition(await created(stores), paidBy('imp_1'), later);
      const busy = await stores.orders.transition(await created(stores), paidBy('imp_2'), later);
      // Removed without `last`: the index entry stays for the sweeper to tidy.
      await stores.outbox.remove(emptied.merchant_uid, 'v2', false);

      await stores.outbox.clearIfEmpty(emptied.merchant_uid);
      await stores.outbox.clearIfEmpty(busy.merchant_uid);

      expect(await stored(stores, emptied.merchant_uid)).toMatchObject({
        outbox: {},
        revision: emptied.revision,
      });
      expect((await stored(stores, emptied.merchant_uid)).outbox_bucket).toBeUndefined();
      expect(await stored(stores, busy.merchant_uid)).toMatchObject({ outbox_bucket: 'pending' });
    });

    it('creates nothing for an order that does not exist', async () => {
      const stores = makeStores();
      const merchantUid = uid();

      await stores.outbox.remove(merchantUid, 'v2', true);
      await stores.outbox.postpone(merchantUid, 'v2', { deliveredTo: [], attempts: 1, nextAttemptAt: 1 });
      await stores.outbox.clearIfEmpty(merchantUid);

      expect(await stores.orders.get(merchantUid)).toBeUndefined();
    });
  });
}
