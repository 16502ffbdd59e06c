import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { createLedgerCheckHandler } from '../../functions/ledgerCheck/ledgerCheck';
import {
  checkLedger,
  type LedgerDeps,
  type LedgerRun,
  type LedgerSettings,
} from '../../shared/ledger/checkLedger';
import { createDynamoCheckpointStore } from '../../shared/ledger/checkpoint';
import type { LedgerFindings } from '../../shared/ledger/findings';
import { createLogger } from '../../shared/logger';
import type { Order, OrderApi } from '../../shared/orders/types';
import { verifyPayment } from '../../shared/payments/verifyPayment';
import { documentClient } from '../../shared/runtime/dynamo';
import {
  payInSandbox,
  sandboxControl,
  sandboxRequests,
  startTestStack,
  type TestStack,
  uniqueMerchantUid,
} from '../helpers/stack';

/**
 * The ledger check ("대사") over real HTTP: the sandbox's listings (V1 `GET /payments/status/{status}`,
 * V2 `GET /payments`), dynalite for orders and checkpoints, the verification core for every action.
 */
let stack: TestStack;
const ledgerTable = inject('ledgerTable');
const day = 86_400_000;
const settings: LedgerSettings = {
  windowMs: day,
  overlapMs: 3_600_000,
  maxPagesPerRun: 50,
  budgetMs: 60_000,
};
/** The check runs "a moment later" than the payments: a payment of this very second is in its window. */
let clock = () => new Date(Date.now() + 5_000);

/** `refundLeaseMs`: how long a claimed refund is left to the run that claimed it (runs follow at once here). */
function ledgerDeps(refundLeaseMs = 60_000): LedgerDeps {
  return {
    orders: stack.orders,
    providerOf: (api) => (api === 'v1' ? stack.deps.provider : stack.deps.v2Provider),
    verify: (request) => verifyPayment({ ...stack.deps, refundLeaseMs }, request),
    checkpoints: createDynamoCheckpointStore(documentClient(stack.config), ledgerTable),
    acceptSandboxPayments: false,
    refundLeaseMs,
    now: () => clock(),
  };
}

const run = (api: OrderApi, overrides: Partial<LedgerSettings> = {}, refundLeaseMs?: number) =>
  checkLedger(ledgerDeps(refundLeaseMs), { ...settings, ...overrides }, api);

function findingsOf(result: LedgerRun): LedgerFindings {
  if (!('findings' in result)) throw new Error(`no findings: ${result.state}`);
  return result.findings;
}

async function register(amount: number, api: OrderApi = 'v1'): Promise<string> {
  const merchantUid = uniqueMerchantUid(api === 'v2' ? 'payment' : 'order');
  await stack.orders.create(
    { merchant_uid: merchantUid, amount, currency: 'KRW', ...(api === 'v2' ? { api } : {}) },
    new Date(),
    1,
  );
  return merchantUid;
}

async function order(merchantUid: string): Promise<Order> {
  const stored = await stack.orders.get(merchantUid);
  if (!stored) throw new Error(`no order ${merchantUid}`);
  return stored;
}

/** Pays at the sandbox (no webhook) and lets the verification settle the order, as a delivered notice would. */
async function paidOrder(amount: number): Promise<{ merchantUid: string; impUid: string }> {
  const merchantUid = await register(amount);
  const payment = await payInSandbox(stack.sandbox, { merchant_uid: merchantUid, amount });
  await verifyPayment(stack.deps, { impUid: payment.imp_uid, source: 'webhook' });
  expect((await order(merchantUid)).status).toBe('paid');
  return { merchantUid, impUid: payment.imp_uid };
}

const cancelCalls = async () =>
  (await sandboxRequests(stack.sandbox)).filter((r) => r.method === 'POST' && r.path.endsWith('/cancel'));

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});
beforeEach(async () => {
  clock = () => new Date(Date.now() + 5_000);
  stack.sandbox.state.reset();
  const doc = documentClient(stack.config);
  for (const api of ['v1', 'v2']) await doc.send(new DeleteCommand({ TableName: ledgerTable, Key: { api } }));
});

