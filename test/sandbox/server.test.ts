import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SandboxHandle } from '../../sandbox/index';
import { parseParams } from '../../sandbox/params';
import { call, createPayment, envelope, getToken, start } from './helpers';

describe('sandbox: HTTP plumbing', () => {
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

  it('answers unknown routes with a 404 envelope, API and control alike', async () => {
    for (const [method, path] of [
      ['GET', '/nothing/here'],
      ['DELETE', '/payments/cancel'],
      ['GET', '/__sandbox/nothing'],
    ] as const) {
      const res = await call(sandbox.url, method, path, { token });
      expect(res.status, path).toBe(404);
      expect(envelope(res)).toMatchObject({ code: -1, response: null });
    }
  });

  it('refuses bodies over 1 MB with 413 and keeps serving', async () => {
    const res = await call(sandbox.url, 'POST', '/payments/prepare', {
      token,
      json: { merchant_uid: 'order_big', amount: 1, padding: 'x'.repeat(1024 * 1024) },
    });
    expect(res.status).toBe(413);
    expect(envelope(res)).toMatchObject({ code: -1, response: null });
    expect(sandbox.state.prepared.get('order_big')).toBeUndefined();
    const control = await call(sandbox.url, 'POST', '/__sandbox/payments', {
      json: { merchant_uid: 'm', amount: 1, name: 'x'.repeat(1024 * 1024) },
    });
    expect(control.status).toBe(413);
    expect((await call(sandbox.url, 'GET', '/payments/imp_1', { token })).status).toBe(404);
  });

  it('answers malformed bodies with a 400 envelope, never a crash', async () => {
    const send = (body: string, contentType: string) =>
      fetch(`${sandbox.url}/payments/prepare`, {
        method: 'POST',
        headers: { authorization: token, 'content-type': contentType },
        body,
      });
    const cases: [body: string, contentType: string][] = [
      ['{"merchant_uid":', 'application/json'],
      ['[1,2,3]', 'application/json'],
      ['"just a string"', 'application/json'],
      ['merchant_uid[a]=1&merchant_uid[b]=2&amount=5', 'application/x-www-form-urlencoded'],
      ['\u0000\u0001garbage', 'application/octet-stream'],
    ];
    for (const [body, type] of cases) {
      const res = await send(body, type);
      expect(res.status, body).toBe(400);
      expect(await res.json()).toMatchObject({ code: -1, response: null });
    }
  });

  it('sniffs a body sent without a content type', async () => {
    const res = await fetch(`${sandbox.url}/users/getToken`, {
      method: 'POST',
      body: new TextEncoder().encode('imp_key=imp_apikey&imp_secret=wrong'),
    });
    expect(res.status).toBe(401);
  });

  it('validates control bodies strictly, so typos fail loudly', async () => {
    const typo = await call(sandbox.url, 'POST', '/__sandbox/payments', {
      json: { merchant_uid: 'order_typo', amount: 1000, webhookFormat: 'form' },
    });
    expect(typo.status).toBe(400);
    expect(envelope(typo).message).toContain('webhookFormat');
    const missing = await call(sandbox.url, 'POST', '/__sandbox/payments', { json: { amount: 1000 } });
    expect(envelope(missing).message).toBe('파라미터 누락: merchant_uid');
    const fraction = await call(sandbox.url, 'POST', '/__sandbox/payments', {
      json: { merchant_uid: 'k', amount: 10.5 },
    });
    expect(fraction.status).toBe(400);
    const status = await call(sandbox.url, 'POST', '/__sandbox/payments', {
      json: { merchant_uid: 'k', amount: 10, status: 'cancelled' },
    });
    expect(status.status).toBe(400);
    const url = await call(sandbox.url, 'PUT', '/__sandbox/config', { json: { webhook_url: 'ftp://x' } });
    expect(url.status).toBe(400);
  });

  it('accepts a form-encoded control body', async () => {
    const res = await call(sandbox.url, 'POST', '/__sandbox/payments', {
      form: { merchant_uid: 'order_form', amount: '2500', sandbox: 'true', notify: 'false' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ merchant_uid: 'order_form', amount: 2500, sandbox: true });
  });

  it('resets everything over POST /__sandbox/reset', async () => {
    const paid = await createPayment(sandbox, { merchant_uid: 'order_reset', amount: 1000 });
    await call(sandbox.url, 'POST', '/__sandbox/faults', { json: { rate: 0 } });
    sandbox.clock.advance(100);
    const reset = await call(sandbox.url, 'POST', '/__sandbox/reset');
    expect([reset.status, reset.body]).toEqual([200, { ok: true }]);
    expect(sandbox.state.payments.get(paid.imp_uid)).toBeUndefined();
    expect(sandbox.state.faults.current()).toBeNull();
    expect(sandbox.state.requests.list()).toEqual([]);
    expect((await call(sandbox.url, 'GET', '/payments/imp_1', { token })).status).toBe(401);
  });

  it('rejects invalid start options', async () => {
    await expect(start({ port: 70_000 })).rejects.toThrow(/port/);
    await expect(start({ webhookUrl: 'not a url' })).rejects.toThrow(/webhookUrl/);
    const misspelt: Record<string, unknown> = { webhookURL: 'http://127.0.0.1:1/x' };
    await expect(start(misspelt)).rejects.toThrow(/webhookURL/);
  });
});

describe('sandbox: parseParams', () => {
  it('expands PHP and qs style keys', () => {
    expect(
      parseParams(
        new URLSearchParams(
          'extra[requester]=admin&imp_uid[]=a&imp_uid[]=b&m[1]=y&m[0]=x&plain=1&plain=2&deep[a][b]=c&__proto__[x]=1',
        ),
      ),
    ).toEqual({
      extra: { requester: 'admin' },
      imp_uid: ['a', 'b'],
      m: ['x', 'y'],
      plain: ['1', '2'],
      deep: { a: { b: 'c' } },
    });
    expect(Object.getPrototypeOf(parseParams([['constructor[prototype][x]', '1']]))).toBe(Object.prototype);
  });
});

describe('sandbox: sandbox/main.ts', () => {
  it('prints one ready line and shuts down cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'sandbox/main.ts'], {
      cwd: new URL('../..', import.meta.url),
      env: { ...process.env, SANDBOX_PORT: '0', SANDBOX_HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8');
    const ready = new Promise<string>((resolve) => {
      child.stdout.on('data', (chunk: string) => {
        output += chunk;
        if (output.includes('\n')) resolve(output);
      });
    });
    const line = await ready;
    const url = /http:\/\/127\.0\.0\.1:\d+/.exec(line)?.[0];
    expect(line).toMatch(/^iamport sandbox ready: http:\/\/127\.0\.0\.1:\d+ /);
    const res = await fetch(`${url}/__sandbox/clock`);
    expect(res.status).toBe(200);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(output.trim().split('\n')).toHaveLength(1);
  });
});
