import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { RequestLogEntry, SandboxHandle } from '../../sandbox/index';
import { baseMs, call, getToken, start } from './helpers';
import { control, createV2Payment, sdkView, v2Call, v2ErrorOf } from './v2helpers';

const sandbox: SandboxHandle = await start();
afterAll(() => sandbox.close());
beforeEach(() => sandbox.state.reset());

const requests = async (query = ''): Promise<RequestLogEntry[]> =>
  (await control(sandbox, 'GET', `/__sandbox/requests${query}`)).body as RequestLogEntry[];

describe('faults on the V2 API (the same /__sandbox/faults)', () => {
  it('fails V2 calls with the status in V2 error shape, changing nothing', async () => {
    await createV2Payment(sandbox, { paymentId: 'pay_f', amount: 1000 });
    await control(sandbox, 'POST', '/__sandbox/faults', { rate: 1 });
    expect(v2ErrorOf(await v2Call(sandbox, 'GET', '/payments/pay_f'))).toMatchObject({
      status: 503,
      type: 'SERVICE_UNAVAILABLE',
    });
    const cancel = await v2Call(sandbox, 'POST', '/payments/pay_f/cancel', { json: { reason: 'r' } });
    expect(cancel.status).toBe(503);
    expect(sdkView(sandbox, 'pay_f').status).toBe('PAID');

    await control(sandbox, 'POST', '/__sandbox/faults', { rate: 1, status: 429 });
    expect(v2ErrorOf(await v2Call(sandbox, 'GET', '/payments/pay_f'))).toMatchObject({
      status: 429,
      type: 'TOO_MANY_REQUESTS',
    });
  });

  it('holds a call with a delay and then answers it; a slow failure fails after the delay', async () => {
    await createV2Payment(sandbox, { paymentId: 'pay_d', amount: 1000 });
    await control(sandbox, 'POST', '/__sandbox/faults', { rate: 1, delay_ms: 150 });
    const startedAt = performance.now();
    expect((await v2Call(sandbox, 'GET', '/payments/pay_d')).status).toBe(200);
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(140);
    await control(sandbox, 'POST', '/__sandbox/faults', { rate: 1, delay_ms: 50, status: 500 });
    expect(v2ErrorOf(await v2Call(sandbox, 'GET', '/payments/pay_d'))).toMatchObject({
      status: 500,
      type: 'INTERNAL_SERVER_ERROR',
    });
  });

  it('draws V1 and V2 calls from one fault sequence (a seed reproduces a mixed run)', async () => {
    const token = await getToken(sandbox);
    const run = async (): Promise<number[]> => {
      await control(sandbox, 'POST', '/__sandbox/faults', { rate: 0.5, seed: 7 });
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) {
        statuses.push((await v2Call(sandbox, 'GET', '/payments/none')).status);
        statuses.push((await call(sandbox.url, 'GET', '/payments/imp_none', { token })).status);
      }
      return statuses;
    };
    const first = await run();
    expect(first).toContain(503);
    expect(await run()).toEqual(first);
  });
});

describe('the request log covers the V2 API', () => {
  it('lists V2 calls with api "v2" beside V1 calls, filterable with ?api=', async () => {
    await createV2Payment(sandbox, { paymentId: 'pay_log', amount: 1000 });
    await v2Call(sandbox, 'GET', '/payments/pay_log?storeId=x');
    await call(sandbox.url, 'GET', '/payments/imp_1');
    await v2Call(sandbox, 'POST', '/payments/pay_log/cancel', {
      json: { reason: 'r' },
      headers: { authorization: '' },
    });

    const v2 = { api: 'v2', at: baseMs };
    expect(await requests()).toEqual([
      { ...v2, method: 'GET', path: '/payments/pay_log', query: 'storeId=x', status: 403 },
      { method: 'GET', path: '/payments/imp_1', query: '', status: 401, at: baseMs },
      { ...v2, method: 'POST', path: '/payments/pay_log/cancel', query: '', status: 401 },
    ]);
    expect((await requests('?api=v2')).map((e) => e.path)).toEqual([
      '/payments/pay_log',
      '/payments/pay_log/cancel',
    ]);
    expect((await requests('?api=v1')).map((e) => e.path)).toEqual(['/payments/imp_1']);
    expect((await control(sandbox, 'GET', '/__sandbox/requests?api=v3')).status).toBe(400);
  });

  it('holds many calls at once on its one closing signal, without a listener-leak warning', async () => {
    await createV2Payment(sandbox, { paymentId: 'pay_many', amount: 1000 });
    await control(sandbox, 'POST', '/__sandbox/faults', { rate: 1, delay_ms: 100 });
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      // More than Node's default of 10 listeners on one signal.
      const answers = await Promise.all(
        Array.from({ length: 15 }, () => v2Call(sandbox, 'GET', '/payments/pay_many')),
      );
      expect(answers.map((answer) => answer.status)).toEqual(Array(15).fill(200));
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.map((warning) => warning.name)).not.toContain('MaxListenersExceededWarning');
  });

  it('logs a V2 call held by a delay whose client left, with the status it was answered', async () => {
    await createV2Payment(sandbox, { paymentId: 'pay_left', amount: 1000 });
    await control(sandbox, 'POST', '/__sandbox/faults', { rate: 1, delay_ms: 600 });
    const left = new AbortController();
    const pending = fetch(`${sandbox.v2Url}/payments/pay_left`, {
      headers: { authorization: `PortOne ${sandbox.state.v2.config.apiSecret}` },
      signal: left.signal,
    });
    setTimeout(() => left.abort(), 200);
    await expect(pending).rejects.toThrow();
    await expect.poll(async () => (await requests('?api=v2')).at(-1)?.status, { timeout: 2000 }).toBe(200);
  });

  it('lose_answer: a V2 cancel goes through unanswered, and a retry with its Idempotency-Key replays it', async () => {
    await createV2Payment(sandbox, { paymentId: 'pay_lost', amount: 1000 });
    await control(sandbox, 'POST', '/__sandbox/faults', { rate: 1, lose_answer: true });
    const headers = { 'idempotency-key': '"cancel-pay_lost-0001"' };
    const first = v2Call(sandbox, 'POST', '/payments/pay_lost/cancel', { headers, json: { reason: 'r' } });
    await expect(first).rejects.toThrow();
    expect(sdkView(sandbox, 'pay_lost').status).toBe('CANCELLED');
    expect((await requests('?api=v2')).at(-1)).toMatchObject({ status: 200, answer_lost: true });
    await control(sandbox, 'DELETE', '/__sandbox/faults');
    const retry = await v2Call(sandbox, 'POST', '/payments/pay_lost/cancel', {
      headers,
      json: { reason: 'r' },
    });
    expect(retry.status).toBe(200);
    const view = sdkView(sandbox, 'pay_lost');
    expect(view.status === 'CANCELLED' ? view.cancellations : []).toHaveLength(1);
  });
});
