import { describe, expect, it } from 'vitest';
import { hotPathProbe } from '../../../shared/orders/writePlans';
import { FIXED_NOW, MemoryOrderStore } from '../../helpers/fakes';

describe('Function: hotPathProbe', () => {
  it('stands for exactly the orders the hot path applies to: pending, version 1, this amount and currency', async () => {
    const expected = { amount: 14_000, currency: 'KRW' };
    const store = new MemoryOrderStore(hotPathProbe('order_1', expected));
    const write = { to: 'paid', source: 'webhook', patch: { imp_uid: 'imp_1' } } as const;

    const other = await store.transitionFromPending(
      'order_1',
      { ...expected, amount: 14_001 },
      write,
      FIXED_NOW,
    );
    const paid = await store.transitionFromPending('order_1', expected, write, FIXED_NOW);

    expect(other).toMatchObject({ applied: false, stored: { status: 'pending', version: 1 } });
    expect(paid).toMatchObject({ applied: true, order: { status: 'paid', version: 2 } });
  });
});
