import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { SandboxHandle } from '../../sandbox/index';
import { baseMs, call, createPayment, envelope, getToken, start } from './helpers';

const requestLogSchema = z.array(
  z.object({ method: z.string(), path: z.string(), query: z.string(), status: z.number(), at: z.number() }),
);

describe('sandbox: faults and the request log', () => {
  let sandbox: SandboxHandle;
  let token: string;

  beforeAll(async () => {
    sandbox = await start();
  });
  afterAll(async () => {
    await sandbox.close();
  });
  beforeEach(async () => {
    sandbox.state.reset();
    token = await getToken(sandbox);
  });

  const setFaults = async (json: Record<string, unknown>) => {
    const res = await call(sandbox.url, 'POST', '/__sandbox/faults', { json });
    expect(res.status).toBe(200);
    return res;
  };

  it('rate 1 fails every API call with 503 and changes no state; control calls keep working', async () => {
    const paid = await createPayment(sandbox, { merchant_uid: 'order_down', amount: 1000 });
    const set = await setFaults({ rate: 1 });
    expect(set.body).toEqual({ rate: 1, status: null, delay_ms: 0, seed: null });

    const cancel = await call(sandbox.url, 'POST', '/payments/cancel', {
      token,
      json: { imp_uid: paid.imp_uid },
    });
    expect(cancel.status).toBe(503);
    expect(envelope(cancel)).toMatchObject({ code: -1, response: null });
    const prepare = await call(sandbox.url, 'POST', '/payments/prepare', {
      token,
      json: { merchant_uid: 'order_prep', amount: 10 },
    });
    expect(prepare.status).toBe(503);
    expect((await call(sandbox.url, 'POST', '/users/getToken', { json: {} })).status).toBe(503);

    // Control routes are never faulted.
    const other = await call(sandbox.url, 'POST', '/__sandbox/payments', {
      json: { merchant_uid: 'order_ok', amount: 5 },
    });
    expect(other.status).toBe(201);
    expect(sandbox.state.payments.get(paid.imp_uid)?.payment).toMatchObject({
      status: 'paid',
      cancel_amount: 0,
    });
    expect(sandbox.state.prepared.get('order_prep')).toBeUndefined();

    const cleared = await call(sandbox.url, 'DELETE', '/__sandbox/faults');
    expect([cleared.status, cleared.body]).toEqual([200, null]);
    expect((await call(sandbox.url, 'GET', '/__sandbox/faults')).body).toBeNull();
    const healthy = await call(sandbox.url, 'POST', '/payments/cancel', {
      token,
      json: { imp_uid: paid.imp_uid },
    });
    expect(envelope(healthy).code).toBe(0);
  });

  it('fails with the configured status', async () => {
    await setFaults({ rate: 1, status: 429 });
    const res = await call(sandbox.url, 'GET', '/payments/imp_1', { token });
    expect(res.status).toBe(429);
    expect(envelope(res).message).toContain('Too Many Requests');
  });

  it('delay_ms alone holds the call, then answers normally', async () => {
    const paid = await createPayment(sandbox, { merchant_uid: 'order_slow', amount: 1000 });
    await setFaults({ rate: 1, delay_ms: 250 });
    const started = performance.now();
    const res = await call(sandbox.url, 'GET', `/payments/${paid.imp_uid}`, { token });
    expect(performance.now() - started).toBeGreaterThanOrEqual(240);
    expect(res.status).toBe(200);
    expect(envelope(res).code).toBe(0);
  });

  it('status with delay_ms holds the call, then fails it', async () => {
    await setFaults({ rate: 1, delay_ms: 150, status: 502 });
    const started = performance.now();
    const res = await call(sandbox.url, 'GET', '/payments/imp_1', { token });
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(res.status).toBe(502);
  });

  it('drops a held call whose client gave up, without handling it', async () => {
    const paid = await createPayment(sandbox, { merchant_uid: 'order_abort', amount: 1000 });
    await setFaults({ rate: 1, delay_ms: 2000 });
    const aborted = fetch(`${sandbox.url}/payments/cancel`, {
      method: 'POST',
      headers: { authorization: token, 'content-type': 'application/json' },
      body: JSON.stringify({ imp_uid: paid.imp_uid }),
      signal: AbortSignal.timeout(100),
    });
    await expect(aborted).rejects.toThrow();
    await call(sandbox.url, 'DELETE', '/__sandbox/faults');
    await expect.poll(() => requestLogSchema.parse(sandbox.state.requests.list()).at(-1)?.status).toBe(499);
    expect(sandbox.state.payments.get(paid.imp_uid)?.payment.status).toBe('paid');
  });

  it('affects only the given share of calls, reproducibly with a seed', async () => {
    const pattern = async (): Promise<number[]> => {
      await setFaults({ rate: 0.5, seed: 42 });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i += 1) {
        statuses.push((await call(sandbox.url, 'GET', '/payments/imp_1', { token })).status);
      }
      return statuses;
    };
    const first = await pattern();
    const second = await pattern();
    expect(second).toEqual(first);
    expect(first.filter((s) => s === 503).length).toBeGreaterThan(0);
    expect(first.filter((s) => s === 404).length).toBeGreaterThan(0);
    expect(first.every((s) => s === 503 || s === 404)).toBe(true);
  });

  describe('a mix of faults', () => {
    const statusesOf = async (count: number, path = '/payments/imp_1'): Promise<number[]> => {
      const statuses: number[] = [];
      for (let i = 0; i < count; i += 1) {
        statuses.push((await call(sandbox.url, 'GET', path, { token })).status);
      }
      return statuses;
    };

    it('is accepted with default weights and shown as set; without a mix the answer keeps its old shape', async () => {
      const set = await setFaults({
        rate: 0.3,
        mix: [{ status: 503 }, { status: 429, weight: 2 }, { delay_ms: 10 }],
      });
      const expected = {
        rate: 0.3,
        status: null,
        delay_ms: 0,
        seed: null,
        mix: [
          { status: 503, delay_ms: 0, weight: 1 },
          { status: 429, delay_ms: 0, weight: 2 },
          { status: null, delay_ms: 10, weight: 1 },
        ],
      };
      expect(set.body).toEqual(expected);
      expect((await call(sandbox.url, 'GET', '/__sandbox/faults')).body).toEqual(expected);
      expect((await setFaults({ rate: 0.3, status: 429 })).body).toEqual({
        rate: 0.3,
        status: 429,
        delay_ms: 0,
        seed: null,
      });
    });

    it('picks an entry per faulty call, reproducibly with a seed', async () => {
      const pattern = async (): Promise<number[]> => {
        await setFaults({ rate: 0.6, seed: 7, mix: [{ status: 503 }, { status: 429 }, { status: 502 }] });
        return statusesOf(40);
      };
      const first = await pattern();
      expect(await pattern()).toEqual(first);
      for (const status of [503, 429, 502, 404]) expect(first).toContain(status);
      expect(first.every((s) => [503, 429, 502, 404].includes(s))).toBe(true);
      // Another seed, another pattern.
      await setFaults({ rate: 0.6, seed: 8, mix: [{ status: 503 }, { status: 429 }, { status: 502 }] });
      expect(await statusesOf(40)).not.toEqual(first);
    });

    it('shares the faulty calls out by weight', async () => {
      await setFaults({
        rate: 1,
        seed: 3,
        mix: [
          { status: 503, weight: 3 },
          { status: 429, weight: 1 },
        ],
      });
      const statuses = await statusesOf(200);
      const unavailable = statuses.filter((s) => s === 503).length;
      expect(statuses.filter((s) => s === 429).length).toBe(200 - unavailable);
      expect(unavailable / 200).toBeGreaterThan(0.65);
      expect(unavailable / 200).toBeLessThan(0.85);
    });

    it('an entry with neither status nor delay fails with 503, like the top-level setting', async () => {
      await setFaults({ rate: 1, mix: [{ weight: 5 }] });
      expect((await call(sandbox.url, 'GET', '/payments/imp_1', { token })).status).toBe(503);
    });

    it('a delay entry holds the call then answers normally; status with delay holds then fails', async () => {
      const paid = await createPayment(sandbox, { merchant_uid: 'order_mix_slow', amount: 1000 });
      await setFaults({ rate: 1, mix: [{ delay_ms: 200 }] });
      let started = performance.now();
      const slow = await call(sandbox.url, 'GET', `/payments/${paid.imp_uid}`, { token });
      expect(performance.now() - started).toBeGreaterThanOrEqual(190);
      expect([slow.status, envelope(slow).code]).toEqual([200, 0]);

      await setFaults({ rate: 1, mix: [{ delay_ms: 150, status: 504 }] });
      started = performance.now();
      const failed = await call(sandbox.url, 'GET', `/payments/${paid.imp_uid}`, { token });
      expect(performance.now() - started).toBeGreaterThanOrEqual(140);
      expect(failed.status).toBe(504);
    });

    it('drops a call held by a delay entry whose client gave up, without handling it', async () => {
      const paid = await createPayment(sandbox, { merchant_uid: 'order_mix_abort', amount: 1000 });
      await setFaults({ rate: 1, mix: [{ delay_ms: 2000 }] });
      const aborted = fetch(`${sandbox.url}/payments/cancel`, {
        method: 'POST',
        headers: { authorization: token, 'content-type': 'application/json' },
        body: JSON.stringify({ imp_uid: paid.imp_uid }),
        signal: AbortSignal.timeout(100),
      });
      await expect(aborted).rejects.toThrow();
      await call(sandbox.url, 'DELETE', '/__sandbox/faults');
      await expect.poll(() => requestLogSchema.parse(sandbox.state.requests.list()).at(-1)?.status).toBe(499);
      expect(sandbox.state.payments.get(paid.imp_uid)?.payment).toMatchObject({
        status: 'paid',
        cancel_amount: 0,
      });
    });

    it('rejects an invalid mix', async () => {
      for (const json of [
        { rate: 1, mix: [] },
        { rate: 1, mix: [{ status: 200 }] },
        { rate: 1, mix: [{ delay_ms: -1 }] },
        { rate: 1, mix: [{ status: 503, weight: 0 }] },
        { rate: 1, mix: [{ status: 503, weight: -1 }] },
        { rate: 1, mix: [{ status: 503, kind: 'timeout' }] },
        { rate: 1, status: 503, mix: [{ status: 429 }] },
        { rate: 1, delay_ms: 0, mix: [{ status: 429 }] },
        { rate: 1, mix: { status: 429 } },
      ]) {
        const res = await call(sandbox.url, 'POST', '/__sandbox/faults', { json });
        expect(res.status, JSON.stringify(json)).toBe(400);
        expect(envelope(res).code).toBe(-1);
      }
    });
  });

  it('rejects invalid fault settings', async () => {
    for (const json of [{ rate: 2 }, { rate: 0.5, status: 200 }, { status: 500 }, { rate: 1, delay: 5 }]) {
      const res = await call(sandbox.url, 'POST', '/__sandbox/faults', { json });
      expect(res.status, JSON.stringify(json)).toBe(400);
    }
  });

  it('lose_answer: the call is handled (a cancel goes through), then the connection closes unanswered', async () => {
    const paid = await createPayment(sandbox, { merchant_uid: 'order_lost', amount: 1000 });
    await setFaults({ rate: 1, lose_answer: true });
    const cancel = call(sandbox.url, 'POST', '/payments/cancel', { token, json: { imp_uid: paid.imp_uid } });
    await expect(cancel).rejects.toThrow();
    expect(sandbox.state.payments.get(paid.imp_uid)?.payment).toMatchObject({
      status: 'cancelled',
      cancel_amount: 1000,
    });
    await call(sandbox.url, 'DELETE', '/__sandbox/faults');
    const log = sandbox.state.requests.list();
    expect(log.at(-1)).toMatchObject({ path: '/payments/cancel', status: 200, answer_lost: true });
    // Healthy again: a retry learns the outcome (already cancelled), and its entry is an ordinary one.
    const again = await call(sandbox.url, 'POST', '/payments/cancel', {
      token,
      json: { imp_uid: paid.imp_uid },
    });
    expect(again.status).toBe(200);
    expect(sandbox.state.requests.list().at(-1)).not.toHaveProperty('answer_lost');
  });

  it('lose_answer in a mix, after a delay; mixing it with the top-level form is refused', async () => {
    const set = await setFaults({ rate: 1, mix: [{ lose_answer: true, delay_ms: 50 }] });
    expect(set.body).toMatchObject({ mix: [{ status: null, delay_ms: 50, weight: 1, lose_answer: true }] });
    const startedAt = performance.now();
    await expect(call(sandbox.url, 'POST', '/users/getToken', { json: {} })).rejects.toThrow();
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(45);
    const refused = await call(sandbox.url, 'POST', '/__sandbox/faults', {
      json: { rate: 1, lose_answer: true, mix: [{ status: 503 }] },
    });
    expect(refused.status).toBe(400);
  });

  it('logs API calls (not control calls) with method, path, query, status and time', async () => {
    await call(sandbox.url, 'DELETE', '/__sandbox/requests');
    await createPayment(sandbox, { merchant_uid: 'order_log', amount: 1000 });
    await call(sandbox.url, 'GET', '/payments/find/order_log?sorting=paid', { token });
    await call(sandbox.url, 'GET', '/payments/imp_1');
    await setFaults({ rate: 1 });
    await call(sandbox.url, 'POST', '/payments/cancel', { token, json: { merchant_uid: 'order_log' } });
    const res = await call(sandbox.url, 'GET', '/__sandbox/requests');
    expect(requestLogSchema.parse(res.body)).toEqual([
      { method: 'GET', path: '/payments/find/order_log', query: 'sorting=paid', status: 200, at: baseMs },
      { method: 'GET', path: '/payments/imp_1', query: '', status: 401, at: baseMs },
      { method: 'POST', path: '/payments/cancel', query: '', status: 503, at: baseMs },
    ]);
    const emptied = await call(sandbox.url, 'DELETE', '/__sandbox/requests');
    expect([emptied.status, emptied.body]).toEqual([200, []]);
    expect((await call(sandbox.url, 'GET', '/__sandbox/requests')).body).toEqual([]);
  });
});
