import { describe, expect, it, vi } from 'vitest';
import { IamportRefusedError } from '../../../shared/iamport/errors';
import type { Payment } from '../../../shared/iamport/types';
import type { Order } from '../../../shared/orders/types';
import type { VerifyOutcome, VerifyRequest } from '../../../shared/payments/types';
import { type VerifyDeps, verifyPayment } from '../../../shared/payments/verifyPayment';
import { iamportProvider } from '../../../shared/providers/iamportProvider';
import { noEvents } from '../../helpers/fakeEvents';
import {
  anOrder,
  aPayment,
  aRefund,
  aVbankPayment,
  FakeIamport,
  FIXED_NOW,
  IAMPORT_MESSAGES,
  MemoryOrderStore,
} from '../../helpers/fakes';

const MERCHANT_UID = 'order_1001';
const IMP = 'imp_100000000001';
const OTHER_IMP = 'imp_200000000002';

function setup(orders: Order[], payments: Payment[], extra: Partial<VerifyDeps> = {}) {
  const store = new MemoryOrderStore(...orders);
  const iamport = new FakeIamport(...payments);
  // As deployed (shared/runtime/iamport.ts): the client asks for test-channel payments only when accepting them.
  iamport.includeSandbox = extra.acceptSandboxPayments ?? false;
  const deps: VerifyDeps = {
    provider: iamportProvider(iamport),
    orders: store,
    acceptSandboxPayments: false,
    // The decision alone: its round trips are counted, so no event bookkeeping rides along.
    events: noEvents,
    now: () => FIXED_NOW,
    ...extra,
  };
  const verify = (request: Partial<VerifyRequest> = {}) =>
    verifyPayment(deps, { impUid: IMP, source: 'complete', ...request });
  return { store, iamport, deps, verify };
}

function decided(outcome: VerifyOutcome) {
  if (outcome.kind !== 'decided') throw new Error(`expected a decided outcome, got ${outcome.kind}`);
  return outcome;
}

const tamperedCancel = {
  imp_uid: IMP,
  amount: 100,
  checksum: 100,
  reason: 'amount mismatch (tampered payment)',
};

