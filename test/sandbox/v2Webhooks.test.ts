import { Webhook as PortOneWebhook } from '@portone/server-sdk';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  demoV2StoreId,
  demoV2WebhookSecret,
  type SandboxHandle,
  startSandbox,
  type V2WebhookDelivery,
  v2RetryDelaysMinutes,
} from '../../sandbox/index';
import { type Received, type Receiver, startReceiver } from './helpers';
import { control, createV2Payment, v2Call } from './v2helpers';

// The real clock: standardwebhooks' verify() checks webhook-timestamp against Date.now (5-minute tolerance).
const receiver: Receiver = await startReceiver();
const sandbox: SandboxHandle = await startSandbox({ v2WebhookUrl: `${receiver.url}/portone-webhook` });
afterAll(() => Promise.all([sandbox.close(), receiver.close()]));
beforeEach(() => {
  sandbox.state.reset();
  // reset() puts the configured URL back; the receiver answers 200 until a test says otherwise.
  receiver.status = 200;
  receiver.received.length = 0;
});

const headerOf = (r: Received, name: string): string => {
  const value = r.headers[name];
  if (typeof value !== 'string') throw new Error(`no ${name} header`);
  return value;
};
const signatureHeaders = (r: Received) => ({
  'webhook-id': headerOf(r, 'webhook-id'),
  'webhook-timestamp': headerOf(r, 'webhook-timestamp'),
  'webhook-signature': headerOf(r, 'webhook-signature'),
});
/** The signature recomputed with the reference package: valid whatever the sandbox clock says. */
const signedWith = (secret: string, r: Received): boolean =>
  new Webhook(secret).sign(
    headerOf(r, 'webhook-id'),
    new Date(Number(headerOf(r, 'webhook-timestamp')) * 1000),
    r.body,
  ) === headerOf(r, 'webhook-signature');
const deliveries = async (): Promise<V2WebhookDelivery[]> =>
  (await control(sandbox, 'GET', '/__sandbox/v2/webhooks?wait=true')).body as V2WebhookDelivery[];
const bodies = () => receiver.received.map((r) => JSON.parse(r.body) as unknown);

describe('V2 webhooks, version 2024-04-25', () => {
  it('signs per Standard Webhooks: verified by standardwebhooks and by the PortOne SDK', async () => {
    const payment = await createV2Payment(sandbox, { paymentId: 'pay_wh', amount: 1000, notify: true });
    await sandbox.idle();
    const [notice] = receiver.received;
    if (notice === undefined) throw new Error('no webhook');
    expect(notice).toMatchObject({ method: 'POST', url: '/portone-webhook' });
    expect(notice.headers['content-type']).toBe('application/json');
    expect(headerOf(notice, 'webhook-signature')).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);

    const expected = {
      type: 'Transaction.Paid',
      timestamp: payment.statusChangedAt,
      data: { paymentId: 'pay_wh', storeId: demoV2StoreId, transactionId: payment.transactionId },
    };
    expect(new Webhook(demoV2WebhookSecret).verify(notice.body, signatureHeaders(notice))).toEqual(expected);
    const verified = await PortOneWebhook.verify(demoV2WebhookSecret, notice.body, notice.headers);
    expect(verified).toEqual(expected);
    expect(() =>
      new Webhook(`whsec_${Buffer.from('another secret').toString('base64')}`).verify(
        notice.body,
        signatureHeaders(notice),
      ),
    ).toThrow();
  });

  it('announces every change: issued, deposited, failed, partial and full cancel (with cancellationId)', async () => {
    await createV2Payment(sandbox, {
      paymentId: 'pay_va',
      amount: 5000,
      status: 'VIRTUAL_ACCOUNT_ISSUED',
      notify: true,
    });
    await control(sandbox, 'POST', '/__sandbox/v2/payments/pay_va/deposit', {});
    await v2Call(sandbox, 'POST', '/payments/pay_va/cancel', { json: { reason: 'r', amount: 1000 } });
    await v2Call(sandbox, 'POST', '/payments/pay_va/cancel', {
      json: { reason: 'r', skipWebhook: true, amount: 1000 },
    });
    await control(sandbox, 'POST', '/__sandbox/v2/payments/pay_va/cancel', {});
    await createV2Payment(sandbox, { paymentId: 'pay_no', amount: 5000, status: 'FAILED', notify: true });
    await sandbox.idle();

    const cancellations = sandbox.state.v2.payments.get('pay_va')?.cancellations.map((c) => c.id) ?? [];
    expect(bodies()).toMatchObject([
      { type: 'Transaction.VirtualAccountIssued', data: { paymentId: 'pay_va' } },
      { type: 'Transaction.Paid', data: { paymentId: 'pay_va' } },
      { type: 'Transaction.PartialCancelled', data: { cancellationId: cancellations[0] } },
      { type: 'Transaction.Cancelled', data: { cancellationId: cancellations[2] } },
      { type: 'Transaction.Failed', data: { paymentId: 'pay_no' } },
    ]);
    expect(receiver.received.every((r) => signedWith(demoV2WebhookSecret, r))).toBe(true);
  });
});

