import { describe, expect, it } from 'vitest';
import { OrderConflictError, type OrderStore, type TransitionWrite } from '../../../shared/orders/store';
import { HISTORY_LIMIT, type Order } from '../../../shared/orders/types';
import { aRefund, FIXED_NOW } from '../../helpers/fakes';
import { type ContractStores, describeOutboxContract } from './outboxContract';

const later = new Date(FIXED_NOW.getTime() + 1_000);
const paidBy = (imp_uid: string): TransitionWrite => ({
  to: 'paid',
  source: 'complete',
  patch: { imp_uid, pay_method: 'card' },
});

/**
 * What every OrderStore (and the OutboxStore on its items) must do, written against the ports only, so
 * that the memory fake can be held to the same semantics as the DynamoDB store. `uid()` must return a
 * merchant_uid no other test used.
 */
export function describeOrderStoreContract(
  name: string,
  makeStores: () => ContractStores,
  uid: () => string,
) {
  const makeStore = () => makeStores().orders;
  describe(`OrderStore contract: ${name}`, () => {
    async function created(store: OrderStore, amount = 14_000, currency = 'KRW'): Promise<Order> {
      const { order } = await store.create({ merchant_uid: uid(), amount, currency }, FIXED_NOW);
      return order;
    }

    it('creates a pending order at version 1 with one history entry', async () => {
      const store = makeStore();
      const merchantUid = uid();

      const result = await store.create(
        { merchant_uid: merchantUid, amount: 14_000, currency: 'KRW' },
        FIXED_NOW,
      );

      expect(result).toEqual({
        created: true,
        order: {
          merchant_uid: merchantUid,
          amount: 14_000,
          currency: 'KRW',
          status: 'pending',
          created_at: FIXED_NOW.toISOString(),
          updated_at: FIXED_NOW.toISOString(),
          version: 1,
          revision: 1,
          history: [
            { at: FIXED_NOW.toISOString(), from: null, to: 'pending', imp_uid: null, source: 'register' },
          ],
          refunds: [],
          outbox: {},
        },
      });
      expect(await store.get(merchantUid)).toEqual(result.order);
    });

    it('never overwrites an existing order on create, and returns the stored one', async () => {
      const store = makeStore();
      const order = await created(store);
      const paid = await store.transition(order, paidBy('imp_1'), later);

      const again = await store.create(
        { merchant_uid: order.merchant_uid, amount: 1, currency: 'USD' },
        later,
      );

      expect(again).toEqual({ created: false, order: paid });
    });

    it('stores the first lost-result check with the order when asked', async () => {
      const store = makeStore();

      const { order } = await store.create(
        { merchant_uid: uid(), amount: 100, currency: 'KRW' },
        FIXED_NOW,
        1_760_000_660,
      );

      expect(order).toMatchObject({ check_due_at: 1_760_000_660, check_attempt: 1, check_bucket: 'due' });
    });

    it('applies a transition at the current version and appends its history entry', async () => {
      const store = makeStore();
      const order = await created(store);

      const paid = await store.transition(order, paidBy('imp_1'), later);

      expect(paid).toMatchObject({
        status: 'paid',
        imp_uid: 'imp_1',
        pay_method: 'card',
        version: 2,
        updated_at: later.toISOString(),
        created_at: FIXED_NOW.toISOString(),
      });
      expect(paid.history.at(-1)).toEqual({
        at: later.toISOString(),
        from: 'pending',
        to: 'paid',
        imp_uid: 'imp_1',
        source: 'complete',
      });
      expect(await store.get(order.merchant_uid)).toEqual(paid);
    });

    it('refuses a transition at a stale version with OrderConflictError and leaves the item alone', async () => {
      const store = makeStore();
      const order = await created(store);
      const paid = await store.transition(order, paidBy('imp_1'), later);

      const stale = store.transition(
        order,
        { to: 'failed', source: 'webhook', patch: { imp_uid: 'imp_2' } },
        later,
      );

      await expect(stale).rejects.toBeInstanceOf(OrderConflictError);
      expect(await store.get(order.merchant_uid)).toEqual(paid);
    });

    it('refuses a transition of an order that does not exist', async () => {
      const store = makeStore();
      const ghost: Order = {
        merchant_uid: uid(),
        amount: 1,
        currency: 'KRW',
        status: 'pending',
        created_at: FIXED_NOW.toISOString(),
        updated_at: FIXED_NOW.toISOString(),
        version: 1,
        revision: 1,
        history: [],
        refunds: [],
      };

      await expect(store.transition(ghost, paidBy('imp_1'), later)).rejects.toBeInstanceOf(
        OrderConflictError,
      );
      expect(await store.get(ghost.merchant_uid)).toBeUndefined();
    });

    it('writes a refund claimed with a transition in the same write', async () => {
      const store = makeStore();
      const order = await created(store);
      const claim = aRefund({ imp_uid: 'imp_1', amount: 100 });

      const forged = await store.transition(
        order,
        { to: 'forgery', source: 'complete', patch: { imp_uid: 'imp_1' }, refund: claim },
        later,
      );

      expect(forged).toMatchObject({ status: 'forgery', version: 2, refunds: [claim] });
    });

    it('drops the lost-result check on a final status and keeps it while a result is awaited', async () => {
      const store = makeStore();
      const first = await store.create(
        { merchant_uid: uid(), amount: 100, currency: 'KRW' },
        FIXED_NOW,
        1_760_000_660,
      );
      const second = await store.create(
        { merchant_uid: uid(), amount: 100, currency: 'KRW' },
        FIXED_NOW,
        1_760_000_660,
      );

      const paid = await store.transition(first.order, paidBy('imp_1'), later);
      const issued = await store.transition(
        second.order,
        { to: 'vbank_issued', source: 'webhook', patch: { imp_uid: 'imp_2' } },
        later,
      );

      expect(paid.check_due_at).toBeUndefined();
      expect(paid.check_attempt).toBeUndefined();
      expect(paid.check_bucket).toBeUndefined();
      expect(issued).toMatchObject({ check_due_at: 1_760_000_660, check_bucket: 'due' });
    });

    it('keeps at most HISTORY_LIMIT history entries, dropping the oldest', async () => {
      const store = makeStore();
      let order = await store.transition(await created(store), paidBy('imp_1'), later);
      for (let i = 1; i <= HISTORY_LIMIT; i++) {
        order = await store.transition(
          order,
          { to: 'partially_cancelled', source: 'webhook', patch: { imp_uid: 'imp_1', cancel_amount: i } },
          later,
        );
      }

      expect(order.history).toHaveLength(HISTORY_LIMIT);
      expect(order.history[0]).toMatchObject({ from: 'paid', to: 'partially_cancelled' });
      expect(order.history.at(-1)).toMatchObject({ to: 'partially_cancelled' });
      expect(order).toMatchObject({ cancel_amount: HISTORY_LIMIT, version: HISTORY_LIMIT + 2 });
    });

    it('reads many orders at once, past one request’s 100 keys: each as get reads it, none for a missing id', async () => {
      const store = makeStore();
      const orders = await Promise.all(Array.from({ length: 103 }, () => created(store)));
      const paid = await store.transition(orders[0] as Order, paidBy('imp_many'), later);
      const missing = uid();
      const ids = [...orders.map((order) => order.merchant_uid), missing, paid.merchant_uid];

      const found = await store.getMany(ids);

      expect(found.size).toBe(orders.length);
      expect(found.has(missing)).toBe(false);
      expect(found.get(paid.merchant_uid)).toEqual(paid);
      for (const order of orders.slice(1)) expect(found.get(order.merchant_uid)).toEqual(order);
      expect(await store.getMany([])).toEqual(new Map());
    });

    describe('transitionFromPending', () => {
      const write: TransitionWrite = paidBy('imp_1');

      it('applies when the order is pending with exactly the expected amount and currency', async () => {
        const store = makeStore();
        const order = await created(store);

        const result = await store.transitionFromPending(
          order.merchant_uid,
          { amount: 14_000, currency: 'KRW' },
          write,
          later,
        );

        expect(result.applied).toBe(true);
        const paid = result.applied ? result.order : undefined;
        expect(paid).toMatchObject({ status: 'paid', imp_uid: 'imp_1', version: 2 });
        expect(paid?.history.map((h) => [h.from, h.to])).toEqual([
          [null, 'pending'],
          ['pending', 'paid'],
        ]);
        expect(await store.get(order.merchant_uid)).toEqual(paid);
      });

      it.each([
        ['another amount', { amount: 14_000.0000001, currency: 'KRW' }],
        ['another currency', { amount: 14_000, currency: 'USD' }],
      ])('is refused for %s, changes nothing and answers with the stored order', async (_label, expected) => {
        const store = makeStore();
        const order = await created(store);

        expect(await store.transitionFromPending(order.merchant_uid, expected, write, later)).toEqual({
          applied: false,
          stored: order,
        });
        expect(await store.get(order.merchant_uid)).toEqual(order);
      });

      it('is refused for an order that is no longer pending, answering with it as stored (a duplicate)', async () => {
        const store = makeStore();
        const order = await created(store);
        const first = await store.transitionFromPending(
          order.merchant_uid,
          { amount: 14_000, currency: 'KRW' },
          write,
          later,
        );

        const duplicate = await store.transitionFromPending(
          order.merchant_uid,
          { amount: 14_000, currency: 'KRW' },
          write,
          new Date(later.getTime() + 1_000),
        );

        expect(first.applied).toBe(true);
        expect(duplicate).toEqual({ applied: false, stored: first.applied ? first.order : undefined });
        expect(await store.get(order.merchant_uid)).toEqual(duplicate.applied ? undefined : duplicate.stored);
      });

      it('answers refused with no stored order for an unknown order, and creates nothing', async () => {
        const store = makeStore();
        const merchantUid = uid();

        expect(
          await store.transitionFromPending(merchantUid, { amount: 1, currency: 'KRW' }, write, later),
        ).toEqual({ applied: false, stored: undefined });
        expect(await store.get(merchantUid)).toBeUndefined();
      });
    });

    describe('saveRefund', () => {
      it('adds, then replaces, the refund of one imp_uid at the current version', async () => {
        const store = makeStore();
        const order = await created(store);
        const claim = aRefund({ imp_uid: 'imp_1', amount: 100 });

        const claimed = await store.saveRefund(order, claim, later);
        const done = await store.saveRefund(
          claimed,
          { ...claim, status: 'done', completed_at: later.toISOString() },
          later,
        );

        // A refund is not a transition: the revision (the lock) moves, the version (events) does not.
        expect(claimed).toMatchObject({ version: 1, revision: 2, refunds: [claim], status: 'pending' });
        expect(done).toMatchObject({
          version: 1,
          revision: 3,
          refunds: [{ imp_uid: 'imp_1', status: 'done' }],
        });
        expect(done.history).toEqual(order.history);
      });

      it('refuses a stale version with OrderConflictError', async () => {
        const store = makeStore();
        const order = await created(store);
        await store.saveRefund(order, aRefund({ imp_uid: 'imp_1' }), later);

        await expect(store.saveRefund(order, aRefund({ imp_uid: 'imp_2' }), later)).rejects.toBeInstanceOf(
          OrderConflictError,
        );
        expect((await store.get(order.merchant_uid))?.refunds.map((r) => r.imp_uid)).toEqual(['imp_1']);
      });
    });

    describe('lost-result checks', () => {
      it('keeps an order with an open refund claim in the due index until the refund is settled', async () => {
        const store = makeStore();
        const order = await created(store);
        const claim = aRefund({ imp_uid: 'imp_1', amount: 100, status: 'requested' });

        const forged = await store.transition(
          order,
          { to: 'forgery', source: 'complete', patch: { imp_uid: 'imp_1' }, refund: claim },
          later,
        );
        const settled = await store.saveRefund(forged, { ...claim, status: 'done' }, later);

        expect(forged.check_due_at).toBe(Math.floor(later.getTime() / 1000) + 120);
        expect(forged.check_bucket).toBe('due');
        expect(settled.check_due_at).toBeUndefined();
        expect(settled.check_bucket).toBeUndefined();
      });

      it('schedules, finds, leases once and clears a check', async () => {
        const store = makeStore();
        const order = await created(store);

        const scheduled = await store.scheduleCheck(order, { dueAt: 1_000, attempt: 2 }, later);
        const due = (await store.findDueChecks(1_000, 1_000)).filter(
          (c) => c.merchant_uid === order.merchant_uid,
        );
        const first = await store.leaseCheck(order.merchant_uid, 1_000, 2_000);
        const second = await store.leaseCheck(order.merchant_uid, 1_000, 3_000);
        const notYet = (await store.findDueChecks(1_999, 1_000)).filter(
          (c) => c.merchant_uid === order.merchant_uid,
        );
        const current = await store.get(order.merchant_uid);
        const cleared = current ? await store.scheduleCheck(current, undefined, later) : undefined;

        expect(scheduled).toMatchObject({
          version: 1,
          revision: 2,
          check_due_at: 1_000,
          check_attempt: 2,
          check_bucket: 'due',
        });
        expect(due).toEqual([{ merchant_uid: order.merchant_uid, check_due_at: 1_000, check_attempt: 2 }]);
        expect([first, second]).toEqual([true, false]);
        expect(notYet).toEqual([]);
        expect(current).toMatchObject({ check_due_at: 2_000, revision: 2 });
        expect(cleared?.check_due_at).toBeUndefined();
        expect(cleared?.check_bucket).toBeUndefined();
      });

      it('refuses to schedule at a stale version', async () => {
        const store = makeStore();
        const order = await created(store);
        await store.scheduleCheck(order, { dueAt: 1_000, attempt: 2 }, later);

        await expect(store.scheduleCheck(order, undefined, later)).rejects.toBeInstanceOf(OrderConflictError);
      });
    });

    describeOutboxContract(makeStores, uid);
  });
}
