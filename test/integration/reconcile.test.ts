import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCompleteHandler } from '../../functions/complete/complete';
import { createCreateOrderHandler } from '../../functions/createOrder/createOrder';
import { createMobileHandler } from '../../functions/mobile/mobile';
import { createWebhookHandler } from '../../functions/webhook/webhook';
import { createLogger } from '../../shared/logger';
import type { Order } from '../../shared/orders/types';
import { MAX_SPECULATIVE_ATTEMPTS } from '../../shared/reconcile/schedule';
import { registerDeps } from '../../shared/runtime/flows';
import { formEvent, httpApiEvent, jsonEvent } from '../helpers/events';
import { invoker } from '../helpers/invoke';
import { serveHandlers } from '../helpers/lambdaHttp';
import { queueDepth } from '../helpers/queueDepth';
import { eventually, type ReconcileStack, startReconcileStack } from '../helpers/reconcileStack';
import { payInSandbox, sandboxControl, sandboxRequests, uniqueMerchantUid } from '../helpers/stack';

const logger = createLogger('test');
const settings = { reconcileAfterSeconds: 1, reconcileMaxAgeSeconds: 4, retryBaseSeconds: 1 };
let stack: ReconcileStack;
let webhookServer: { url: string; close(): Promise<void> };
type Invoke = ReturnType<typeof invoker>;
let complete: Invoke;
let mobile: Invoke;
let webhook: Invoke;
let createOrder: Invoke;

const routes: Parameters<typeof serveHandlers>[0] = {};

async function startStack(stackSettings: typeof settings) {
  stack = await startReconcileStack(stackSettings, {
    webhookUrl: `${webhookServer.url}/payments/webhook`,
    timeoutMs: 1000,
  });
  complete = invoker(createCompleteHandler(stack.deps, logger, []));
  mobile = invoker(createMobileHandler(stack.deps, logger, new URL('https://shop.example.com/result')));
  webhook = invoker(createWebhookHandler(stack.deps, logger, { allowedIps: [] }));
  createOrder = invoker(createCreateOrderHandler(registerDeps(stack.config, stack.ports, logger), logger));
  routes['POST /payments/webhook'] = webhook;
}

beforeAll(async () => {
  webhookServer = await serveHandlers(routes);
  await startStack(settings);
}, 60_000);

afterAll(async () => {
  await stack?.close();
  await webhookServer?.close();
});

async function register(amount: number, merchantUid = uniqueMerchantUid()): Promise<string> {
  const result = await createOrder(jsonEvent({ merchant_uid: merchantUid, amount }));
  expect(result.statusCode).toBe(201);
  return merchantUid;
}

async function order(merchantUid: string): Promise<Order> {
  const stored = await stack.orders.get(merchantUid);
  if (!stored) throw new Error(`no order ${merchantUid}`);
  return stored;
}

function statusIs(merchantUid: string, status: Order['status']) {
  return async () => {
    const stored = await order(merchantUid);
    return stored.status === status ? stored : undefined;
  };
}

async function inChunks<T>(items: T[], size: number, run: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(run));
}

/** Deterministic shuffle, so a failing order of events can be replayed. */
function shuffle<T>(items: T[], seed = 42): T[] {
  const result = [...items];
  let state = seed;
  for (let i = result.length - 1; i > 0; i--) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = state % (i + 1);
    [result[i], result[j]] = [result[j] as T, result[i] as T];
  }
  return result;
}

async function withFaults<T>(faults: Record<string, unknown>, run: () => Promise<T>): Promise<T> {
  await sandboxControl(stack.sandbox, '/__sandbox/faults', faults);
  try {
    return await run();
  } finally {
    await sandboxControl(stack.sandbox, '/__sandbox/faults', undefined, 'DELETE');
  }
}

