import { describe, expect, it } from 'vitest';
import type { Payment } from '../../../shared/iamport/types';
import type { Order } from '../../../shared/orders/types';
import { type DecideOptions, decide, matchesOrder } from '../../../shared/payments/decide';
import { attemptFromIamport } from '../../../shared/providers/iamportAttempt';
import { anOrder, aPayment, aRefund, aVbankPayment, FIXED_NOW } from '../../helpers/fakes';

/** The rules applied to an Iamport (V1) payment, as the V1 provider hands it to the core. */
const decideV1 = (order: Order, payment: Payment, options: DecideOptions) =>
  decide(order, attemptFromIamport(payment), options);

const options: DecideOptions = { acceptSandboxPayments: false, refundLeaseMs: 60_000, now: FIXED_NOW };
const paidImp = 'imp_100000000001';
const otherImp = 'imp_200000000002';

/** An ISO time `ms` before FIXED_NOW. */
const ago = (ms: number) => new Date(FIXED_NOW.getTime() - ms).toISOString();

describe('Function: decide', () => {
  describe('a paid payment', () => {
    it.each(['pending', 'failed', 'vbank_issued', 'expired'] as const)(
      'that matches amount and currency moves a %s order to paid',
      (status) => {
        // Prepare
        const order = anOrder({ status });

        // Act
        const decision = decideV1(order, aPayment(), options);

        // Assess
        expect(decision).toEqual({
          kind: 'transition',
          to: 'paid',
          patch: { imp_uid: paidImp, pay_method: 'card' },
        });
      },
    );

    it('leaves an order already paid by the same attempt unchanged', () => {
      const order = anOrder({ status: 'paid', imp_uid: paidImp, pay_method: 'card' });

      const decision = decideV1(order, aPayment(), options);

      expect(decision).toEqual({ kind: 'unchanged', reason: 'already paid by this payment' });
    });

    it('marks an amount mismatch as forgery and plans a refund of everything paid', () => {
      const decision = decideV1(anOrder(), aPayment({ amount: 100 }), options);

      expect(decision).toEqual({
        kind: 'transition',
        to: 'forgery',
        patch: { imp_uid: paidImp, pay_method: 'card' },
        refund: { imp_uid: paidImp, balance: 100, reason: 'forgery' },
      });
    });

    it('plans the refund of the balance left (amount - cancel_amount), not of the amount', () => {
      const decision = decideV1(anOrder(), aPayment({ amount: 1_000, cancel_amount: 300 }), options);

      expect(decision).toMatchObject({
        kind: 'transition',
        to: 'forgery',
        refund: { imp_uid: paidImp, balance: 700, reason: 'forgery' },
      });
    });

    it('marks a currency mismatch (same number, other currency) as forgery with a refund', () => {
      const decision = decideV1(anOrder(), aPayment({ currency: 'USD' }), options);

      expect(decision).toMatchObject({
        kind: 'transition',
        to: 'forgery',
        refund: { imp_uid: paidImp, balance: 14_000, reason: 'forgery' },
      });
    });

    it('compares amounts exactly: 14000.0000001 is not 14000', () => {
      const decision = decideV1(anOrder(), aPayment({ amount: 14_000.0000001 }), options);

      expect(decision).toMatchObject({ kind: 'transition', to: 'forgery' });
      expect(matchesOrder(anOrder(), attemptFromIamport(aPayment({ amount: 14_000.0000001 })))).toBe(false);
      expect(matchesOrder(anOrder(), attemptFromIamport(aPayment({ amount: 14_000 })))).toBe(true);
    });

    it('matches decimal currencies to the unit', () => {
      const order = anOrder({ amount: 10.5, currency: 'USD' });

      expect(decideV1(order, aPayment({ amount: 10.5, currency: 'USD' }), options)).toMatchObject({
        kind: 'transition',
        to: 'paid',
      });
      expect(decideV1(order, aPayment({ amount: 10.49, currency: 'USD' }), options)).toMatchObject({
        kind: 'transition',
        to: 'forgery',
      });
    });

    it.each(['paid', 'partially_cancelled', 'cancelled'] as const)(
      'refunds a second charge for an order already %s by another attempt (duplicate_payment)',
      (status) => {
        const order = anOrder({ status, imp_uid: otherImp });

        const decision = decideV1(order, aPayment(), options);

        expect(decision).toEqual({
          kind: 'refund',
          refund: { imp_uid: paidImp, balance: 14_000, reason: 'duplicate_payment' },
        });
      },
    );

    it('refunds a second charge of another amount on a paid order as forgery, without a transition', () => {
      const order = anOrder({ status: 'paid', imp_uid: otherImp });

      const decision = decideV1(order, aPayment({ amount: 500 }), options);

      expect(decision).toEqual({
        kind: 'refund',
        refund: { imp_uid: paidImp, balance: 500, reason: 'forgery' },
      });
    });

    it('refunds a deposit into a vbank account already flagged as forgery', () => {
      // The account was issued for 100 against a 14,000 order; the buyer now deposited the 100.
      const order = anOrder({ status: 'forgery', imp_uid: paidImp, pay_method: 'vbank' });
      const deposit = aVbankPayment({ status: 'paid', amount: 100, paid_at: 1_760_000_000 });

      const decision = decideV1(order, deposit, options);

      expect(decision).toEqual({
        kind: 'refund',
        refund: { imp_uid: paidImp, balance: 100, reason: 'forgery' },
      });
    });

    it('does not plan a refund for a second charge with nothing left to refund', () => {
      const order = anOrder({ status: 'paid', imp_uid: otherImp });

      const decision = decideV1(order, aPayment({ cancel_amount: 14_000 }), options);

      expect(decision).toEqual({ kind: 'unchanged', reason: 'nothing left to refund' });
    });
  });

  describe('a refund we already claimed for this attempt', () => {
    const forged = (requestedAt: string) =>
      anOrder({
        status: 'forgery',
        imp_uid: paidImp,
        refunds: [aRefund({ amount: 100, requested_at: requestedAt })],
      });

    it('is left to the verification that claimed it while the claim is fresh', () => {
      const decision = decideV1(forged(ago(59_999)), aPayment({ amount: 100 }), options);

      expect(decision).toEqual({ kind: 'unchanged', reason: 'refund in progress elsewhere' });
    });

    it('is made again once the claim is stale, for the balance Iamport now reports', () => {
      const decision = decideV1(forged(ago(60_000)), aPayment({ amount: 100, cancel_amount: 40 }), options);

      expect(decision).toEqual({
        kind: 'refund',
        refund: { imp_uid: paidImp, balance: 60, reason: 'forgery' },
      });
    });

    it('is not made again while a cancellation is still being made (V2 REQUESTED), however stale', () => {
      const attempt = { ...attemptFromIamport(aPayment({ amount: 100 })), cancelPending: true as const };

      const decision = decide(forged(ago(4 * 3_600_000)), attempt, options);

      expect(decision).toEqual({ kind: 'unchanged', reason: 'a cancellation is still being made' });
    });

    it('is made again at once after a released claim (requested_at = epoch)', () => {
      const decision = decideV1(forged(new Date(0).toISOString()), aPayment({ amount: 100 }), options);

      expect(decision).toMatchObject({ kind: 'refund', refund: { balance: 100 } });
    });

    it.each(['done', 'failed'] as const)('is never made again once %s', (status) => {
      const order = anOrder({
        status: 'forgery',
        imp_uid: paidImp,
        refunds: [aRefund({ status, requested_at: ago(3_600_000) })],
      });

      const decision = decideV1(order, aPayment({ amount: 100 }), options);

      expect(decision).toEqual({ kind: 'unchanged', reason: `refund already ${status}` });
    });

    it('is not made again when Iamport reports no balance left', () => {
      const decision = decideV1(
        forged(ago(3_600_000)),
        aPayment({ amount: 100, cancel_amount: 100 }),
        options,
      );

      expect(decision).toEqual({ kind: 'unchanged', reason: 'refund already requested' });
    });

    it.each([
      ['requested', { status: 'requested' as const }],
      ['failed', { status: 'failed' as const, message: 'refused' }],
    ])('is settled when Iamport shows the attempt cancelled (claim %s)', (_label, refund) => {
      const order = anOrder({ status: 'forgery', imp_uid: paidImp, refunds: [aRefund(refund)] });
      const cancelled = aPayment({
        amount: 100,
        status: 'cancelled',
        cancel_amount: 100,
        cancel_history: [
          { amount: 100, cancelled_at: 1_760_000_000, cancellation_id: 'cancel_1' },
          { amount: 0, cancelled_at: 1_760_000_001, cancellation_id: 'cancel_2' },
        ],
      });

      const decision = decideV1(order, cancelled, options);

      expect(decision).toEqual({ kind: 'refund_settled', imp_uid: paidImp, cancellation_id: 'cancel_2' });
    });

    it('is settled without a cancellation_id when the PG gives none', () => {
      const order = anOrder({ status: 'forgery', imp_uid: paidImp, refunds: [aRefund()] });

      const decision = decideV1(order, aPayment({ status: 'cancelled', cancel_amount: 14_000 }), options);

      expect(decision).toEqual({ kind: 'refund_settled', imp_uid: paidImp, cancellation_id: undefined });
    });

    it('is not settled twice', () => {
      const order = anOrder({ status: 'forgery', imp_uid: paidImp, refunds: [aRefund({ status: 'done' })] });

      const decision = decideV1(order, aPayment({ status: 'cancelled', cancel_amount: 14_000 }), options);

      expect(decision).toEqual({ kind: 'unchanged', reason: 'refund already recorded' });
    });
  });

  describe('a ready payment', () => {
    it('with vbank and the ordered amount issues the account', () => {
      const decision = decideV1(anOrder(), aVbankPayment(), options);

      expect(decision).toEqual({
        kind: 'transition',
        to: 'vbank_issued',
        patch: {
          imp_uid: paidImp,
          pay_method: 'vbank',
          vbank: {
            num: '12345678901234',
            bank: 'KB국민은행',
            holder: '（주）테스트상점',
            due: 1_760_259_200,
          },
        },
      });
    });

    it('with vbank issues the account on a failed order (the buyer retried)', () => {
      expect(decideV1(anOrder({ status: 'failed' }), aVbankPayment(), options)).toMatchObject({
        kind: 'transition',
        to: 'vbank_issued',
      });
    });

    it('with vbank falls back to the bank code when the bank name is missing', () => {
      const decision = decideV1(anOrder(), aVbankPayment({ vbank_name: null, vbank_holder: null }), options);

      expect(decision).toMatchObject({ patch: { vbank: { bank: '004', holder: '' } } });
    });

    it('with vbank but no account number changes nothing', () => {
      const decision = decideV1(anOrder(), aVbankPayment({ vbank_num: null }), options);

      expect(decision).toEqual({ kind: 'unchanged', reason: 'vbank issued without account details' });
    });

    it('with vbank for another amount is forgery, without a refund (no money moved yet)', () => {
      const decision = decideV1(anOrder(), aVbankPayment({ amount: 100 }), options);

      expect(decision).toEqual({
        kind: 'transition',
        to: 'forgery',
        patch: { imp_uid: paidImp, pay_method: 'vbank' },
      });
    });

    it.each(['vbank_issued', 'paid', 'cancelled'] as const)('with vbank never overrides %s', (status) => {
      const decision = decideV1(anOrder({ status, imp_uid: paidImp }), aVbankPayment(), options);

      expect(decision).toEqual({ kind: 'unchanged', reason: `a vbank issue never overrides ${status}` });
    });

    it('for another method fails a pending order (an abandoned window)', () => {
      const decision = decideV1(anOrder(), aPayment({ status: 'ready', paid_at: 0 }), options);

      expect(decision).toEqual({
        kind: 'transition',
        to: 'failed',
        patch: { imp_uid: paidImp, pay_method: 'card' },
      });
    });

    it('for another method never overrides paid', () => {
      const order = anOrder({ status: 'paid', imp_uid: otherImp });

      const decision = decideV1(order, aPayment({ status: 'ready' }), options);

      expect(decision).toEqual({ kind: 'unchanged', reason: 'a ready attempt never overrides paid' });
    });
  });

  describe('a failed payment', () => {
    it('fails a pending order', () => {
      const decision = decideV1(anOrder(), aPayment({ status: 'failed', pay_method: null }), options);

      expect(decision).toEqual({ kind: 'transition', to: 'failed', patch: { imp_uid: paidImp } });
    });

    it.each(['paid', 'vbank_issued', 'failed'] as const)('never overrides %s', (status) => {
      const decision = decideV1(
        anOrder({ status, imp_uid: otherImp }),
        aPayment({ status: 'failed' }),
        options,
      );

      expect(decision).toEqual({ kind: 'unchanged', reason: `a failed attempt never overrides ${status}` });
    });
  });

  describe('a cancelled payment', () => {
    const paidOrder = anOrder({ status: 'paid', imp_uid: paidImp, pay_method: 'card' });

    it('fully cancelled on the decisive attempt cancels the order', () => {
      const decision = decideV1(paidOrder, aPayment({ status: 'cancelled', cancel_amount: 14_000 }), options);

      expect(decision).toEqual({
        kind: 'transition',
        to: 'cancelled',
        patch: { imp_uid: paidImp, pay_method: 'card', cancel_amount: 14_000 },
      });
    });

    it('partially cancelled on the decisive attempt keeps the partial cancel as such', () => {
      const decision = decideV1(paidOrder, aPayment({ status: 'cancelled', cancel_amount: 4_000 }), options);

      expect(decision).toEqual({
        kind: 'transition',
        to: 'partially_cancelled',
        patch: { imp_uid: paidImp, pay_method: 'card', cancel_amount: 4_000 },
      });
    });

    it('repeated (same partial amount) changes nothing', () => {
      const order = anOrder({ status: 'partially_cancelled', imp_uid: paidImp, cancel_amount: 4_000 });

      const decision = decideV1(order, aPayment({ status: 'cancelled', cancel_amount: 4_000 }), options);

      expect(decision).toEqual({
        kind: 'unchanged',
        reason: 'cancel already reflected in partially_cancelled',
      });
    });

    it('repeated (full) changes nothing', () => {
      const order = anOrder({ status: 'cancelled', imp_uid: paidImp, cancel_amount: 14_000 });

      const decision = decideV1(order, aPayment({ status: 'cancelled', cancel_amount: 14_000 }), options);

      expect(decision).toEqual({ kind: 'unchanged', reason: 'cancel already reflected in cancelled' });
    });

    it('a second partial cancel with a bigger cancel_amount records it', () => {
      const order = anOrder({ status: 'partially_cancelled', imp_uid: paidImp, cancel_amount: 4_000 });

      const decision = decideV1(order, aPayment({ status: 'cancelled', cancel_amount: 9_000 }), options);

      expect(decision).toEqual({
        kind: 'transition',
        to: 'partially_cancelled',
        patch: { imp_uid: paidImp, pay_method: 'card', cancel_amount: 9_000 },
      });
    });

    it('the rest cancelled after a partial cancel cancels the order', () => {
      const order = anOrder({ status: 'partially_cancelled', imp_uid: paidImp, cancel_amount: 4_000 });

      const decision = decideV1(order, aPayment({ status: 'cancelled', cancel_amount: 14_000 }), options);

      expect(decision).toMatchObject({
        kind: 'transition',
        to: 'cancelled',
        patch: { cancel_amount: 14_000 },
      });
    });

    it('of an attempt that did not decide the order changes nothing', () => {
      const order = anOrder({ status: 'paid', imp_uid: otherImp });

      const decision = decideV1(order, aPayment({ status: 'cancelled', cancel_amount: 14_000 }), options);

      expect(decision).toEqual({ kind: 'unchanged', reason: 'a fully refunded attempt decides nothing' });
    });

    it('of another attempt that still holds money refunds the rest as a second charge', () => {
      const order = anOrder({ status: 'paid', imp_uid: otherImp });

      const decision = decideV1(order, aPayment({ status: 'cancelled', cancel_amount: 4_000 }), options);

      expect(decision).toMatchObject({
        kind: 'refund',
        refund: { balance: 10_000, reason: 'duplicate_payment' },
      });
    });

    it('makes a failed order partially_cancelled when the attempt seen is partly refunded', () => {
      const decision = decideV1(
        anOrder({ status: 'failed', imp_uid: otherImp }),
        aPayment({ status: 'cancelled', cancel_amount: 4_000 }),
        options,
      );

      expect(decision).toMatchObject({ kind: 'transition', to: 'partially_cancelled' });
    });
  });

  describe('a test-channel payment', () => {
    it('is refused unless sandbox payments are accepted, whatever its status', () => {
      for (const status of ['paid', 'ready', 'failed', 'cancelled']) {
        expect(decideV1(anOrder(), aPayment({ sandbox: true, status }), options)).toEqual({
          kind: 'sandbox_refused',
        });
      }
    });

    it('is decided like any other when sandbox payments are accepted', () => {
      const decision = decideV1(anOrder(), aPayment({ sandbox: true }), {
        ...options,
        acceptSandboxPayments: true,
      });

      expect(decision).toMatchObject({ kind: 'transition', to: 'paid' });
    });
  });

  it('leaves the order alone on a status PortOne adds later', () => {
    const decision = decideV1(anOrder(), aPayment({ status: 'partial_refunded' }), options);

    expect(decision).toEqual({ kind: 'unchanged', reason: 'unknown payment status partial_refunded' });
  });
});