describe('ledger check, V1', () => {
  it('refunds a second charge whose every notice was lost, once, with the checksum', async () => {
    const { merchantUid, impUid } = await paidOrder(14_000);
    // The buyer pays the same order again; no callback, redirect or webhook ever arrives.
    const second = await payInSandbox(stack.sandbox, { merchant_uid: merchantUid, amount: 14_000 });

    const findings = findingsOf(await run('v1'));
    // Refunded once every page of the window is read: a refund moves a payment out of the listing.
    expect(findings).toMatchObject({ checked: 2, consistent: 1, reverified: 1, settled: 1, refunded: 1 });
    expect(findings.unsettled.count).toBe(0);
    const stored = await order(merchantUid);
    expect(stored).toMatchObject({ status: 'paid', imp_uid: impUid });
    expect(stored.refunds).toEqual([
      expect.objectContaining({
        imp_uid: second.imp_uid,
        amount: 14_000,
        status: 'done',
        reason: 'duplicate_payment',
      }),
    ]);
    expect(await cancelCalls()).toHaveLength(1);

    // A later window overlapping this one sees the refunded attempt and does nothing more.
    clock = () => new Date(Date.now() + day + 10_000);
    const again = findingsOf(await run('v1'));
    expect(again.refunded).toBe(0);
    expect(again.unsettled.count).toBe(0);
    expect(await cancelCalls()).toHaveLength(1);
  });

  it('reports a payment for an order we do not know, and never cancels it', async () => {
    const stranger = uniqueMerchantUid('elsewhere');
    await payInSandbox(stack.sandbox, { merchant_uid: stranger, amount: 5_000 });
    const findings = findingsOf(await run('v1'));
    expect(findings.unknown_orders).toEqual({
      count: 1,
      examples: [expect.objectContaining({ merchant_uid: stranger, reason: 'no such order' })],
    });
    expect(await cancelCalls()).toEqual([]);
  });

  it('re-verifies an order whose status disagrees: a lost result, a console cancel whose webhook was lost', async () => {
    const lost = await register(14_000);
    await payInSandbox(stack.sandbox, { merchant_uid: lost, amount: 14_000 });
    const { merchantUid: cancelled, impUid } = await paidOrder(9_000);
    await sandboxControl(stack.sandbox, `/__sandbox/payments/${impUid}/cancel`, { notify: false });

    const findings = findingsOf(await run('v1'));
    expect(findings).toMatchObject({ checked: 2, reverified: 2, settled: 2, refunded: 0 });
    expect((await order(lost)).history.at(-1)).toMatchObject({ to: 'paid', source: 'ledger' });
    expect((await order(cancelled)).status).toBe('cancelled');
  });

  it('goes on past a payment it cannot check (an unreadable order), deferring it, not the window', async () => {
    const broken = await register(3_000);
    await payInSandbox(stack.sandbox, { merchant_uid: broken, amount: 3_000 });
    const lost = await register(14_000);
    await payInSandbox(stack.sandbox, { merchant_uid: lost, amount: 14_000 });
    const unreadable = new Error('not a valid order item');
    const errors: unknown[] = [];
    const deps = ledgerDeps();
    const failing: LedgerDeps = {
      ...deps,
      orders: {
        get: async (merchantUid) => {
          if (merchantUid === broken) throw unreadable;
          return deps.orders.get(merchantUid);
        },
      },
      verify: async (request) => {
        if (request.merchantUid === broken) throw unreadable;
        return deps.verify(request);
      },
      onError: (error) => errors.push(error),
    };

    const first = await checkLedger(failing, settings, 'v1');

    expect(first).toMatchObject({
      state: 'interrupted',
      reason: expect.stringContaining('1 payments wait for another try'),
    });
    expect((await order(lost)).status).toBe('paid');
    expect(errors).toEqual([unreadable, unreadable]);
    // Readable again, the deferred payment is checked and the window ends.
    const second = await run('v1');
    expect(second.state).toBe('finished');
    expect((await order(broken)).status).toBe('paid');
  });

  it('leaves a test-channel payment alone where the stage refuses them', async () => {
    const merchantUid = await register(14_000);
    await payInSandbox(stack.sandbox, { merchant_uid: merchantUid, amount: 14_000, sandbox: true });
    const findings = findingsOf(await run('v1'));
    expect(findings).toMatchObject({ checked: 1, ignored: 1, reverified: 0 });
    expect((await order(merchantUid)).status).toBe('pending');
  });

  it('checks a consistent book with listing calls only', async () => {
    await paidOrder(14_000);
    await paidOrder(7_000);
    const before = (await sandboxRequests(stack.sandbox)).length;
    const findings = findingsOf(await run('v1'));
    expect(findings).toMatchObject({ checked: 2, consistent: 2, reverified: 0 });
    const calls = (await sandboxRequests(stack.sandbox)).slice(before);
    expect(calls.every((call) => call.path.startsWith('/payments/status/'))).toBe(true);
  });

  it('pages, stops at its page budget, resumes from its checkpoint, and is not due again for a day', async () => {
    const orders = await Promise.all(
      Array.from({ length: 130 }, async () => {
        const merchantUid = await register(1_000);
        await payInSandbox(stack.sandbox, { merchant_uid: merchantUid, amount: 1_000 });
        return merchantUid;
      }),
    );
    const states: string[] = [];
    let last: LedgerRun | undefined;
    for (let i = 0; i < 5; i++) {
      last = await run('v1', { maxPagesPerRun: 1 });
      states.push(last.state);
      if (last.state === 'finished') break;
    }
    // paid: pages 1 and 2 (100 + 30), then cancelled: one empty page, one run each.
    expect(states).toEqual(['paused', 'paused', 'finished']);
    const findings = findingsOf(last as LedgerRun);
    expect(findings).toMatchObject({ pages: 3, checked: 130, reverified: 130, settled: 130 });
    for (const merchantUid of orders.slice(0, 3)) expect((await order(merchantUid)).status).toBe('paid');
    expect(await run('v1')).toMatchObject({ state: 'not_due' });
  });

  it('keeps its place while Iamport is down, and finishes once it is back', async () => {
    const merchantUid = await register(14_000);
    await payInSandbox(stack.sandbox, { merchant_uid: merchantUid, amount: 14_000 });
    await sandboxControl(stack.sandbox, '/__sandbox/faults', { rate: 1, status: 503 });
    const down = await run('v1');
    expect(down.state).toBe('interrupted');
    await sandboxControl(stack.sandbox, '/__sandbox/faults', undefined, 'DELETE');
    const back = await run('v1');
    expect(back.state).toBe('finished');
    expect(findingsOf(back)).toMatchObject({ checked: 1, settled: 1 });
    expect((await order(merchantUid)).status).toBe('paid');
  });
});

