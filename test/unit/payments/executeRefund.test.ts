import { describe, expect, it } from 'vitest';
import {
  IamportInvalidRequestError,
  IamportNotFoundError,
  IamportUnavailableError,
} from '../../../shared/iamport/errors';
import type { Order } from '../../../shared/orders/types';
import type { RefundPlan } from '../../../shared/payments/decide';
import { executeRefund } from '../../../shared/payments/executeRefund';
import { ProviderUnavailableError } from '../../../shared/payments/provider';
import { iamportProvider } from '../../../shared/providers/iamportProvider';
import {
  anOrder,
  aPayment,
  aRefund,
  FakeIamport,
  FIXED_NOW,
  IAMPORT_MESSAGES,
  MemoryOrderStore,
} from '../../helpers/fakes';

const IMP = 'imp_100000000001';
const plan: RefundPlan = { imp_uid: IMP, balance: 100, reason: 'forgery' };
const claimed: Order = anOrder({ status: 'forgery', imp_uid: IMP, refunds: [aRefund({ amount: 100 })] });

function setup(order: Order = claimed) {
  const store = new MemoryOrderStore(order);
  const iamport = new FakeIamport(aPayment({ amount: 100 }));
  return {
    store,
    iamport,
    deps: { provider: iamportProvider(iamport), orders: store, now: () => FIXED_NOW },
  };
}

describe('Function: executeRefund', () => {
  it('cancels the balance with it as checksum and records the refund done', async () => {
    const { iamport, deps } = setup();

    const order = await executeRefund(deps, claimed, plan);

    expect(iamport.cancels.map((c) => c.request)).toEqual([
      { imp_uid: IMP, amount: 100, checksum: 100, reason: 'amount mismatch (tampered payment)' },
    ]);
    expect(order.refunds).toEqual([
      {
        imp_uid: IMP,
        amount: 100,
        reason: 'forgery',
        status: 'done',
        requested_at: FIXED_NOW.toISOString(),
        completed_at: FIXED_NOW.toISOString(),
        cancellation_id: iamport.cancellationIds(IMP)[0],
      },
    ]);
    expect(order.revision).toBe(claimed.revision + 1);
  });

  it('gives a duplicate charge its own cancel reason', async () => {
    const duplicate = anOrder({
      status: 'paid',
      imp_uid: 'imp_200000000002',
      refunds: [aRefund({ amount: 100, reason: 'duplicate_payment' })],
    });
    const { iamport, deps } = setup(duplicate);

    await executeRefund(deps, duplicate, { ...plan, reason: 'duplicate_payment' });

    expect(iamport.cancels[0]?.request.reason).toBe('duplicate payment for a settled order');
  });

  it('refuses to cancel a refund that was not claimed first', async () => {
    const { iamport, deps } = setup(anOrder());

    await expect(executeRefund(deps, anOrder(), plan)).rejects.toThrow(
      `refund of ${IMP} was not claimed before cancelling`,
    );
    expect(iamport.calls.cancelPayment).toBe(0);
  });

  it('records "already fully cancelled" as done, without a cancellation_id', async () => {
    const { iamport, deps } = setup();
    iamport.cancelFromConsole(IMP);

    const order = await executeRefund(deps, claimed, plan);

    expect(order.refunds).toEqual([
      { ...aRefund({ amount: 100 }), status: 'done', completed_at: FIXED_NOW.toISOString() },
    ]);
  });

  it('releases the claim on a transient error and rethrows it', async () => {
    const { store, iamport, deps } = setup();
    iamport.failNext('cancelPayment');

    // The provider's outage, as the core's transient error (the Iamport error is its cause).
    const error = await executeRefund(deps, claimed, plan).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect((error as Error).cause).toBeInstanceOf(IamportUnavailableError);
    expect(store.stored(claimed.merchant_uid).refunds).toEqual([
      aRefund({ amount: 100, requested_at: '1970-01-01T00:00:00.000Z' }),
    ]);
  });

  it('records a permanent refusal as failed with Iamport’s message', async () => {
    const { iamport, deps } = setup();
    iamport.cancelFromConsole(IMP, 30);

    const order = await executeRefund(deps, claimed, plan);

    expect(order.refunds).toEqual([
      {
        ...aRefund({ amount: 100 }),
        status: 'failed',
        completed_at: FIXED_NOW.toISOString(),
        message: IAMPORT_MESSAGES.checksumMismatch,
      },
    ]);
  });

  it.each([
    ['an id no request could carry', () => new IamportInvalidRequestError('imp_uid refused')],
    ['no such payment', () => new IamportNotFoundError('imp_uid refused')],
  ])('records a cancel Iamport answers with %s as failed, not as an error', async (_, error) => {
    const { iamport, deps } = setup();
    iamport.failNext('cancelPayment', 1, { error });

    const order = await executeRefund(deps, claimed, plan);

    expect(order.refunds).toEqual([
      expect.objectContaining({
        status: 'failed',
        message: 'imp_uid refused',
        completed_at: FIXED_NOW.toISOString(),
      }),
    ]);
  });

  it('lets an unexpected error through without recording anything', async () => {
    const { store, iamport, deps } = setup();
    iamport.failNext('cancelPayment', 1, { error: () => new TypeError('socket hang up') });

    await expect(executeRefund(deps, claimed, plan)).rejects.toThrow('socket hang up');
    expect(store.stored(claimed.merchant_uid)).toEqual(claimed);
  });

  it('re-reads and records again when the order changed while Iamport cancelled', async () => {
    const { store, iamport, deps } = setup();
    store.interleave((s) => void s.concurrentTouch(claimed.merchant_uid));

    const order = await executeRefund(deps, claimed, plan);

    expect(store.conflicts).toBe(1);
    expect(store.calls.get).toBe(1);
    expect(order).toMatchObject({ revision: claimed.revision + 2, refunds: [{ status: 'done' }] });
    expect(iamport.successfulCancels).toHaveLength(1);
  });

  it('leaves the claim open when the provider accepted the cancel to finish it later', async () => {
    const { store, deps } = setup();
    const later = {
      ...deps,
      provider: { ...deps.provider, cancel: async () => ({ kind: 'pending' as const }) },
    };

    const order = await executeRefund(later, claimed, plan);

    expect(order).toEqual(claimed);
    expect(store.stored(claimed.merchant_uid).refunds).toEqual([aRefund({ amount: 100 })]);
  });
});
