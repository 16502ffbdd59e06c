import { describe, expect, it } from 'vitest';
import { awaitsResult, canTransition } from '../../../shared/orders/transitions';
import { type OrderStatus, orderStatuses } from '../../../shared/orders/types';

/**
 * docs/design.md §3, written out independently of the code: every forward move, and nothing else.
 * Beyond its core edges: failed → vbank_issued (a retry by vbank), a mismatched amount from any
 * pending, failed or expired order → forgery, expired → paid (money that moved after we gave up), forgery → paid |
 * vbank_issued | partially_cancelled (an honest attempt after a refunded tampered one, so arrival order does not matter),
 * partially_cancelled from any status without accepted money (an attempt first seen partly refunded),
 * and partially_cancelled → partially_cancelled | cancelled (further refunds).
 */
const forward: Record<OrderStatus, readonly OrderStatus[]> = {
  pending: ['paid', 'vbank_issued', 'failed', 'forgery', 'cancelled', 'partially_cancelled', 'expired'],
  vbank_issued: ['paid', 'cancelled', 'partially_cancelled', 'expired'],
  failed: ['paid', 'vbank_issued', 'forgery', 'partially_cancelled'],
  paid: ['cancelled', 'partially_cancelled'],
  partially_cancelled: ['partially_cancelled', 'cancelled'],
  expired: ['paid', 'forgery', 'partially_cancelled'],
  forgery: ['paid', 'vbank_issued', 'partially_cancelled'],
  cancelled: [],
};

const pairs = orderStatuses.flatMap((from) =>
  orderStatuses.map((to) => ({ from, to, allowed: forward[from].includes(to) })),
);

describe('Function: canTransition', () => {
  it('covers all 64 pairs of statuses', () => {
    expect(pairs).toHaveLength(64);
    expect(pairs.filter((pair) => pair.allowed)).toHaveLength(25);
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
    ['forgery', 'failed'],
    ['forgery', 'cancelled'],
    ['failed', 'pending'],
    ['expired', 'pending'],
  ] as const)('never moves backwards: %s → %s is forbidden', (from, to) => {
    expect(canTransition(from, to)).toBe(false);
  });

  it('never returns to pending and never leaves cancelled', () => {
    for (const from of orderStatuses) expect(canTransition(from, 'pending')).toBe(false);
    for (const to of orderStatuses) expect(canTransition('cancelled', to)).toBe(false);
  });

  it('allows no self-transition except a further partial cancel', () => {
    const selfAllowed = orderStatuses.filter((status) => canTransition(status, status));

    expect(selfAllowed).toEqual(['partially_cancelled']);
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