describe('Function: verifyPayment', () => {
  describe('hot path (a first result for a pending order)', () => {
    it('marks the order paid with 1 Iamport call, 1 store write and 0 reads', async () => {
      // Prepare
      const { store, iamport, verify } = setup([anOrder()], [aPayment()]);

      // Act
      const outcome = decided(await verify());

      // Assess
      expect(outcome.changed).toBe(true);
      expect(outcome.order).toMatchObject({ status: 'paid', imp_uid: IMP, pay_method: 'card', version: 2 });
      expect(iamport.calls).toEqual({
        getPayment: 1,
        findPayment: 0,
        findAllPayments: 0,
        listPaymentsByStatus: 0,
        cancelPayment: 0,
        preparePayment: 0,
        getPrepared: 0,
      });
      expect(store.calls).toMatchObject({ get: 0, transition: 0, transitionFromPending: 1, saveRefund: 0 });
      expect(store.writeCalls).toBe(1);
      expect(store.writes).toBe(1);
      expect(store.stored(MERCHANT_UID).history.map((h) => [h.from, h.to, h.imp_uid, h.source])).toEqual([
        [null, 'pending', null, 'register'],
        ['pending', 'paid', IMP, 'complete'],
      ]);
    });

    it('issues a vbank account with 1 Iamport call, 1 store write and 0 reads', async () => {
      const { store, iamport, verify } = setup([anOrder()], [aVbankPayment()]);

      const outcome = decided(await verify({ source: 'webhook' }));

      expect(outcome.order).toMatchObject({
        status: 'vbank_issued',
        vbank: { num: '12345678901234', bank: 'KB국민은행', holder: '（주）테스트상점', due: 1_760_259_200 },
      });
      expect(iamport.calls.getPayment).toBe(1);
      expect(store.calls.get).toBe(0);
      expect(store.writes).toBe(1);
    });

    it('keeps the lost-result check only while the order still awaits a result', async () => {
      const scheduled = anOrder({ check_due_at: 1_760_000_600, check_attempt: 0 });
      const paid = setup([scheduled], [aPayment()]);
      const vbank = setup([scheduled], [aVbankPayment()]);

      await paid.verify();
      await vbank.verify();

      expect(paid.store.stored(MERCHANT_UID).check_due_at).toBeUndefined();
      expect(vbank.store.stored(MERCHANT_UID)).toMatchObject({
        status: 'vbank_issued',
        check_due_at: 1_760_000_600,
      });
    });
  });

  describe('a repeated verification', () => {
    it('answers from 1 read with no write and no new history entry', async () => {
      // Prepare
      const { store, iamport, verify } = setup([anOrder()], [aPayment()]);
      await verify();
      const writesBefore = store.writes;
      store.calls.get = 0;
      iamport.calls.getPayment = 0;

      // Act
      const outcome = decided(await verify({ source: 'webhook' }));

      // Assess
      expect(outcome.changed).toBe(false);
      expect(outcome.order.status).toBe('paid');
      expect(iamport.calls.getPayment).toBe(1);
      expect(store.calls.get).toBe(1);
      expect(store.writes).toBe(writesBefore);
      expect(store.calls.transition + store.calls.saveRefund).toBe(0);
      expect(store.stored(MERCHANT_UID).history.filter((h) => h.to === 'paid')).toHaveLength(1);
    });
  });

  describe('a tampered amount', () => {
    it('marks the order forgery and cancels the paid amount with checksum = amount - cancel_amount', async () => {
      const { store, iamport, verify } = setup([anOrder()], [aPayment({ amount: 100 })]);

      const outcome = decided(await verify());

      expect(outcome.changed).toBe(true);
      expect(outcome.order.status).toBe('forgery');
      expect(iamport.cancels.map((c) => c.request)).toEqual([tamperedCancel]);
      expect(outcome.refund).toEqual({
        imp_uid: IMP,
        amount: 100,
        reason: 'forgery',
        status: 'done',
        requested_at: FIXED_NOW.toISOString(),
        completed_at: FIXED_NOW.toISOString(),
        cancellation_id: iamport.cancellationIds(IMP)[0],
      });
      expect(store.stored(MERCHANT_UID).refunds).toEqual([outcome.refund]);
      expect(iamport.payment(IMP)).toMatchObject({ status: 'cancelled', cancel_amount: 100 });
    });

    it('cancels exactly once when verified twice', async () => {
      const { store, iamport, verify } = setup([anOrder()], [aPayment({ amount: 100 })]);

      await verify({ source: 'complete' });
      const again = decided(await verify({ source: 'webhook' }));

      expect(again.changed).toBe(false);
      expect(again.order.status).toBe('forgery');
      expect(iamport.calls.cancelPayment).toBe(1);
      expect(store.stored(MERCHANT_UID).history.filter((h) => h.to === 'forgery')).toHaveLength(1);
    });

    it('cancels exactly once when 10 verifications run concurrently', async () => {
      const { store, iamport, verify } = setup([anOrder()], [aPayment({ amount: 100 })]);

      const outcomes = await Promise.all(
        Array.from({ length: 10 }, (_, i) => verify({ source: i % 2 === 0 ? 'complete' : 'webhook' })),
      );

      expect(outcomes.map((o) => decided(o).order.status)).toEqual(Array(10).fill('forgery'));
      expect(iamport.calls.cancelPayment).toBe(1);
      expect(iamport.successfulCancels).toHaveLength(1);
      expect(store.conflicts).toBeGreaterThan(0);
      const stored = store.stored(MERCHANT_UID);
      expect(stored.history.filter((h) => h.to === 'forgery')).toHaveLength(1);
      expect(stored.refunds).toMatchObject([
        { imp_uid: IMP, status: 'done', cancellation_id: iamport.cancellationIds(IMP)[0] },
      ]);
    });

    it('releases the claim when the cancel hits a transient error, and a later verification completes it', async () => {
      // Prepare
      const { store, iamport, verify } = setup([anOrder()], [aPayment({ amount: 100 })]);
      iamport.failNext('cancelPayment');

      // Act
      const first = await verify();

      // Assess
      expect(first).toEqual({ kind: 'retry_later', reason: 'cancelPayment: Iamport answered HTTP 503' });
      expect(store.stored(MERCHANT_UID)).toMatchObject({
        status: 'forgery',
        refunds: [{ imp_uid: IMP, status: 'requested', requested_at: new Date(0).toISOString() }],
      });
      expect(iamport.payment(IMP)).toMatchObject({ status: 'paid', cancel_amount: 0 });

      // Act
      const second = decided(await verify({ source: 'reconcile' }));

      // Assess
      expect(second.refund).toMatchObject({
        status: 'done',
        cancellation_id: iamport.cancellationIds(IMP)[0],
      });
      expect(iamport.cancels.map((c) => c.outcome)).toEqual(['failed', 'cancelled']);
      expect(iamport.successfulCancels.map((c) => c.request)).toEqual([tamperedCancel]);
      expect(store.stored(MERCHANT_UID).refunds).toMatchObject([
        { status: 'done', requested_at: FIXED_NOW.toISOString(), completed_at: FIXED_NOW.toISOString() },
      ]);
    });

    it('settles the refund without cancelling again when the lost answer had in fact cancelled', async () => {
      const { store, iamport, verify } = setup([anOrder()], [aPayment({ amount: 100 })]);
      iamport.failNext('cancelPayment', 1, { afterEffect: true });

      expect((await verify()).kind).toBe('retry_later');
      const second = decided(await verify({ source: 'webhook' }));

      expect(iamport.calls.cancelPayment).toBe(1);
      expect(second.refund).toMatchObject({
        status: 'done',
        cancellation_id: iamport.cancellationIds(IMP)[0],
      });
      expect(store.stored(MERCHANT_UID).refunds).toHaveLength(1);
    });

    it('records a permanent refusal (stale checksum) as a failed refund for a person to look at', async () => {
      const { store, iamport, verify } = setup([anOrder()], [aPayment({ amount: 100 })]);
      // The admin console cancels 30 after we read the payment and before our cancel.
      store.interleave(() => {
        iamport.cancelFromConsole(IMP, 30);
      });

      const outcome = decided(await verify());

      expect(outcome.order.status).toBe('forgery');
      expect(outcome.refund).toMatchObject({ status: 'failed', message: IAMPORT_MESSAGES.checksumMismatch });
      expect(iamport.cancels.map((c) => c.outcome)).toEqual(['refused']);
      expect(iamport.payment(IMP).cancel_amount).toBe(30);
    });

    it('counts "already fully cancelled" as a done refund', async () => {
      const { store, iamport, verify } = setup([anOrder()], [aPayment({ amount: 100 })]);
      store.interleave(() => {
        iamport.cancelFromConsole(IMP);
      });

      const outcome = decided(await verify());

      expect(outcome.refund).toMatchObject({ status: 'done', completed_at: FIXED_NOW.toISOString() });
      expect(iamport.cancels.map((c) => c.outcome)).toEqual(['refused']);
    });
  });

  describe('a second charge for a settled order', () => {
    it('refunds it as duplicate_payment without touching the order status', async () => {
      const order = anOrder({ status: 'paid', imp_uid: OTHER_IMP, version: 2 });
      const { store, iamport, verify } = setup([order], [aPayment()]);

      const outcome = decided(await verify());

      expect(outcome.changed).toBe(false);
      expect(outcome.order).toMatchObject({ status: 'paid', imp_uid: OTHER_IMP });
      expect(outcome.refund).toMatchObject({ imp_uid: IMP, reason: 'duplicate_payment', status: 'done' });
      expect(iamport.successfulCancels.map((c) => c.request)).toEqual([
        { imp_uid: IMP, amount: 14_000, checksum: 14_000, reason: 'duplicate payment for a settled order' },
      ]);
      expect(store.stored(MERCHANT_UID).history).toHaveLength(1);
    });

    it('is claimed once when another verification claims the refund between our read and write', async () => {
      const order = anOrder({ status: 'paid', imp_uid: OTHER_IMP, version: 2 });
      const { store, iamport, verify } = setup([order], [aPayment()]);
      store.interleave((s) => {
        const current = s.stored(MERCHANT_UID);
        s.put({
          ...current,
          revision: current.revision + 1,
          refunds: [aRefund({ reason: 'duplicate_payment' })],
        });
      });

      const outcome = decided(await verify());

      // The other verification holds a fresh claim: ours stands back and cancels nothing.
      expect(outcome.changed).toBe(false);
      expect(iamport.calls.cancelPayment).toBe(0);
      expect(store.stored(MERCHANT_UID).refunds).toMatchObject([{ imp_uid: IMP, status: 'requested' }]);
    });
  });

  describe('conflict loop', () => {
    it('decides again after a concurrent transition and still ends correct', async () => {
      // Prepare: a failed order (the hot path does not apply), paid now by IMP...
      const order = anOrder({ status: 'failed', imp_uid: 'imp_300000000003', version: 2 });
      const { store, iamport, verify } = setup([order], [aPayment()]);
      // ...while another attempt's webhook marks it paid between our read and our write.
      store.interleave((s) => {
        s.concurrentTransition(MERCHANT_UID, {
          to: 'paid',
          source: 'webhook',
          patch: { imp_uid: OTHER_IMP, pay_method: 'card' },
        });
      });

      // Act
      const outcome = decided(await verify());

      // Assess: our attempt became the second charge and was refunded, once.
      expect(store.conflicts).toBe(1);
      expect(store.calls.get).toBe(2);
      expect(outcome.order).toMatchObject({ status: 'paid', imp_uid: OTHER_IMP });
      expect(outcome.refund).toMatchObject({ imp_uid: IMP, reason: 'duplicate_payment', status: 'done' });
      expect(iamport.successfulCancels).toHaveLength(1);
      expect(store.stored(MERCHANT_UID).history.map((h) => [h.from, h.to, h.imp_uid])).toEqual([
        [null, 'pending', null],
        ['failed', 'paid', OTHER_IMP],
      ]);
    });

    it('changes nothing when the concurrent writer applied the same decision', async () => {
      const order = anOrder({ status: 'vbank_issued', imp_uid: IMP, pay_method: 'vbank', version: 2 });
      const deposit = aVbankPayment({ status: 'paid', paid_at: 1_760_000_100 });
      const { store, iamport, verify } = setup([order], [deposit]);
      store.interleave((s) => {
        s.concurrentTransition(MERCHANT_UID, {
          to: 'paid',
          source: 'webhook',
          patch: { imp_uid: IMP, pay_method: 'vbank' },
        });
      });

      const outcome = decided(await verify({ source: 'mobile' }));

      expect(outcome.changed).toBe(false);
      expect(outcome.order.status).toBe('paid');
      expect(iamport.calls.cancelPayment).toBe(0);
      expect(store.stored(MERCHANT_UID).history.filter((h) => h.to === 'paid')).toHaveLength(1);
    });

    it('gives up with an error after 8 rounds of concurrent changes, writing nothing', async () => {
      const order = anOrder({ status: 'failed', version: 2 });
      const { store, verify } = setup([order], [aPayment()]);
      for (let i = 0; i < 8; i++) store.interleave((s) => void s.concurrentTouch(MERCHANT_UID));

      await expect(verify()).rejects.toThrow(`order ${MERCHANT_UID} kept changing during verification`);
      expect(store.calls.get).toBe(8);
      expect(store.conflicts).toBe(8);
      expect(store.stored(MERCHANT_UID).status).toBe('failed');
    });
  });

  describe('requests that must not move an order', () => {
    it('answers merchant_uid_mismatch without any store call', async () => {
      const { store, iamport, verify } = setup(
        [anOrder(), anOrder({ merchant_uid: 'order_2002' })],
        [aPayment()],
      );

      const outcome = await verify({ merchantUid: 'order_2002' });

      expect(outcome).toMatchObject({ kind: 'merchant_uid_mismatch', requestedMerchantUid: 'order_2002' });
      expect(store.writeCalls + store.calls.get).toBe(0);
      expect(iamport.calls.cancelPayment).toBe(0);
    });

    it('leaves a payment for an unknown order alone: no write, no cancel', async () => {
      const { store, iamport, verify } = setup([], [aPayment({ amount: 1 })]);

      const outcome = await verify();

      expect(outcome).toMatchObject({ kind: 'unknown_order', attempt: { id: IMP } });
      expect(store.writes).toBe(0);
      expect(store.calls.transition + store.calls.saveRefund).toBe(0);
      expect(store.peek(MERCHANT_UID)).toBeUndefined();
      expect(iamport.calls.cancelPayment).toBe(0);
    });

    it('answers payment_not_found for an imp_uid Iamport does not know', async () => {
      const { store, verify } = setup([anOrder()], []);

      const outcome = await verify({ impUid: 'imp_999999999999' });

      expect(outcome).toEqual({ kind: 'payment_not_found' });
      expect(store.writeCalls + store.calls.get).toBe(0);
    });

    it('answers retry_later when Iamport is unavailable, deciding nothing', async () => {
      const { store, iamport, verify } = setup([anOrder()], [aPayment()]);
      iamport.failNext('getPayment');

      const outcome = await verify();

      expect(outcome).toEqual({ kind: 'retry_later', reason: 'getPayment: Iamport answered HTTP 503' });
      expect(store.writeCalls + store.calls.get).toBe(0);
      expect(store.stored(MERCHANT_UID).status).toBe('pending');
    });

    it('lets a non-transient Iamport error through', async () => {
      const { iamport, verify } = setup([anOrder()], [aPayment()]);
      iamport.failNext('getPayment', 1, { error: () => new IamportRefusedError(-1, 'boom') });

      await expect(verify()).rejects.toBeInstanceOf(IamportRefusedError);
    });

    it('refuses a test-channel payment without writing', async () => {
      const { store, verify, deps } = setup([anOrder()], [aPayment({ sandbox: true })]);

      // By imp_uid Iamport hides it from a client without includeSandbox; findAll shows it with its flag.
      const hidden = await verify();
      const outcome = await verifyPayment(deps, { merchantUid: MERCHANT_UID, source: 'reconcile' });

      expect(hidden).toEqual({ kind: 'payment_not_found' });
      expect(outcome).toMatchObject({ kind: 'sandbox_refused', order: { status: 'pending' } });
      expect(store.writes).toBe(0);
      expect(store.calls.transitionFromPending).toBe(0);
    });

    it('accepts a test-channel payment on the hot path when configured to', async () => {
      const { store, verify } = setup([anOrder()], [aPayment({ sandbox: true })], {
        acceptSandboxPayments: true,
      });

      const outcome = decided(await verify());

      expect(outcome.order.status).toBe('paid');
      expect(store.calls.get).toBe(0);
    });
  });

  describe('with only a merchant_uid', () => {
    it('uses findAll and prefers a paid attempt over a later failed one', async () => {
      // Prepare
      const paid = aPayment({ started_at: 1_759_999_000, paid_at: 1_759_999_030 });
      const failed = aPayment({
        imp_uid: OTHER_IMP,
        status: 'failed',
        started_at: 1_759_999_500,
        paid_at: 0,
        failed_at: 1_759_999_520,
      });
      const { store, iamport, deps } = setup([anOrder()], [paid, failed]);
      const findAll = vi.spyOn(iamport, 'findAllPayments');

      // Act
      const outcome = decided(await verifyPayment(deps, { merchantUid: MERCHANT_UID, source: 'reconcile' }));

      // Assess
      expect(findAll).toHaveBeenCalledWith(MERCHANT_UID, { sorting: '-started', limit: 100 });
      expect(iamport.calls.getPayment).toBe(0);
      expect(outcome.attempt.id).toBe(IMP);
      expect(outcome.order).toMatchObject({ status: 'paid', imp_uid: IMP });
      expect(store.stored(MERCHANT_UID).history.at(-1)).toMatchObject({ source: 'reconcile', imp_uid: IMP });
    });

    it('answers payment_not_found when the merchant_uid has no attempt', async () => {
      const { store, deps } = setup([anOrder()], []);

      const outcome = await verifyPayment(deps, { merchantUid: MERCHANT_UID, source: 'sweep' });

      expect(outcome).toEqual({ kind: 'payment_not_found' });
      expect(store.writeCalls).toBe(0);
    });

    it('refuses a request with neither identifier', async () => {
      const { deps } = setup([anOrder()], []);

      await expect(verifyPayment(deps, { source: 'sweep' })).rejects.toThrow(
        'verifyPayment needs an imp_uid or a merchant_uid',
      );
    });
  });

  describe('cancels made at Iamport', () => {
    it('records a partial cancel of the decisive attempt as partially_cancelled, then the rest as cancelled', async () => {
      const order = anOrder({ status: 'paid', imp_uid: IMP, pay_method: 'card', version: 2 });
      const { store, iamport, verify } = setup([order], [aPayment()]);

      iamport.cancelFromConsole(IMP, 4_000);
      const partial = decided(await verify({ source: 'webhook' }));
      iamport.cancelFromConsole(IMP);
      const full = decided(await verify({ source: 'webhook' }));

      expect(partial.order).toMatchObject({ status: 'partially_cancelled', cancel_amount: 4_000 });
      expect(full.order).toMatchObject({ status: 'cancelled', cancel_amount: 14_000 });
      expect(iamport.calls.cancelPayment).toBe(0);
      expect(store.stored(MERCHANT_UID).history.map((h) => h.to)).toEqual([
        'pending',
        'partially_cancelled',
        'cancelled',
      ]);
    });
  });
});
