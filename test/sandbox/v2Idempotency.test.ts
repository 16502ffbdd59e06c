import type { CancelPaymentResponse } from '@portone/server-sdk/payment';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { SandboxHandle, V2CancelPaymentResponse } from '../../sandbox/index';
import { start } from './helpers';
import { control, createV2Payment, portOne, sdkView, v2Call } from './v2helpers';

const sandbox: SandboxHandle = await start();
afterAll(() => sandbox.close());
beforeEach(() => sandbox.state.reset());

const key = 'idem-key-0123456789';
const cancel = (json: unknown, idempotencyKey: string = key, signal?: AbortSignal) =>
  fetch(`${sandbox.v2Url}/payments/pay_i/cancel`, {
    method: 'POST',
    headers: { ...portOne(), 'idempotency-key': idempotencyKey },
    body: JSON.stringify(json),
    ...(signal ? { signal } : {}),
  });
const answer = async (res: Response) => ({ status: res.status, body: (await res.json()) as unknown });
const cancelledAmount = () => sdkView(sandbox, 'pay_i').amount.cancelled;
const keyStatus = (k: string = key) => sandbox.state.v2.idempotency.status(k, sandbox.clock.now());

describe('Idempotency-Key on V2 POSTs', () => {
  beforeEach(async () => {
    await createV2Payment(sandbox, { paymentId: 'pay_i', amount: 10000 });
  });

  it('replays the stored answer (same status and body) without cancelling again', async () => {
    const first = await answer(await cancel({ reason: 'r', amount: 1000 }));
    expect(first.status).toBe(200);
    const replay = await answer(await cancel({ reason: 'r', amount: 1000 }));
    expect(replay).toEqual(first);
    const body = first.body as V2CancelPaymentResponse;
    body satisfies CancelPaymentResponse;
    expect(sdkView(sandbox, 'pay_i')).toMatchObject({
      amount: { cancelled: 1000 },
      cancellations: [body.cancellation],
    });
  });

  it('replays a refusal too, even after the state changed', async () => {
    const refused = await answer(await cancel({ reason: 'r', currentCancellableAmount: 1 }));
    expect(refused.status).toBe(409);
    await v2Call(sandbox, 'POST', '/payments/pay_i/cancel', { json: { reason: 'other', amount: 1 } });
    expect(await answer(await cancel({ reason: 'r', currentCancellableAmount: 1 }))).toEqual(refused);
  });

  it('answers 409 IDEMPOTENCY_OUTSTANDING_REQUEST while the first is running, then replays it', async () => {
    await control(sandbox, 'POST', '/__sandbox/faults', { rate: 1, delay_ms: 1000 });
    const first = cancel({ reason: 'r', amount: 2000 });
    await expect.poll(() => keyStatus()).toBe('outstanding');
    await control(sandbox, 'DELETE', '/__sandbox/faults');

    const meanwhile = await answer(await cancel({ reason: 'r', amount: 2000 }));
    expect(meanwhile.status).toBe(409);
    expect(meanwhile.body).toMatchObject({ type: 'IDEMPOTENCY_OUTSTANDING_REQUEST' });
    expect(cancelledAmount()).toBe(0);

    const done = await answer(await first);
    expect(done.status).toBe(200);
    expect(await answer(await cancel({ reason: 'r', amount: 2000 }))).toEqual(done);
    expect(cancelledAmount()).toBe(2000);
  });

  it('finishes a request whose client gave up, so a retry with the same key learns the outcome', async () => {
    await control(sandbox, 'POST', '/__sandbox/faults', { rate: 1, delay_ms: 300 });
    const gaveUp = new AbortController();
    const first = cancel({ reason: 'r', amount: 3000 }, key, gaveUp.signal);
    await expect.poll(() => keyStatus()).toBe('outstanding');
    gaveUp.abort();
    await expect(first).rejects.toThrow();
    await control(sandbox, 'DELETE', '/__sandbox/faults');
    await expect.poll(() => keyStatus(), { timeout: 2000 }).toBe('answered');
    const retry = await answer(await cancel({ reason: 'r', amount: 3000 }));
    expect(retry.status).toBe(200);
    expect(cancelledAmount()).toBe(3000);
  });

  it('keeps a key 3 hours on the sandbox clock', async () => {
    await cancel({ reason: 'r', amount: 1000 });
    sandbox.clock.advance(3 * 3600 - 1);
    await cancel({ reason: 'r', amount: 1000 });
    expect(cancelledAmount()).toBe(1000);
    sandbox.clock.advance(1);
    expect((await cancel({ reason: 'r', amount: 1000 })).status).toBe(200);
    expect(cancelledAmount()).toBe(2000);
  });

  it('frees the key of a call that failed with a fault, so the retry acts', async () => {
    await control(sandbox, 'POST', '/__sandbox/faults', { rate: 1, status: 503 });
    const failed = await answer(await cancel({ reason: 'r', amount: 1000 }));
    expect(failed).toMatchObject({ status: 503, body: { type: 'SERVICE_UNAVAILABLE' } });
    await control(sandbox, 'DELETE', '/__sandbox/faults');
    expect((await cancel({ reason: 'r', amount: 1000 })).status).toBe(200);
    expect(cancelledAmount()).toBe(1000);
  });

  it('takes an RFC 8941 quoted key as the same key, refuses bad keys and another request under a key', async () => {
    await cancel({ reason: 'r', amount: 1000 });
    expect((await cancel({ reason: 'r', amount: 1000 }, `"${key}"`)).status).toBe(200);
    expect(cancelledAmount()).toBe(1000);

    const reused = await answer(await cancel({ reason: 'r', amount: 999 }));
    expect(reused).toMatchObject({ status: 422, body: { type: 'IDEMPOTENCY_KEY_REUSED' } });
    for (const bad of ['short-key-15chr', 'x'.repeat(257), 'é'.repeat(16)]) {
      const res = await answer(await cancel({ reason: 'r', amount: 1 }, bad));
      expect(res, bad).toMatchObject({ status: 400, body: { type: 'INVALID_REQUEST' } });
    }
    expect(cancelledAmount()).toBe(1000);
  });

  it('ignores the key on GET', async () => {
    const headers = { 'idempotency-key': key };
    const before = await v2Call(sandbox, 'GET', '/payments/pay_i', { headers });
    await v2Call(sandbox, 'POST', '/payments/pay_i/cancel', { json: { reason: 'r', amount: 5 } });
    const after = await v2Call(sandbox, 'GET', '/payments/pay_i', { headers });
    expect(
      [before.body, after.body].map((b) => (b as { amount: { cancelled: number } }).amount.cancelled),
    ).toEqual([0, 5]);
  });
});
