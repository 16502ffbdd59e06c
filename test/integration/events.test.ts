import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startDynamoAnswersProxy } from '../../local/dynamoAnswers';
import { type DispatchDeps, OUTBOX_GRACE_SECONDS } from '../../shared/events/dispatchOutbox';
import { sweepOutbox } from '../../shared/events/sweepOutbox';
import type { OrderStore } from '../../shared/orders/store';
import type { Order } from '../../shared/orders/types';
import { type VerifyDeps, verifyPayment } from '../../shared/payments/verifyPayment';
import { createPorts } from '../../shared/runtime/deps';
import { eventTargetsConfigured } from '../../shared/runtime/events';
import { verifyDeps, verifyPorts } from '../../shared/runtime/flows';
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

/** Every event of the order went out: its outbox is empty and it left the outbox index. */
async function expectOutboxEmpty(merchantUid: string) {
  const order = await stored(merchantUid);
  expect(order.outbox).toEqual({});
  expect(order.outbox_bucket).toBeUndefined();
}

/** A sweep run as if enough time passed for every waiting event to be due. */
function sweepLater(minutes = 60, deps: DispatchDeps = dispatch) {
  return sweepOutbox({ ...deps, orders }, new Date(Date.now() + minutes * 60_000));
}

/**
 * Verification as a function whose writes the stream never sees (its change lost, the delivery
 * function unable to run): straight to dynalite, past the change feed. The sweeper is then the only way.
 */
