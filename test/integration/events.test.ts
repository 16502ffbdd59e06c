import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrderEvents, type DispatchDeps } from '../../shared/events/dispatchOutbox';
import { sweepOutbox } from '../../shared/events/sweepOutbox';
import { createLogger } from '../../shared/logger';
import type { OrderStore } from '../../shared/orders/store';
import type { Order } from '../../shared/orders/types';
import { type VerifyDeps, verifyPayment } from '../../shared/payments/verifyPayment';
import { createPorts, verifyDeps, verifyPorts } from '../../shared/runtime/deps';
import type { RecordingTarget } from '../helpers/recordingTarget';
import {
  payInSandbox,
  sandboxControl,
  startTestStack,
  type TestStack,
  uniqueMerchantUid,
} from '../helpers/stack';
import { testConfig } from '../helpers/testConfig';

let stack: TestStack;
let orders: OrderStore;
let target: RecordingTarget;
let dispatch: DispatchDeps;
let deps: VerifyDeps;

beforeAll(async () => {
  // Order events are on in the stack, as deployed: its own recording target over the table's outbox.
  stack = await startTestStack();
  ({ orders, events: target, dispatch, deps } = stack);
});

afterAll(async () => {
  await stack.close();
});

async function created(amount = 10_000): Promise<string> {
  const merchantUid = uniqueMerchantUid('events');
  await orders.create({ merchant_uid: merchantUid, amount, currency: 'KRW' }, new Date());
  return merchantUid;
}

async function stored(merchantUid: string): Promise<Order> {
  const order = await orders.get(merchantUid);
  if (!order) throw new Error('missing order');
  return order;
}

/** A sweep run as if enough time passed for every waiting event to be due. */
function sweepLater(minutes = 60) {
  return sweepOutbox({ ...dispatch, orders }, new Date(Date.now() + minutes * 60_000));
}