describe('ledger check, V1, under faults', () => {
  it('refunds 100 second charges whose notices were all lost, each exactly once, with 30% of Iamport calls failing', async () => {
    const charges: { merchantUid: string; second: string }[] = [];
    for (let batch = 0; batch < 10; batch++) {
      const made = await Promise.all(
        Array.from({ length: 10 }, async () => {
          const { merchantUid } = await paidOrder(3_000);
          const second = await payInSandbox(stack.sandbox, { merchant_uid: merchantUid, amount: 3_000 });
          return { merchantUid, second: second.imp_uid };
        }),
      );
      charges.push(...made);
    }
    await sandboxControl(stack.sandbox, '/__sandbox/faults', { rate: 0.3, status: 503 });
    const states: string[] = [];
    let last: LedgerRun | undefined;
    // Each run gets as far as the faults let it; the next resumes from the checkpoint, as the schedule would.
    for (let i = 0; i < 80 && last?.state !== 'finished'; i++) {
      last = await run('v1', { maxPagesPerRun: 2 }, 0);
      states.push(last.state);
    }
    await sandboxControl(stack.sandbox, '/__sandbox/faults', undefined, 'DELETE');
    expect(last?.state).toBe('finished');
    expect(states).toContain('interrupted');
    const findings = findingsOf(last as LedgerRun);
    expect(findings, JSON.stringify(findings)).toMatchObject({ refunded: 100 });
    expect(findings.checked).toBeGreaterThanOrEqual(200);
    expect(findings.unsettled.count).toBe(0);
    for (const { merchantUid, second } of charges) {
      const stored = await order(merchantUid);
      expect(stored.status).toBe('paid');
      expect(stored.refunds).toEqual([expect.objectContaining({ imp_uid: second, status: 'done' })]);
    }
    // Exactly one accepted cancel per second charge, whatever was retried.
    const cancels = (await sandboxRequests(stack.sandbox)).filter(
      (r) => r.path === '/payments/cancel' && r.status === 200,
    );
    expect(cancels).toHaveLength(100);
  }, 120_000);
});

