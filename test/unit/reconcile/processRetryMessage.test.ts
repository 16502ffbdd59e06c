import { describe, expect, it } from 'vitest';
import { IamportUnavailableError } from '../../../shared/iamport/errors';
import { iamportProvider } from '../../../shared/providers/iamportProvider';
import { processRetryMessage } from '../../../shared/reconcile/processRetryMessage';
import { MAX_SPECULATIVE_ATTEMPTS, MAX_TRANSIENT_ATTEMPTS } from '../../../shared/reconcile/schedule';
import { aPayment, FakeIamport, FakeRetryQueue, MemoryOrderStore } from '../../helpers/fakes';

function setup() {
  // Order events on, as deployed: each transition records its event with it.
  const orders = new MemoryOrderStore().withEvents();
  const queue = new FakeRetryQueue();
  const iamport = new FakeIamport(
    aPayment({ imp_uid: 'imp_1', merchant_uid: 'o1', amount: 100, status: 'paid' }),
  );
  const deps = {
    provider: iamportProvider(iamport),
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

describe('Function: processRetryMessage (notices PortOne was down for)', () => {
  it('verifies a final order again: the notice may be a cancellation made in the console', async () => {
    const { orders, iamport, deps } = setup();
    await orders.create({ merchant_uid: 'o1', amount: 100, currency: 'KRW' }, new Date(), 1);
    await processRetryMessage(deps, { merchant_uid: 'o1', reason: 'sweep', attempt: 1 });
    expect(orders.stored('o1').status).toBe('paid');
    // The merchant refunds in the console; its notice came while Iamport could not be reached.
    iamport.cancelFromConsole('imp_1');

    const result = await processRetryMessage(deps, {
      merchant_uid: 'o1',
      reason: 'iamport_unavailable',
      attempt: 1,
    });

    expect(result).toMatchObject({ kind: 'done', status: 'cancelled' });
    expect(orders.stored('o1').status).toBe('cancelled');
  });

  it('leaves an order that still awaits its result to its own chain of checks', async () => {
    const { orders, queue, iamport, deps } = setup();
    iamport.add(aPayment({ imp_uid: 'imp_2', merchant_uid: 'o2', amount: 100, status: 'ready' }));
    const dueAt = Math.floor(Date.now() / 1000) + 300;
    await orders.create({ merchant_uid: 'o2', amount: 100, currency: 'KRW' }, new Date(), dueAt);

    const result = await processRetryMessage(deps, {
      merchant_uid: 'o2',
      reason: 'iamport_unavailable',
      attempt: 3,
    });

    expect(result).toMatchObject({ kind: 'done' });
    expect(queue.sent).toEqual([]);
    expect(orders.stored('o2').check_due_at).toBe(dueAt);
  });

  it('retries it while Iamport is still down', async () => {
    const { orders, queue, iamport, deps } = setup();
    await orders.create({ merchant_uid: 'o1', amount: 100, currency: 'KRW' }, new Date(), 1);
    await processRetryMessage(deps, { merchant_uid: 'o1', reason: 'sweep', attempt: 1 });
    iamport.failNext('findAllPayments', 10).failNext('findPayment', 10).failNext('getPayment', 10);

    const result = await processRetryMessage(deps, {
      merchant_uid: 'o1',
      reason: 'iamport_unavailable',
      attempt: 1,
    });

    expect(result).toMatchObject({ kind: 'retry_scheduled', attempt: 2 });
    expect(queue.sent.at(-1)?.message).toMatchObject({ merchant_uid: 'o1', reason: 'iamport_unavailable' });
  });
});

describe('Function: processRetryMessage (speculative work)', () => {
  const junk = { imp_uid: 'imp_9123', reason: 'iamport_unavailable', speculative: true } as const;

  it('retries speculative work while attempts remain, and keeps it speculative', async () => {
    const { queue, iamport, deps } = setup();
    iamport.failNext('getPayment');

    const result = await processRetryMessage(deps, { ...junk, attempt: MAX_SPECULATIVE_ATTEMPTS - 1 });

    expect(result).toMatchObject({ kind: 'retry_scheduled', attempt: MAX_SPECULATIVE_ATTEMPTS });
    expect(queue.sent.map((s) => s.message)).toEqual([
      expect.objectContaining({ speculative: true, attempt: MAX_SPECULATIVE_ATTEMPTS }),
    ]);
  });

  it(`drops speculative work after ${MAX_SPECULATIVE_ATTEMPTS} attempts, without a dead letter`, async () => {
    const { queue, iamport, deps } = setup();
    const deadLetters: string[] = [];
    iamport.failNext('getPayment');

    const result = await processRetryMessage(
      { ...deps, deadLetters: { send: async (body: string) => void deadLetters.push(body) } },
      { ...junk, attempt: MAX_SPECULATIVE_ATTEMPTS },
    );

    expect(result).toEqual({ kind: 'abandoned', attempt: MAX_SPECULATIVE_ATTEMPTS });
    expect(queue.sent).toEqual([]);
    expect(deadLetters).toEqual([]);
    expect(iamport.calls.getPayment).toBe(1);
  });

  it('still dead-letters work for an order we hold once its many retries are spent', async () => {
    const { queue, iamport, deps } = setup();
    const deadLetters: string[] = [];
    iamport.failNext('getPayment');

    const result = await processRetryMessage(
      { ...deps, deadLetters: { send: async (body: string) => void deadLetters.push(body) } },
      { imp_uid: 'imp_1', reason: 'iamport_unavailable', attempt: MAX_TRANSIENT_ATTEMPTS },
    );

    expect(result).toEqual({ kind: 'dead_lettered' });
    expect(queue.sent).toEqual([]);
    expect(deadLetters).toHaveLength(1);
  });
});