describe('Function: decide (regressions)', () => {
  const options = { acceptSandboxPayments: false, refundLeaseMs: 60_000, now: FIXED_NOW };

  it('does not settle our refund on a partial cancel: the rest is still owed', () => {
    const order = anOrder({
      status: 'forgery',
      imp_uid: 'imp_100000000001',
      refunds: [
        aRefund({
          imp_uid: 'imp_100000000001',
          amount: 100,
          status: 'requested',
          requested_at: new Date(0).toISOString(),
        }),
      ],
    });
    const payment = aPayment({
      imp_uid: 'imp_100000000001',
      amount: 100,
      status: 'cancelled',
      cancel_amount: 30,
    });

    expect(decideV1(order, payment, options)).toEqual({
      kind: 'refund',
      refund: { imp_uid: 'imp_100000000001', balance: 70, reason: 'forgery' },
    });
  });

  it('leaves a failed refund to a person even when the console cancelled part of it', () => {
    const order = anOrder({
      status: 'forgery',
      imp_uid: 'imp_100000000001',
      refunds: [aRefund({ imp_uid: 'imp_100000000001', amount: 100, status: 'failed' })],
    });
    const payment = aPayment({
      imp_uid: 'imp_100000000001',
      amount: 100,
      status: 'cancelled',
      cancel_amount: 30,
    });

    expect(decideV1(order, payment, options).kind).toBe('unchanged');
  });

  it('flags a paid amount of 0 as forgery without planning a refund of nothing', () => {
    const decision = decideV1(anOrder(), aPayment({ amount: 0 }), options);

    expect(decision).toMatchObject({ kind: 'transition', to: 'forgery' });
    expect(decision).not.toHaveProperty('refund');
  });

  it('refunds the rest of a tampered payment first seen already partly cancelled', () => {
    const payment = aPayment({ amount: 100, status: 'cancelled', cancel_amount: 30 });

    expect(decideV1(anOrder({ amount: 14_000 }), payment, options)).toMatchObject({
      kind: 'transition',
      to: 'forgery',
      refund: { balance: 70, reason: 'forgery' },
    });
  });

  it('takes a matching payment first seen partly cancelled as partially_cancelled', () => {
    const payment = aPayment({ amount: 14_000, status: 'cancelled', cancel_amount: 4_000 });

    expect(decideV1(anOrder({ amount: 14_000 }), payment, options)).toMatchObject({
      kind: 'transition',
      to: 'partially_cancelled',
      patch: { cancel_amount: 4_000 },
    });
  });
});
