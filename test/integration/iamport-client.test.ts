import * as v from 'valibot';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type SandboxHandle, startSandbox } from '../../sandbox';
import {
  createIamportClient,
  type IamportClient,
  type IamportClientOptions,
  IamportNotFoundError,
  IamportRefusedError,
  IamportUnauthorizedError,
  IamportUnavailableError,
  type Payment,
  paymentSchema,
} from '../../shared/iamport';

/**
 * The client against the in-process sandbox over real HTTP, with its own keep-alive Pool: every call
 * really goes through getToken, the envelope and the sandbox's token, cancel and prepare rules.
 */
const apiKey = 'integration-key';
const apiSecret = 'integration-secret-5b0c1e9f';

const requestLogSchema = z.array(
  z.object({ method: z.string(), path: z.string(), status: z.number(), at: z.number() }),
);

let sandbox: SandboxHandle;
const clients: IamportClient[] = [];

beforeEach(async () => {
  sandbox = await startSandbox({ port: 0, apiKey, apiSecret });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await sandbox.close();
});

function newClient(options: Partial<IamportClientOptions> = {}): IamportClient {
  const client = createIamportClient({
    baseUrl: sandbox.url,
    apiKey,
    apiSecret,
    timeoutMs: 2000,
    ...options,
  });
  clients.push(client);
  return client;
}

