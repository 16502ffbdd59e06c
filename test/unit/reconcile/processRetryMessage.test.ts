import { describe, expect, it } from 'vitest';
import { IamportUnavailableError } from '../../../shared/iamport/errors';
import { processRetryMessage } from '../../../shared/reconcile/processRetryMessage';
import { aPayment, FakeIamport, FakeRetryQueue, MemoryOrderStore } from '../../helpers/fakes';

function setup() {
  const orders = new MemoryOrderStore();
  const queue = new FakeRetryQueue();
  const iamport = new FakeIamport(
    aPayment({ imp_uid: 'imp_1', merchant_uid: 'o1', amount: 100, status: 'paid' }),
  );
  const deps = {
    iamport,
    orders,
    queue,
    acceptSandboxPayments: false,
    deadLetters: { send: async () => undefined },
    settings: { reconcileAfterSeconds: 1, reconcileMaxAgeSeconds: 3600, retryBaseSeconds: 1 },
  };
  return { orders, queue, iamport, deps };
}

describe('Function: processRetryMessage (open refunds)', () => {
  it('finishes a forgery refund whose cancel failed, though the order is already final', async () => {
    const { orders, queue, iamport, deps } = setup();
    await orders.create({ merchant_uid: 'o1', amount: 10_000, currency: 'KRW' }, new Date(), 1);
    iamport.failNext('cancelPayment', 1, { error: () => new IamportUnavailableError('cancelPayment: 503') });

    const first = await processRetryMessage(deps, { merchant_uid: 'o1', reason: 'sweep', attempt: 1 });
    expect(first.kind).toBe('retry_scheduled');
    expect(orders.stored('o1')).toMatchObject({ status: 'forgery', refunds: [{ status: 'requested' }] });
    // While the refund is open the order stays in the sweeper's index, even though it is final.
    expect(orders.stored('o1').check_due_at).toBeDefined();

    const retry = queue.sent.at(-1)?.message;
    if (!retry) throw new Error('no retry queued');
    await processRetryMessage(deps, retry);

    expect(iamport.successfulCancels).toHaveLength(1);
    expect(orders.stored('o1').refunds).toEqual([
      expect.objectContaining({ imp_uid: 'imp_1', status: 'done' }),
    ]);
    expect(orders.stored('o1').check_due_at).toBeUndefined();
  });

  it('takes a final order with nothing open out of the sweeper index', async () => {
    const { orders, deps } = setup();
    await orders.create({ merchant_uid: 'o1', amount: 100, currency: 'KRW' }, new Date(), 1);
    await processRetryMessage(deps, { merchant_uid: 'o1', reason: 'sweep', attempt: 1 });
    expect(orders.stored('o1').status).toBe('paid');

    const again = await processRetryMessage(deps, { merchant_uid: 'o1', reason: 'sweep', attempt: 1 });
    expect(again).toMatchObject({ kind: 'done', outcome: 'already_final' });
    expect(orders.stored('o1').check_due_at).toBeUndefined();
  });
});