describe('ledger check, V2', () => {
  const payV2 = (paymentId: string, amount: number) =>
    sandboxControl(stack.sandbox, '/__sandbox/v2/payments', { paymentId, amount, notify: false });

  it('re-verifies a V2 order paid or cancelled behind its back, and reports an unknown paymentId', async () => {
    const lost = await register(14_000, 'v2');
    await payV2(lost, 14_000);
    const stranger = uniqueMerchantUid('payment');
    await payV2(stranger, 3_000);
    const v1Named = await register(2_000);
    // A V2 payment under the id of a V1 order: not that order's to decide.
    await payV2(v1Named, 2_000);

    const findings = findingsOf(await run('v2'));
    expect(findings).toMatchObject({ checked: 3, reverified: 1, settled: 1 });
    expect((await order(lost)).status).toBe('paid');
    expect(findings.unknown_orders.examples.map((f) => [f.merchant_uid, f.reason]).sort()).toEqual(
      [
        [stranger, 'no such order'],
        [v1Named, 'an order of the other API'],
      ].sort(),
    );
    expect((await order(v1Named)).status).toBe('pending');

    await sandboxControl(stack.sandbox, `/__sandbox/v2/payments/${lost}/cancel`, { notify: false });
    clock = () => new Date(Date.now() + day + 10_000);
    const later = findingsOf(await run('v2'));
    expect(later).toMatchObject({ reverified: 1, settled: 1 });
    expect((await order(lost)).status).toBe('cancelled');
  });
});

describe('the ledger check function', () => {
  it('logs what needs attention and publishes a finished window’s findings', async () => {
    await payInSandbox(stack.sandbox, { merchant_uid: uniqueMerchantUid('elsewhere'), amount: 5_000 });
    const lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
    const logger = createLogger('test-ledger');
    for (const level of ['debug', 'info', 'warn', 'error'] as const) {
      logger[level] = ((message: string, fields: Record<string, unknown> = {}) => {
        lines.push({ level, message, fields });
      }) as (typeof logger)[typeof level];
    }
    const published: LedgerFindings[] = [];
    const handler = createLedgerCheckHandler(ledgerDeps(), settings, logger, async (findings) => {
      published.push(findings);
    });
    const result = await handler({}, { getRemainingTimeInMillis: () => 120_000 });
    expect(result).toEqual([
      { api: 'v1', state: 'finished' },
      { api: 'v2', state: 'finished' },
    ]);
    expect(published.map((f) => [f.api, f.unknown_orders.count])).toEqual([
      ['v1', 1],
      ['v2', 0],
    ]);
    const attention = lines.filter((line) => line.message === 'ledger check needs attention');
    expect(attention).toEqual([
      expect.objectContaining({ level: 'error', fields: expect.objectContaining({ api: 'v1' }) }),
    ]);
  });
});