async function control(method: string, path: string, body?: object): Promise<unknown> {
  const response = await fetch(`${sandbox.url}/__sandbox${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`sandbox control ${method} ${path} answered ${response.status}: ${text}`);
  return text === '' ? undefined : JSON.parse(text);
}

async function createPayment(body: Record<string, unknown>): Promise<Payment> {
  return v.parse(paymentSchema, await control('POST', '/payments', { notify: false, ...body }));
}

async function requestLog() {
  return requestLogSchema.parse(await control('GET', '/requests'));
}

async function tokenRequests(): Promise<number> {
  return (await requestLog()).filter((entry) => entry.method === 'POST' && entry.path === '/users/getToken')
    .length;
}

describe('IamportClient against the sandbox: lookups', () => {
  it('gets a payment by imp_uid', async () => {
    const created = await createPayment({ merchant_uid: 'order_get', amount: 14000 });

    const payment = await newClient().getPayment(created.imp_uid);

    expect(payment).toMatchObject({
      imp_uid: created.imp_uid,
      merchant_uid: 'order_get',
      amount: 14000,
      cancel_amount: 0,
      currency: 'KRW',
      status: 'paid',
      sandbox: false,
    });
  });

  it('answers IamportNotFoundError for an unknown imp_uid', async () => {
    await expect(newClient().getPayment('imp_000000000000')).rejects.toBeInstanceOf(IamportNotFoundError);
  });

  it('sees a test-channel payment only with includeSandbox', async () => {
    const created = await createPayment({ merchant_uid: 'order_test_channel', amount: 1000, sandbox: true });

    await expect(newClient().getPayment(created.imp_uid)).rejects.toBeInstanceOf(IamportNotFoundError);
    expect(await newClient({ includeSandbox: true }).getPayment(created.imp_uid)).toMatchObject({
      sandbox: true,
    });
  });

  it('finds the latest attempt, the latest paid one, and the attempts page by page', async () => {
    const merchantUid = 'order_attempts';
    const failed = await createPayment({ merchant_uid: merchantUid, amount: 5000, status: 'failed' });
    sandbox.clock.advance(10);
    const paid = await createPayment({ merchant_uid: merchantUid, amount: 5000, status: 'paid' });
    sandbox.clock.advance(10);
    const ready = await createPayment({ merchant_uid: merchantUid, amount: 5000, status: 'ready' });
    const client = newClient();

    expect((await client.findPayment(merchantUid)).imp_uid).toBe(ready.imp_uid);
    expect((await client.findPayment(merchantUid, 'paid')).imp_uid).toBe(paid.imp_uid);
    const first = await client.findAllPayments(merchantUid, { limit: 2, page: 1, sorting: 'started' });
    expect(first).toMatchObject({ total: 3, previous: 0, next: 2 });
    expect(first.list.map((payment) => payment.imp_uid)).toEqual([failed.imp_uid, paid.imp_uid]);
    const second = await client.findAllPayments(merchantUid, { limit: 2, page: 2, sorting: 'started' });
    expect(second).toMatchObject({ total: 3, previous: 1, next: 0 });
    expect(second.list.map((payment) => payment.imp_uid)).toEqual([ready.imp_uid]);
    await expect(client.findPayment(merchantUid, 'cancelled')).rejects.toBeInstanceOf(IamportNotFoundError);
    await expect(client.findAllPayments('order_nobody')).rejects.toBeInstanceOf(IamportNotFoundError);
  });

  it('keeps a merchant_uid with /, ?, # and non-ASCII characters in one path segment', async () => {
    const merchantUid = '../order/1?x=1#주문';
    const created = await createPayment({ merchant_uid: merchantUid, amount: 3000 });

    const found = await newClient().findPayment(merchantUid);

    expect(found).toMatchObject({ imp_uid: created.imp_uid, merchant_uid: merchantUid });
  });
});

describe('IamportClient against the sandbox: cancel and prepare', () => {
  it('cancels partially, then fully, and refuses a stale checksum or a second full cancel', async () => {
    const { imp_uid } = await createPayment({ merchant_uid: 'order_cancel', amount: 14000 });
    const client = newClient();

    const partial = await client.cancelPayment({ imp_uid, amount: 4000, checksum: 14000, reason: 'partial' });
    expect(partial).toMatchObject({ status: 'cancelled', amount: 14000, cancel_amount: 4000 });
    expect(partial.cancel_history).toHaveLength(1);

    // A retry of the partial cancel that was never recorded locally: its checksum is stale.
    const stale = await client
      .cancelPayment({ imp_uid, amount: 4000, checksum: 14000, reason: 'retry' })
      .catch((error: unknown) => error);
    expect(stale).toBeInstanceOf(IamportRefusedError);
    expect(stale).toMatchObject({ iamportCode: 1, httpStatus: 200 });

    const full = await client.cancelPayment({ imp_uid, checksum: 10000, reason: 'rest' });
    expect(full).toMatchObject({ status: 'cancelled', cancel_amount: 14000 });
    expect(full.cancel_history?.map((entry) => entry.amount)).toEqual([4000, 10000]);

    await expect(client.cancelPayment({ imp_uid, checksum: 0, reason: 'again' })).rejects.toMatchObject({
      name: 'IamportRefusedError',
      iamportMessage: '이미 전액취소된 주문입니다.',
    });
  });

  it('refuses to cancel a payment Iamport does not know', async () => {
    await expect(
      newClient().cancelPayment({ imp_uid: 'imp_000000000000', checksum: 1000, reason: 'r' }),
    ).rejects.toMatchObject({
      name: 'IamportRefusedError',
      iamportMessage: '취소할 결제건이 존재하지 않습니다.',
    });
  });

  it('prepares an amount, reads it back, and refuses a duplicate', async () => {
    const client = newClient();

    const prepared = await client.preparePayment({
      merchant_uid: 'order_prepare',
      amount: 14000,
      currency: 'KRW',
    });
    expect(prepared).toEqual({ merchant_uid: 'order_prepare', amount: 14000, currency: 'KRW' });
    expect(await client.getPrepared('order_prepare')).toEqual(prepared);
    await expect(
      client.preparePayment({ merchant_uid: 'order_prepare', amount: 9000 }),
    ).rejects.toMatchObject({
      name: 'IamportRefusedError',
      iamportCode: 1,
    });
    await expect(client.getPrepared('order_unprepared')).rejects.toBeInstanceOf(IamportNotFoundError);
  });
});

describe('IamportClient against the sandbox: token', () => {
  it('sends exactly one getToken for 100 concurrent calls', async () => {
    const { imp_uid } = await createPayment({ merchant_uid: 'order_concurrent', amount: 1000 });
    const client = newClient();

    const payments = await Promise.all(Array.from({ length: 100 }, () => client.getPayment(imp_uid)));

    expect(payments.every((payment) => payment.imp_uid === imp_uid)).toBe(true);
    expect(await tokenRequests()).toBe(1);
    expect((await requestLog()).filter((entry) => entry.path === `/payments/${imp_uid}`)).toHaveLength(100);
  });

  it('refreshes before expiry by the server’s lifetime, and gets the same token extended', async () => {
    const { imp_uid } = await createPayment({ merchant_uid: 'order_expiry', amount: 1000 });
    const ours = { ms: 0 };
    const client = newClient({ now: () => ours.ms });
    const first = await client.getToken();

    // Both clocks move 1741 s: inside our 60 s margin, and inside Iamport's last minute.
    sandbox.clock.advance(1741);
    ours.ms += 1741 * 1000;
    await client.getPayment(imp_uid);

    expect(await client.getToken()).toBe(first);
    expect(await tokenRequests()).toBe(2);
    expect((await requestLog()).some((entry) => entry.status === 401)).toBe(false);
  });

  it('recovers with one refresh when the token expired at Iamport before our clock says so', async () => {
    const { imp_uid } = await createPayment({ merchant_uid: 'order_expired', amount: 1000 });
    const client = newClient();
    const first = await client.getToken();

    sandbox.clock.advance(1800);
    const payment = await client.getPayment(imp_uid);

    expect(payment.imp_uid).toBe(imp_uid);
    expect(await client.getToken()).not.toBe(first);
    const paymentCalls = (await requestLog()).filter((entry) => entry.path === `/payments/${imp_uid}`);
    expect(paymentCalls.map((entry) => entry.status)).toEqual([401, 200]);
    expect(await tokenRequests()).toBe(2);
  });

  it('rejects wrong keys with IamportUnauthorizedError', async () => {
    const client = newClient({ apiSecret: 'not-the-secret' });

    await expect(client.getToken()).rejects.toBeInstanceOf(IamportUnauthorizedError);
  });
});

describe('IamportClient against the sandbox: faults', () => {
  it('maps a 503 from every call to IamportUnavailableError', async () => {
    const { imp_uid } = await createPayment({ merchant_uid: 'order_503', amount: 1000 });
    const client = newClient();
    await client.getToken();
    await control('POST', '/faults', { rate: 1, status: 503 });

    const error = await client.getPayment(imp_uid).catch((reason: unknown) => reason);

    expect(error).toBeInstanceOf(IamportUnavailableError);
    expect(error).toMatchObject({ httpStatus: 503 });
  });

  it('gives up on an answer slower than timeoutMs with IamportUnavailableError', async () => {
    const { imp_uid } = await createPayment({ merchant_uid: 'order_slow', amount: 1000 });
    const client = newClient({ timeoutMs: 200 });
    await client.getToken();
    await control('POST', '/faults', { rate: 1, delay_ms: 3000 });
    const started = performance.now();

    const error = await client.getPayment(imp_uid).catch((reason: unknown) => reason);

    expect(error).toBeInstanceOf(IamportUnavailableError);
    expect(performance.now() - started).toBeLessThan(1500);
    await control('DELETE', '/faults');
    expect((await client.getPayment(imp_uid)).imp_uid).toBe(imp_uid);
  });
});
