import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoV2ApiSecret, demoV2StoreId, type SandboxHandle, startSandbox } from '../../sandbox';
import { decide } from '../../shared/payments/decide';
import { createPortOneClient, type PortOneClient } from '../../shared/portone';
import { portoneProvider } from '../../shared/providers/portoneProvider';
import { anOrder, FIXED_NOW } from '../helpers/fakes';
import { sandboxControl } from '../helpers/stack';

/** Our V2 client and the V2 provider adapter against the sandbox's V2 API, over real HTTP. */
let sandbox: SandboxHandle;
let client: PortOneClient;

beforeAll(async () => {
  sandbox = await startSandbox();
  client = createPortOneClient({
    baseUrl: sandbox.v2Url,
    secret: demoV2ApiSecret,
    storeId: demoV2StoreId,
    timeoutMs: 2000,
  });
});

afterAll(async () => {
  await client.close();
  await sandbox.close();
});

let seq = 0;
async function pay(body: Record<string, unknown>): Promise<string> {
  seq += 1;
  const paymentId = `payment-provider-${Date.now()}-${seq}`;
  const created = await sandboxControl(sandbox, '/__sandbox/v2/payments', {
    paymentId,
    notify: false,
    ...body,
  });
  expect(created.status).toBe(201);
  return paymentId;
}

const options = { acceptSandboxPayments: false, refundLeaseMs: 60_000, now: FIXED_NOW };

describe('V2 provider over the sandbox', () => {
  it('finds the attempt by its paymentId and decides it like any other', async () => {
    const paymentId = await pay({ amount: 14_000 });
    const attempt = await portoneProvider(client).findDecisiveAttempt(paymentId, {
      acceptTestPayments: false,
    });

    expect(attempt).toMatchObject({
      api: 'v2',
      orderId: paymentId,
      state: 'paid',
      amount: 14_000,
      test: false,
    });
    expect(decide(anOrder({ merchant_uid: paymentId, amount: 14_000 }), attempt, options)).toMatchObject({
      kind: 'transition',
      to: 'paid',
    });
    expect(decide(anOrder({ merchant_uid: paymentId, amount: 15_000 }), attempt, options)).toMatchObject({
      kind: 'transition',
      to: 'forgery',
      refund: { balance: 14_000 },
    });
  });

  it('refuses a test-channel payment where the stage refuses them', async () => {
    const paymentId = await pay({ amount: 14_000, channel: 'TEST' });
    const attempt = await portoneProvider(client).findDecisiveAttempt(paymentId, {
      acceptTestPayments: false,
    });

    expect(attempt.test).toBe(true);
    expect(decide(anOrder({ merchant_uid: paymentId }), attempt, options)).toEqual({
      kind: 'sandbox_refused',
    });
  });

  it('cancels once: a retry of the same refund (its answer lost) replays the first cancel', async () => {
    const paymentId = await pay({ amount: 14_000 });
    const provider = portoneProvider(client);
    const attempt = await provider.findDecisiveAttempt(paymentId, { acceptTestPayments: false });
    const request = {
      attemptId: attempt.id,
      orderId: paymentId,
      amount: 14_000,
      checksum: 14_000,
      reason: 'amount mismatch',
    };

    const first = await provider.cancel(request);
    const retry = await provider.cancel(request);

    expect(first).toMatchObject({ kind: 'cancelled' });
    expect(retry).toEqual(first);
    const after = await provider.findDecisiveAttempt(paymentId, { acceptTestPayments: false });
    expect(after).toMatchObject({ state: 'cancelled', cancelledAmount: 14_000 });
    expect((await client.getPayment(paymentId)).cancellations).toHaveLength(1);
  });

  it('refuses a cancel whose balance is stale, and says "not found" for a paymentId PortOne lacks', async () => {
    const paymentId = await pay({ amount: 14_000 });
    const provider = portoneProvider(client);
    const attempt = await provider.findDecisiveAttempt(paymentId, { acceptTestPayments: false });

    const stale = await provider.cancel({
      attemptId: attempt.id,
      orderId: paymentId,
      amount: 100,
      checksum: 13_000,
      reason: 'x',
    });
    expect(stale).toMatchObject({ kind: 'refused' });
    await expect(
      provider.findDecisiveAttempt('payment-nobody-has', { acceptTestPayments: false }),
    ).rejects.toMatchObject({ name: 'AttemptNotFoundError' });
  });
});
