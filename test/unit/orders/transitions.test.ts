import { describe, expect, it } from 'vitest';
import { awaitsResult, canTransition, isSettled } from '../../../shared/orders/transitions';
import { type OrderStatus, orderStatuses } from '../../../shared/orders/types';

/**
 * Design §3, written out independently of the code: every forward move, and nothing else.
 * Beyond the design's list: failed → vbank_issued (a retry by vbank), a mismatched amount from any
 * waiting status → forgery, expired → paid (money that moved after we gave up), and
 * partially_cancelled → partially_cancelled | cancelled (further refunds), and pending →
 * partially_cancelled (a payment first heard of after the merchant partly refunded it).
 */
const forward: Record<OrderStatus, readonly OrderStatus[]> = {
  pending: ['paid', 'vbank_issued', 'failed', 'forgery', 'cancelled', 'partially_cancelled', 'expired'],
  vbank_issued: ['paid', 'cancelled', 'expired', 'forgery'],
  failed: ['paid', 'vbank_issued', 'forgery'],
  paid: ['cancelled', 'partially_cancelled'],
  partially_cancelled: ['partially_cancelled', 'cancelled'],
  expired: ['paid', 'forgery'],
  forgery: [],
  cancelled: [],
};

const pairs = orderStatuses.flatMap((from) =>
  orderStatuses.map((to) => ({ from, to, allowed: forward[from].includes(to) })),
);

describe('Function: canTransition', () => {
  it('covers all 64 pairs of statuses', () => {
    expect(pairs).toHaveLength(64);
    expect(pairs.filter((pair) => pair.allowed)).toHaveLength(20);
  });

  it.each(pairs)('$from → $to allowed: $allowed', ({ from, to, allowed }) => {
    expect(canTransition(from, to)).toBe(allowed);
  });

  it.each([
    ['paid', 'pending'],
    ['paid', 'failed'],
    ['paid', 'vbank_issued'],
    ['paid', 'expired'],
    ['paid', 'forgery'],
    ['vbank_issued', 'failed'],
    ['vbank_issued', 'pending'],
    ['cancelled', 'paid'],
    ['partially_cancelled', 'paid'],
    ['forgery', 'paid'],
    ['failed', 'pending'],
    ['expired', 'pending'],
  ] as const)('never moves backwards: %s → %s is forbidden', (from, to) => {
    expect(canTransition(from, to)).toBe(false);
  });

  it('never returns to pending and never leaves a terminal status', () => {
    for (const from of orderStatuses) expect(canTransition(from, 'pending')).toBe(false);
    for (const to of orderStatuses) {
      expect(canTransition('cancelled', to)).toBe(false);
      expect(canTransition('forgery', to)).toBe(false);
    }
  });

  it('allows no self-transition except a further partial cancel', () => {
    const selfAllowed = orderStatuses.filter((status) => canTransition(status, status));

    expect(selfAllowed).toEqual(['partially_cancelled']);
  });
});

describe('Function: isSettled', () => {
  it.each(orderStatuses.map((status) => [status]))('%s', (status) => {
    const settled = ['paid', 'partially_cancelled', 'cancelled', 'forgery'].includes(status);

    expect(isSettled(status)).toBe(settled);
  });
});

describe('Function: awaitsResult', () => {
  it.each(['pending', 'vbank_issued'] as const)('keeps watching %s', (status) => {
    expect(awaitsResult(status)).toBe(true);
  });

  it.each(['paid', 'partially_cancelled', 'cancelled', 'forgery', 'expired'] as const)(
    'stops watching %s',
    (status) => {
      expect(awaitsResult(status)).toBe(false);
    },
  );
});