describe('V2 webhooks, version 2024-01-01', () => {
  it('sends {payment_id, tx_id, status} as JSON or as a form, signed too', async () => {
    await control(sandbox, 'PUT', '/__sandbox/v2/config', { webhookVersion: '2024-01-01' });
    const payment = await createV2Payment(sandbox, { paymentId: 'pay_old', amount: 1000, notify: true });
    await control(sandbox, 'PUT', '/__sandbox/v2/config', { webhookFormat: 'form' });
    await v2Call(sandbox, 'POST', '/payments/pay_old/cancel', { json: { reason: 'r', amount: 10 } });
    await sandbox.idle();

    const [json, form] = receiver.received;
    if (json === undefined || form === undefined) throw new Error('missing webhooks');
    expect(JSON.parse(json.body)).toEqual({
      payment_id: 'pay_old',
      tx_id: payment.transactionId,
      status: 'Paid',
    });
    expect(form.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(form.body))).toEqual({
      payment_id: 'pay_old',
      tx_id: payment.transactionId,
      status: 'PartialCancelled',
    });
    expect(signedWith(demoV2WebhookSecret, json) && signedWith(demoV2WebhookSecret, form)).toBe(true);
  });
});

describe('V2 webhook retries on the sandbox clock', () => {
  it('retries a non-2xx answer after 1, 4, 16, 64 and 256 minutes, then gives up', async () => {
    receiver.status = 500;
    await createV2Payment(sandbox, { paymentId: 'pay_retry', amount: 1000, notify: true });
    await sandbox.idle();
    expect(receiver.received).toHaveLength(1);
    const [queued] = await deliveries();
    expect(queued).toMatchObject({ state: 'retrying', nextAttemptAt: (queued?.at ?? 0) + 60_000 });

    for (const [i, minutes] of v2RetryDelaysMinutes.entries()) {
      sandbox.clock.advance(minutes * 60 - 1);
      await sandbox.idle();
      expect(receiver.received, `before retry ${i + 1}`).toHaveLength(i + 1);
      sandbox.clock.advance(1);
      await sandbox.idle();
      expect(receiver.received, `retry ${i + 1}`).toHaveLength(i + 2);
    }
    sandbox.clock.advance(24 * 3600);
    await sandbox.idle();
    expect(receiver.received).toHaveLength(6);

    const [delivery] = await deliveries();
    expect(delivery).toMatchObject({ state: 'failed', nextAttemptAt: null });
    expect(delivery?.attempts.map((a) => a.status)).toEqual([500, 500, 500, 500, 500, 500]);
    // One message: the same id and body on every attempt, each attempt signed at its own time.
    expect(new Set(receiver.received.map((r) => headerOf(r, 'webhook-id'))).size).toBe(1);
    expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);
    expect(new Set(receiver.received.map((r) => headerOf(r, 'webhook-timestamp'))).size).toBe(6);
    expect(receiver.received.every((r) => signedWith(demoV2WebhookSecret, r))).toBe(true);
  });

  it('retries after a network error, to the URL it was first sent to', async () => {
    const closed = await startReceiver();
    await closed.close();
    await control(sandbox, 'PUT', '/__sandbox/v2/config', { webhookUrl: closed.url });
    await createV2Payment(sandbox, { paymentId: 'pay_net', amount: 1000, notify: true });
    await sandbox.idle();
    const [failed] = await deliveries();
    expect(failed).toMatchObject({
      state: 'retrying',
      attempts: [{ status: null, error: expect.any(String) }],
    });

    // A retry goes where the notice was first sent, even after the configured URL changed.
    await control(sandbox, 'PUT', '/__sandbox/v2/config', { webhookUrl: receiver.url });
    sandbox.clock.advance(60);
    await sandbox.idle();
    const [after] = await deliveries();
    expect(after?.attempts.map((a) => a.status)).toEqual([null, null]);
    expect(receiver.received).toHaveLength(0);
    expect(after?.state).toBe('retrying');
  });

  it('sends a due retry by the wall clock too, without a test moving the clock', async () => {
    receiver.status = 500;
    await createV2Payment(sandbox, { paymentId: 'pay_wall', amount: 1000, notify: true });
    await sandbox.idle();
    sandbox.clock.advance(59.8);
    expect(receiver.received).toHaveLength(1);
    await expect.poll(() => receiver.received.length, { timeout: 3000 }).toBe(2);
  });

  it('delivers on a retry when the receiver recovers, and then sends no more', async () => {
    receiver.status = 503;
    await createV2Payment(sandbox, { paymentId: 'pay_ok', amount: 1000, notify: true });
    await sandbox.idle();
    receiver.status = 204;
    sandbox.clock.advance(60);
    await sandbox.idle();
    sandbox.clock.advance(3600);
    await sandbox.idle();
    expect(receiver.received).toHaveLength(2);
    expect((await deliveries())[0]).toMatchObject({ state: 'delivered', nextAttemptAt: null });
  });
});