describe('lost results are reconciled', () => {
  it('settles a paid order whose redirect and webhook were both lost, with no browser request', async () => {
    const merchantUid = await register(11_000);
    const payment = await payInSandbox(stack.sandbox, {
      merchant_uid: merchantUid,
      amount: 11_000,
      notify: false,
    });
    const paid = await eventually(statusIs(merchantUid, 'paid'));
    expect(paid.imp_uid).toBe(payment.imp_uid);
    expect(paid.history.at(-1)).toMatchObject({ from: 'pending', to: 'paid', source: 'reconcile' });
    expect(paid).not.toHaveProperty('check_due_at');
  });

  it('settles a lost paid order although a newer test-channel payment paid the same merchant_uid', async () => {
    const merchantUid = await register(14_000);
    const real = await payInSandbox(stack.sandbox, { merchant_uid: merchantUid, amount: 14_000 });
    await payInSandbox(stack.sandbox, { merchant_uid: merchantUid, amount: 14_000, sandbox: true });

    // The redirect without an imp_uid looks the attempt up by merchant_uid, as the check does.
    const redirect = await mobile(httpApiEvent({ method: 'GET', query: { merchant_uid: merchantUid } }));
    expect(String(redirect.headers?.location)).toContain('status=paid');
    const paid = await eventually(statusIs(merchantUid, 'paid'));
    expect(paid.imp_uid).toBe(real.imp_uid);
  });

  it('settles a lost paid order behind more than a page of newer failed attempts, by the check alone', async () => {
    const merchantUid = await register(14_000);
    const real = await payInSandbox(stack.sandbox, { merchant_uid: merchantUid, amount: 14_000 });
    const noise = Array.from({ length: 100 }, () => ({ merchant_uid: merchantUid, amount: 14_000 }));
    await inChunks(noise, 20, async (input) => {
      await payInSandbox(stack.sandbox, { ...input, status: 'failed' });
    });

    const paid = await eventually(statusIs(merchantUid, 'paid'));
    expect(paid.imp_uid).toBe(real.imp_uid);
    expect(paid.history.map((entry) => entry.to)).toEqual(['pending', 'paid']);
    expect(paid.history.at(-1)).toMatchObject({ source: 'reconcile' });
  });

  it.each([
    ['complete', () => complete],
    ['webhook', () => webhook],
    ['mobile', () => mobile],
  ])('finishes a %s that met a dead Iamport once Iamport is back', async (route, handler) => {
    const merchantUid = await register(12_000);
    const payment = await payInSandbox(stack.sandbox, {
      merchant_uid: merchantUid,
      amount: 12_000,
      notify: false,
    });
    const answer = await withFaults({ rate: 1, status: 503 }, async () => {
      const event =
        route === 'mobile'
          ? httpApiEvent({ method: 'GET', query: { imp_uid: payment.imp_uid, merchant_uid: merchantUid } })
          : formEvent({ imp_uid: payment.imp_uid, merchant_uid: merchantUid });
      const result = await handler()(event);
      // Keep Iamport down a little longer than the first retry, so the queue must try again.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      return result;
    });
    if (route === 'complete') expect(answer.statusCode).toBe(202);
    if (route === 'webhook') expect(JSON.parse(answer.body ?? '{}')).toEqual({ ok: true, status: 'pending' });
    if (route === 'mobile') expect(String(answer.headers?.location)).toContain('status=pending');
    const paid = await eventually(statusIs(merchantUid, 'paid'));
    expect(paid.history.filter((h) => h.to === 'paid')).toHaveLength(1);
    expect(paid.history.at(-1)?.source).toBe('reconcile');
  });

  it('retries junk ids posted while Iamport fails a few times only, and pages nobody for them', async () => {
    const junk = Array.from({ length: 5 }, (_, i) => `imp_9${String(Date.now() + i).slice(-11)}`);
    // A token first, so that every call counted below is a lookup of one of these ids.
    await stack.iamport.getPayment('imp_000000000000').catch(() => undefined);
    const answers = await withFaults({ rate: 1, status: 429 }, async () => {
      const results = await Promise.all(junk.map((impUid) => complete(formEvent({ imp_uid: impUid }))));
      // Longer than every retry a speculative message may have (at 1 s, 2 s and 4 s).
      await new Promise((resolve) => setTimeout(resolve, 8_000));
      return results;
    });
    expect(answers.map((answer) => answer.statusCode)).toEqual([202, 202, 202, 202, 202]);

    const lookups = (await sandboxRequests(stack.sandbox)).filter((request) =>
      junk.some((impUid) => request.path === `/payments/${impUid}`),
    );
    // Per id: the request's own lookup and at most MAX_SPECULATIVE_ATTEMPTS from the queue (24 before).
    expect(lookups.length).toBeLessThanOrEqual(junk.length * (1 + MAX_SPECULATIVE_ATTEMPTS));
    expect(lookups.length).toBeGreaterThanOrEqual(junk.length * 2);
    expect(await queueDepth(stack.sqs, stack.dlqUrl)).toBe(0);
  }, 30_000);

  it('does not queue a complete naming an order we do not hold while Iamport fails', async () => {
    const answer = await withFaults({ rate: 1, status: 503 }, () =>
      complete(formEvent({ imp_uid: 'imp_912345678901', merchant_uid: uniqueMerchantUid() })),
    );
    expect(answer.statusCode).toBe(404);
    expect(JSON.parse(answer.body ?? '{}')).toMatchObject({ error: { code: 'ORDER_NOT_FOUND' } });
  });

  it('checks a never-paid order with backoff, expires it, and still takes a later payment', async () => {
    const merchantUid = await register(13_000);
    const expired = await eventually(statusIs(merchantUid, 'expired'), 20_000);
    expect(expired.history.map((h) => [h.from, h.to, h.source])).toEqual([
      [null, 'pending', 'register'],
      ['pending', 'expired', 'reconcile'],
    ]);
    const lookups = (await sandboxRequests(stack.sandbox)).filter((r) =>
      r.path.includes(encodeURIComponent(merchantUid)),
    );
    // Checked more than once (backoff 1 s, 2 s …) before giving up at 4 s.
    expect(lookups.length).toBeGreaterThanOrEqual(2);

    await payInSandbox(stack.sandbox, { merchant_uid: merchantUid, amount: 13_000, notify: true });
    const paid = await eventually(statusIs(merchantUid, 'paid'));
    expect(paid.history.at(-1)).toMatchObject({ from: 'expired', to: 'paid', source: 'webhook' });
  });

  it('sweeps an order written straight into the table whose check was never queued', async () => {
    const merchantUid = uniqueMerchantUid('direct');
    const past = Math.floor(Date.now() / 1000) - 5;
    await stack.orders.create(
      { merchant_uid: merchantUid, amount: 3_300, currency: 'KRW' },
      new Date(),
      past,
    );
    await payInSandbox(stack.sandbox, { merchant_uid: merchantUid, amount: 3_300, notify: false });
    const result = await stack.sweep();
    expect(result.checks.queued).toBeGreaterThanOrEqual(1);
    const paid = await eventually(statusIs(merchantUid, 'paid'));
    expect(paid.history.at(-1)?.source).toBe('sweep');
    // Leased: a second sweep right away does not queue it again.
    const again = await stack.sweep();
    expect(again.checks.queued).toBe(0);
  });

  it('sends a malformed message to the DLQ and processes the rest of its batch', async () => {
    const merchantUid = await register(2_200);
    await payInSandbox(stack.sandbox, { merchant_uid: merchantUid, amount: 2_200, notify: false });
    const before = await stack.depth(stack.dlqUrl);
    await stack.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: stack.queueUrl,
        Entries: [
          { Id: 'bad', MessageBody: '{"reason":"nonsense"' },
          {
            Id: 'good',
            MessageBody: JSON.stringify({ merchant_uid: merchantUid, reason: 'sweep', attempt: 1 }),
          },
        ],
      }),
    );
    await eventually(statusIs(merchantUid, 'paid'));
    await eventually(async () => ((await stack.depth(stack.dlqUrl)) === before + 1 ? true : undefined));
  });
});

