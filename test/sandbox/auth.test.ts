import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { demoApiKey, demoApiSecret, type SandboxHandle } from '../../sandbox/index';
import { baseSeconds, call, createPayment, envelope, start } from './helpers';

const tokenSchema = z.object({ access_token: z.string(), now: z.number(), expired_at: z.number() });
type Token = z.infer<typeof tokenSchema>;

describe('sandbox: POST /users/getToken and token checks', () => {
  let sandbox: SandboxHandle;
  beforeEach(async () => {
    sandbox = await start();
  });
  afterEach(async () => {
    await sandbox.close();
  });

  const issue = async (): Promise<Token> => {
    const res = await call(sandbox.url, 'POST', '/users/getToken', {
      json: { imp_key: demoApiKey, imp_secret: demoApiSecret },
    });
    expect(res.status).toBe(200);
    return tokenSchema.parse(envelope(res).response);
  };

  it('issues a 40-hex token for 1800 s, with now from the sandbox clock, in a code-0 envelope', async () => {
    const res = await call(sandbox.url, 'POST', '/users/getToken', {
      form: { imp_key: demoApiKey, imp_secret: demoApiSecret },
    });
    expect(res.status).toBe(200);
    const body = envelope(res);
    expect(body.code).toBe(0);
    expect(body.message).toBeNull();
    const token = tokenSchema.parse(body.response);
    expect(token.access_token).toMatch(/^[0-9a-f]{40}$/);
    expect(token.now).toBe(baseSeconds);
    expect(token.expired_at).toBe(baseSeconds + 1800);
  });

  it('returns the same token and expiry before expiry', async () => {
    const first = await issue();
    sandbox.clock.advance(600);
    const second = await issue();
    expect(second.access_token).toBe(first.access_token);
    expect(second.expired_at).toBe(first.expired_at);
    expect(second.now).toBe(baseSeconds + 600);
  });

  it('extends the expiry by 300 s from the old expiry when less than 60 s remain, once', async () => {
    const first = await issue();
    sandbox.clock.advance(1800 - 59);
    const extended = await issue();
    expect(extended.access_token).toBe(first.access_token);
    expect(extended.expired_at).toBe(first.expired_at + 300);
    const again = await issue();
    expect(again.expired_at).toBe(first.expired_at + 300);
  });

  it('does not extend with exactly 60 s left', async () => {
    const first = await issue();
    sandbox.clock.advance(1800 - 60);
    expect((await issue()).expired_at).toBe(first.expired_at);
  });

  it('issues a new token after expiry and refuses the old one with 401', async () => {
    const first = await issue();
    sandbox.clock.advance(1800);
    const stale = await call(sandbox.url, 'GET', '/payments/imp_000000000000', { token: first.access_token });
    expect(stale.status).toBe(401);
    expect(stale.body).toEqual({ code: -1, message: 'Unauthorized', response: null });
    const second = await issue();
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.expired_at).toBe(baseSeconds + 1800 + 1800);
    const fresh = await call(sandbox.url, 'GET', '/payments/imp_000000000000', {
      token: second.access_token,
    });
    expect(fresh.status).toBe(404);
  });

  it('accepts the token as raw Authorization, Bearer Authorization and X-ImpTokenHeader', async () => {
    const { access_token } = await issue();
    const payment = await createPayment(sandbox, { merchant_uid: 'order_auth', amount: 1000 });
    const path = `/payments/${payment.imp_uid}`;
    const forms: Record<string, string>[] = [
      { authorization: access_token },
      { authorization: `Bearer ${access_token}` },
      { 'x-imptokenheader': access_token },
    ];
    for (const headers of forms) {
      const res = await call(sandbox.url, 'GET', path, { headers });
      expect(res.status, JSON.stringify(headers)).toBe(200);
      expect(envelope(res).code).toBe(0);
    }
  });

  it('answers 401 with the envelope for a missing or unknown token', async () => {
    const missing = await call(sandbox.url, 'GET', '/payments/find/order_x');
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({ code: -1, message: 'Unauthorized', response: null });
    const unknown = await call(sandbox.url, 'GET', '/payments/find/order_x', { token: 'f'.repeat(40) });
    expect(unknown.status).toBe(401);
    const emptyBearer = await call(sandbox.url, 'GET', '/payments/find/order_x', {
      headers: { authorization: 'Bearer ' },
    });
    expect(emptyBearer.status).toBe(401);
  });

  it('refuses bad keys with 401 and missing keys with the 누락 message', async () => {
    const bad = await call(sandbox.url, 'POST', '/users/getToken', {
      json: { imp_key: demoApiKey, imp_secret: 'wrong' },
    });
    expect(bad.status).toBe(401);
    expect(envelope(bad)).toMatchObject({ code: -1, response: null });
    const missing = await call(sandbox.url, 'POST', '/users/getToken', { json: {} });
    expect(missing.status).toBe(400);
    expect(envelope(missing)).toEqual({
      code: -1,
      message: 'imp_key, imp_secret 파라메터가 누락되었습니다.',
      response: null,
    });
    const blank = await call(sandbox.url, 'POST', '/users/getToken', {
      form: { imp_key: demoApiKey, imp_secret: '' },
    });
    expect(envelope(blank).message).toBe('imp_key, imp_secret 파라메터가 누락되었습니다.');
  });

  it('accepts only the configured key pair', async () => {
    const custom = await start({ apiKey: 'my_key', apiSecret: 'my_secret', unauthorizedMessage: 'nope' });
    try {
      const demo = await call(custom.url, 'POST', '/users/getToken', {
        json: { imp_key: demoApiKey, imp_secret: demoApiSecret },
      });
      expect(demo.status).toBe(401);
      const mine = await call(custom.url, 'POST', '/users/getToken', {
        json: { imp_key: 'my_key', imp_secret: 'my_secret' },
      });
      expect(mine.status).toBe(200);
      const noToken = await call(custom.url, 'GET', '/payments/imp_1');
      expect(envelope(noToken).message).toBe('nope');
    } finally {
      await custom.close();
    }
  });

  it('moves the clock over HTTP with advance_seconds or an absolute now, which token expiry follows', async () => {
    const first = await issue();
    const advanced = await call(sandbox.url, 'POST', '/__sandbox/clock', { json: { advance_seconds: 1800 } });
    expect(advanced.body).toEqual({ now: baseSeconds + 1800, now_ms: (baseSeconds + 1800) * 1000 });
    const stale = await call(sandbox.url, 'GET', '/payments/imp_1', { token: first.access_token });
    expect(stale.status).toBe(401);
    const jumped = await call(sandbox.url, 'POST', '/__sandbox/clock', { json: { now: baseSeconds + 10 } });
    expect(jumped.body).toEqual({ now: baseSeconds + 10, now_ms: (baseSeconds + 10) * 1000 });
    expect(sandbox.clock.now()).toBe((baseSeconds + 10) * 1000);
    const both = await call(sandbox.url, 'POST', '/__sandbox/clock', {
      json: { now: 1, advance_seconds: 1 },
    });
    expect(both.status).toBe(400);
  });
});