describe('forged and unsigned notices on demand', () => {
  it('sends an unsigned notice, one signed with another secret, and one about an unknown payment', async () => {
    await createV2Payment(sandbox, { paymentId: 'pay_forge', amount: 1000, status: 'FAILED' });
    const other = `whsec_${Buffer.from('not the merchant secret').toString('base64')}`;
    const unsigned = await control(sandbox, 'POST', '/__sandbox/v2/webhooks/pay_forge', {
      type: 'Transaction.Paid',
      signed: false,
    });
    expect(unsigned.status).toBe(202);
    await control(sandbox, 'POST', '/__sandbox/v2/webhooks/pay_forge', { secret: other });
    await control(sandbox, 'POST', '/__sandbox/v2/webhooks/never-existed', {});
    await sandbox.idle();

    const [first, second, third] = receiver.received;
    if (!first || !second || !third) throw new Error('missing webhooks');
    expect(first.headers['webhook-signature']).toBeUndefined();
    expect(JSON.parse(first.body)).toMatchObject({
      type: 'Transaction.Paid',
      data: { paymentId: 'pay_forge' },
    });
    expect(JSON.parse(second.body)).toMatchObject({ type: 'Transaction.Failed' });
    expect(signedWith(other, second)).toBe(true);
    expect(signedWith(demoV2WebhookSecret, second)).toBe(false);
    expect(JSON.parse(third.body)).toMatchObject({
      type: 'Transaction.Paid',
      data: { paymentId: 'never-existed' },
    });
    expect(signedWith(demoV2WebhookSecret, third)).toBe(true);
  });

  it('answers 409 without a webhook URL, lists and clears the log', async () => {
    await control(sandbox, 'PUT', '/__sandbox/v2/config', { webhookUrl: null });
    const none = await control(sandbox, 'POST', '/__sandbox/v2/webhooks/pay_x', {});
    expect(none.status).toBe(409);
    expect(none.body).toMatchObject({ type: 'NO_WEBHOOK_URL' });
    await control(sandbox, 'POST', '/__sandbox/v2/webhooks/pay_x', {
      url: receiver.url,
      version: '2024-01-01',
    });
    expect(await deliveries()).toMatchObject([
      { paymentId: 'pay_x', version: '2024-01-01', state: 'delivered' },
    ]);
    expect((await control(sandbox, 'DELETE', '/__sandbox/v2/webhooks')).body).toEqual([]);
  });
});

describe('reset and V2 webhooks', () => {
  it('schedules no retry for an attempt that settles after a reset', async () => {
    receiver.status = 500;
    await createV2Payment(sandbox, { paymentId: 'pay_gone', amount: 1000, notify: true });
    sandbox.state.reset();
    await sandbox.idle();
    sandbox.clock.advance(3600);
    await sandbox.idle();
    expect(receiver.received).toHaveLength(1);
    expect(await deliveries()).toEqual([]);
  });
});