describe('order events', () => {
  it('yields exactly one event per transition, with the order version as its id', async () => {
    const merchantUid = await created(20_000);
    const payment = await payInSandbox(stack.sandbox, { merchant_uid: merchantUid, amount: 20_000 });
    await verifyPayment(deps, { impUid: payment.imp_uid, source: 'complete' });
    await verifyPayment(deps, { impUid: payment.imp_uid, source: 'webhook' });
    await sandboxControl(stack.sandbox, `/__sandbox/payments/${payment.imp_uid}/cancel`, { amount: 5_000 });
    await verifyPayment(deps, { impUid: payment.imp_uid, source: 'webhook' });
    await sandboxControl(stack.sandbox, `/__sandbox/payments/${payment.imp_uid}/cancel`, {});
    await verifyPayment(deps, { impUid: payment.imp_uid, source: 'webhook' });

    expect(target.of(merchantUid).map((e) => [e.id, e.type, e.previous_status, e.status])).toEqual([
      [`${merchantUid}:2`, 'order.paid', 'pending', 'paid'],
      [`${merchantUid}:3`, 'order.partially_cancelled', 'paid', 'partially_cancelled'],
      [`${merchantUid}:4`, 'order.cancelled', 'partially_cancelled', 'cancelled'],
    ]);
    const paid = target.of(merchantUid)[0];
    expect(paid).toMatchObject({ imp_uid: payment.imp_uid, amount: 20_000, currency: 'KRW', version: 2 });
    expect(JSON.stringify(paid)).not.toMatch(/buyer|tel|email|addr/i);
    const order = await stored(merchantUid);
    expect(order.outbox).toEqual({});
    expect(order.outbox_bucket).toBeUndefined();
  });

  it('sends order.forgery after the refund, carrying its result', async () => {
    const merchantUid = await created(14_000);
    const payment = await payInSandbox(stack.sandbox, { merchant_uid: merchantUid, amount: 100 });
    await verifyPayment(deps, { impUid: payment.imp_uid, source: 'complete' });

    const [forgery] = target.of(merchantUid);
    expect(forgery).toMatchObject({
      type: 'order.forgery',
      status: 'forgery',
      refund: {
        imp_uid: payment.imp_uid,
        amount: 100,
        status: 'done',
        reason: 'forgery',
        cancellation_id: expect.any(String),
      },
    });
  });

  it('retries a failed send until it is delivered, with the same id', async () => {
    const merchantUid = await created();
    const payment = await payInSandbox(stack.sandbox, { merchant_uid: merchantUid, amount: 10_000 });
    target.failNext = 2;
    await verifyPayment(deps, { impUid: payment.imp_uid, source: 'complete' });
    expect(target.of(merchantUid)).toHaveLength(0);
    const waiting = await stored(merchantUid);
    expect(Object.values(waiting.outbox ?? {})).toEqual([
      expect.objectContaining({ attempts: 1, delivered_to: [] }),
    ]);

    await sweepLater(); // fails again (second failure), backs off further
    expect(target.of(merchantUid)).toHaveLength(0);
    await sweepLater(24 * 60);
    expect(target.of(merchantUid).map((e) => e.id)).toEqual([`${merchantUid}:2`]);
    const done = await stored(merchantUid);
    expect(done.outbox).toEqual({});
    expect(done.outbox_bucket).toBeUndefined();
  });

  it('delivers through the sweeper when the process died between the state change and the send', async () => {
    const merchantUid = await created();
    const payment = await payInSandbox(stack.sandbox, { merchant_uid: merchantUid, amount: 10_000 });
    // The crash: the transition is written, then nothing is sent.
    const crashed: VerifyDeps = { ...deps, events: { publish: async () => undefined } };
    await verifyPayment(crashed, { impUid: payment.imp_uid, source: 'webhook' });
    expect((await stored(merchantUid)).status).toBe('paid');
    expect(target.of(merchantUid)).toHaveLength(0);

    // Within the grace period the event is left to the verification that wrote it.
    await sweepOutbox({ ...dispatch, orders }, new Date());
    expect(target.of(merchantUid)).toHaveLength(0);
    await sweepLater(2);
    expect(target.of(merchantUid).map((e) => [e.id, e.type])).toEqual([[`${merchantUid}:2`, 'order.paid']]);
  });

  it('re-sends with the same id when the send succeeded but its bookkeeping was lost', async () => {
    const merchantUid = await created();
    const payment = await payInSandbox(stack.sandbox, { merchant_uid: merchantUid, amount: 10_000 });
    const lostAck: DispatchDeps = {
      ...dispatch,
      outbox: { ...dispatch.outbox, remove: async () => undefined, postpone: async () => undefined },
    };
    await verifyPayment(
      { ...deps, events: createOrderEvents(lostAck) },
      { impUid: payment.imp_uid, source: 'complete' },
    );
    await sweepLater(2);
    const ids = target.of(merchantUid).map((e) => e.id);
    expect(ids).toEqual([`${merchantUid}:2`, `${merchantUid}:2`]);
  });

  it('records nothing when no target is configured', async () => {
    // Wired as a function of a stage without EVENT_BUS_NAME, MERCHANT_WEBHOOK_URL or EVENT_LOG.
    const config = testConfig({ IAMPORT_BASE_URL: stack.sandbox.url });
    const ports = await createPorts(config, createLogger('test'), verifyPorts, { queue: stack.queue });
    const quiet = ports.orders;
    expect(ports.dispatch.targets).toEqual([]);
    const merchantUid = uniqueMerchantUid('quiet');
    await quiet.create({ merchant_uid: merchantUid, amount: 1_000, currency: 'KRW' }, new Date());
    const payment = await payInSandbox(stack.sandbox, { merchant_uid: merchantUid, amount: 1_000 });
    await verifyPayment(verifyDeps(config, ports), { impUid: payment.imp_uid, source: 'complete' });
    await ports.close();
    const order = await stored(merchantUid);
    expect(order.status).toBe('paid');
    expect(order.outbox).toEqual({});
    expect(order.outbox_bucket).toBeUndefined();
  });
});