async function unseen(): Promise<{ deps: VerifyDeps; close(): Promise<void> }> {
  const config = testConfig({
    IAMPORT_BASE_URL: stack.sandbox.url,
    DYNAMODB_ENDPOINT: inject('dynamoEndpoint'),
  });
  const ports = await createPorts(config, verifyPorts, {
    queue: stack.queue,
    dispatch,
  });
  return { deps: verifyDeps(config, ports), close: () => ports.close() };
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
    await stack.delivered();

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
    await stack.delivered();

    // The transition's own change found the refund still `requested` and held the event; the write
    // that settled the refund sent it, once.
    expect(target.of(merchantUid)).toHaveLength(1);
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

  it('sends nothing inside the request: one conditional write, the event delivered after it', async () => {
    // The verifying function's DynamoDB requests, counted in front of the change feed.
    const counter = await startDynamoAnswersProxy(stack.feed.endpoint);
    const config = testConfig({ IAMPORT_BASE_URL: stack.sandbox.url, DYNAMODB_ENDPOINT: counter.endpoint });
    const ports = await createPorts(config, verifyPorts, {
      queue: stack.queue,
      dispatch,
    });
    try {
      const merchantUid = await created();
      const payment = await payInSandbox(stack.sandbox, { merchant_uid: merchantUid, amount: 10_000 });
      await stack.delivered();
      counter.reset();

      const outcome = await verifyPayment(verifyDeps(config, ports), {
        impUid: payment.imp_uid,
        source: 'webhook',
      });

      expect(outcome).toMatchObject({ kind: 'decided', changed: true, order: { status: 'paid' } });
      expect(counter.counts).toEqual({ UpdateItem: 1 });
      expect(outcome.kind === 'decided' && Object.keys(outcome.order.outbox ?? {})).toEqual(['v2']);
      await stack.delivered();
      expect(target.of(merchantUid).map((e) => e.id)).toEqual([`${merchantUid}:2`]);
      expect((await stored(merchantUid)).outbox_bucket).toBeUndefined();
    } finally {
      await ports.close();
      await counter.close();
    }
  });

  it('retries a refused send through the stream, with the same id', async () => {
    const merchantUid = await created();
    const payment = await payInSandbox(stack.sandbox, { merchant_uid: merchantUid, amount: 10_000 });
    await stack.delivered();
    const retried = stack.feed.stats.retried;
    target.failNextFor(merchantUid, 2);

    await verifyPayment(deps, { impUid: payment.imp_uid, source: 'complete' });
    await stack.delivered();

    expect(stack.feed.stats.retried - retried).toBe(2);
    expect(target.of(merchantUid).map((e) => e.id)).toEqual([`${merchantUid}:2`]);
    await expectOutboxEmpty(merchantUid);
  });

  it('leaves an event the stream gave up on to the sweeper, which backs off and delivers it, same id', async () => {
    const merchantUid = await created();
    const payment = await payInSandbox(stack.sandbox, { merchant_uid: merchantUid, amount: 10_000 });
    await stack.delivered();
    const failed = stack.feed.stats.failed;
    // Down for longer than the stream retries (its 5 retries), and for the sweeper's first try. Only
    // this order's events fail: the sweeps below, a simulated hour later, meet other suites' orders too.
    target.failNextFor(merchantUid, 7);

    await verifyPayment(deps, { impUid: payment.imp_uid, source: 'complete' });
    await stack.delivered();
    expect(stack.feed.stats.failed - failed).toBe(1);
    expect(target.of(merchantUid)).toHaveLength(0);
    expect(Object.values((await stored(merchantUid)).outbox ?? {})).toEqual([
      expect.objectContaining({ attempts: 0, delivered_to: [] }),
    ]);

    // Within the grace the event is the stream's; past it the sweeper's first try fails and backs off.
    await sweepOutbox({ ...dispatch, orders }, new Date());
    await sweepLater(OUTBOX_GRACE_SECONDS / 60 + 1);
    await stack.delivered();
    expect(target.of(merchantUid)).toHaveLength(0);
    expect(Object.values((await stored(merchantUid)).outbox ?? {})).toEqual([
      expect.objectContaining({ attempts: 1, delivered_to: [] }),
    ]);
    await sweepLater(24 * 60);
    await stack.delivered();
    expect(target.of(merchantUid).map((e) => e.id)).toEqual([`${merchantUid}:2`]);
    await expectOutboxEmpty(merchantUid);
  });

  it('delivers through the sweeper an event whose change the stream never saw', async () => {
    const merchantUid = await created();
    const payment = await payInSandbox(stack.sandbox, { merchant_uid: merchantUid, amount: 10_000 });
    const blind = await unseen();
    await verifyPayment(blind.deps, { impUid: payment.imp_uid, source: 'webhook' });
    await blind.close();
    await stack.delivered();
    expect((await stored(merchantUid)).status).toBe('paid');
    expect(target.of(merchantUid)).toHaveLength(0);

    // Within the grace period the event is left to the stream.
    await sweepOutbox({ ...dispatch, orders }, new Date());
    expect(target.of(merchantUid)).toHaveLength(0);
    await sweepLater(OUTBOX_GRACE_SECONDS / 60 + 1);
    expect(target.of(merchantUid).map((e) => [e.id, e.type])).toEqual([[`${merchantUid}:2`, 'order.paid']]);
  });

  it('re-sends with the same id when the send succeeded but its bookkeeping was lost', async () => {
    const merchantUid = await created();
    const payment = await payInSandbox(stack.sandbox, { merchant_uid: merchantUid, amount: 10_000 });
    const lostAck: DispatchDeps = {
      ...dispatch,
      outbox: { ...dispatch.outbox, remove: async () => undefined, postpone: async () => undefined },
    };
    const blind = await unseen();
    await verifyPayment(blind.deps, { impUid: payment.imp_uid, source: 'complete' });
    await blind.close();

    await sweepLater(OUTBOX_GRACE_SECONDS / 60 + 1, lostAck);
    await sweepLater(OUTBOX_GRACE_SECONDS / 60 + 1);
    const ids = target.of(merchantUid).map((e) => e.id);
    expect(ids).toEqual([`${merchantUid}:2`, `${merchantUid}:2`]);
  });

  it('records nothing when no target is configured', async () => {
    // Wired as a function of a stage without EVENT_BUS_NAME, MERCHANT_WEBHOOK_URL or EVENT_LOG.
    const config = testConfig({ IAMPORT_BASE_URL: stack.sandbox.url });
    const ports = await createPorts(config, verifyPorts, { queue: stack.queue });
    const quiet = ports.orders;
    expect(eventTargetsConfigured(config)).toBe(false);
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