describe('under intermittent faults', () => {
  // Orders here must not expire while 600 deliveries are worked through: a long maximum age.
  beforeAll(async () => {
    await stack.close();
    await startStack({ ...settings, reconcileMaxAgeSeconds: 3600 });
  }, 60_000);

  it('ends 200 orders in their correct state with exactly one final transition and no double cancel', async () => {
    const count = 200;
    type Case = { merchantUid: string; kind: 'paid' | 'tampered' | 'failed'; impUid?: string };
    const cases: Case[] = Array.from({ length: count }, (_, i) => ({
      merchantUid: uniqueMerchantUid(`load${i}`),
      kind: i % 10 === 0 ? 'tampered' : i % 7 === 0 ? 'failed' : 'paid',
    }));
    await inChunks(cases, 20, async (c) => {
      // Tampered orders skip prepare (the only way a wrong amount gets through).
      if (c.kind === 'tampered') {
        await stack.orders.create(
          { merchant_uid: c.merchantUid, amount: 5_000, currency: 'KRW' },
          new Date(),
        );
      } else {
        await register(5_000, c.merchantUid);
      }
      const payment = await payInSandbox(stack.sandbox, {
        merchant_uid: c.merchantUid,
        amount: c.kind === 'tampered' ? 50 : 5_000,
        status: c.kind === 'failed' ? 'failed' : 'paid',
        notify: false,
      });
      c.impUid = payment.imp_uid;
    });

    // Every payment is announced three times (two webhook encodings and the PC callback), in random
    // order, first against 30% failures, then against 30% answers slower than the client's deadline
    // (Iamport did the work, the answer was lost: the case the cancel checksum exists for).
    const deliveries = shuffle(
      cases.flatMap((c) => {
        const notice = { imp_uid: c.impUid ?? '', merchant_uid: c.merchantUid, status: 'paid' };
        return [
          () => webhook(jsonEvent(notice)),
          () => webhook(formEvent(notice)),
          () => complete(formEvent({ imp_uid: c.impUid ?? '' })),
        ];
      }),
    );
    const half = deliveries.length / 2;
    const answers = [
      ...(await withFaults({ rate: 0.3, status: 503, seed: 7 }, () =>
        Promise.all(deliveries.slice(0, half).map((d) => d())),
      )),
      ...(await withFaults({ rate: 0.3, delay_ms: 1500, seed: 11 }, () =>
        Promise.all(deliveries.slice(half).map((d) => d())),
      )),
    ];
    expect(answers.every((a) => (a.statusCode ?? 500) < 500)).toBe(true);

    const expected = { paid: 'paid', tampered: 'forgery', failed: 'failed' } as const;
    await eventually(
      async () => {
        const states = await Promise.all(
          cases.map(async (c) => (await order(c.merchantUid)).status === expected[c.kind]),
        );
        return states.every(Boolean) ? true : undefined;
      },
      // Every DynamoDB request of this process also passes the change feed (the stream's stand-in),
      // which shares the event loop with 600 notices under faults: 30 s was not always enough.
      60_000,
      250,
    );

    for (const c of cases) {
      const stored = await order(c.merchantUid);
      expect(stored.history.filter((h) => h.to === expected[c.kind])).toHaveLength(1);
    }
    // Exactly one refund per tampered payment, as Iamport itself records them.
    for (const c of cases.filter((t) => t.kind === 'tampered')) {
      const atIamport = await stack.iamport.getPayment(c.impUid ?? '');
      expect(atIamport.cancel_amount).toBe(50);
      expect(atIamport.cancel_history).toHaveLength(1);
      expect((await order(c.merchantUid)).refunds).toEqual([
        expect.objectContaining({ status: 'done', amount: 50 }),
      ]);
    }
  }, 90_000);
});
