import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { demoApiKey, demoApiSecret, demoV2ApiSecret, demoV2WebhookSecret } from '../../sandbox/index';
import type { Payment } from '../../shared/iamport/types';
import { awaitsResult, canTransition } from '../../shared/orders/transitions';
import { type Order, orderStatuses } from '../../shared/orders/types';
import type { ReconcileSettings } from '../../shared/reconcile/schedule';
import { formEvent, httpApiEvent, jsonEvent } from '../helpers/events';
import { InvocationKilled } from './crashes';
import { type ChaosInvariant, type ChaosSummary, renderReport } from './report';
import {
  type Encoding,
  generateScenario,
  type OrderKind,
  type PlannedAttempt,
  type PlannedOrder,
  type Scenario,
  type Step,
} from './scenario';
import {
  type ChaosStack,
  type FaultRates,
  gatewayError,
  LEDGER_REFUND_LEASE_MS,
  merchantWebhookSecret,
  resultPageUrl,
  startChaosStack,
  Tally,
} from './stack';

export interface ChaosOptions {
  n: number;
  seed: number;
  /** Where the order table lives; it must exist and hold no order of this seed. */
  dynamoEndpoint: string;
  ordersTable: string;
  /** The ledger check's checkpoint table; it must hold no checkpoint. */
  ledgerTable: string;
  /** serverless.yml's RetryQueue resource, for its redrive count. */
  retryQueueResource?: unknown;
  /** The retry queue's visibility timeout, scaled down with the other timings. @default 10 */
  visibilityTimeoutSeconds?: number;
  /** Second charges besides the n payments (found by the ledger check). @default n / 10 */
  secondCharges?: number;
  /** Share of V2 orders. @default 0.5 */
  v2Share?: number;
  /** Deliveries in flight at once. @default 32 */
  concurrency?: number;
  /** Pollers of the retry queue. @default 6 */
  consumers?: number;
  /** Deadline of one Iamport/PortOne call, DynamoDB/SQS attempt and event delivery attempt. @default 1000 */
  timeoutMs?: number;
  /** Fault shares per dependency while faults are on. @default {@link defaultRates} */
  rates?: Partial<FaultRates>;
  /** @default {reconcileAfterSeconds: 1, retryBaseSeconds: 1, reconcileMaxAgeSeconds: 30} */
  settings?: Partial<ReconcileSettings>;
  /** Longest wait for the queue to drain and every order to be final. @default 300000 */
  drainTimeoutMs?: number;
  /** @default 1000 */
  sweepEveryMs?: number;
  /** Markdown report written here when given. */
  reportPath?: string;
  /** Progress lines. */
  log?: (line: string) => void;
  /** Print the functions' own warnings and errors. */
  verbose?: boolean;
}

export interface ChaosResult {
  ok: boolean;
  invariants: ChaosInvariant[];
  summary: ChaosSummary;
  report: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** At most `limit` at once, results in input order. */
async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  run: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await run(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

class Invariants {
  private readonly list = new Map<string, ChaosInvariant>();
  /** Keeps the first few violations in full; the count is always exact. */
  private static readonly keep = 20;

  check(name: string, ok: boolean, violation: () => string): void {
    let invariant = this.list.get(name);
    if (!invariant) {
      invariant = { name, checked: 0, violated: 0, examples: [] };
      this.list.set(name, invariant);
    }
    invariant.checked += 1;
    if (ok) return;
    invariant.violated += 1;
    if (invariant.examples.length < Invariants.keep) invariant.examples.push(violation());
  }

  all(): ChaosInvariant[] {
    return [...this.list.values()];
  }
}

/** The statuses a browser may be told for an attempt, whatever else happened meanwhile. */
function truthfulAnswers(order: PlannedOrder, attempt: PlannedAttempt): string[] {
  if (order.kind === 'tampered') return ['forgery'];
  if (attempt.status === 'failed') return ['failed', 'paid'];
  if (attempt.status === 'ready') return ['vbank_issued', 'paid'];
  // A second charge is paid after its order is final, with every notice lost: no browser hears of it.
  return ['paid'];
}

function describeStep(step: Step, scenario: Scenario): string {
  const order = scenario.orders[step.order];
  const attempt = step.attempt === undefined ? '' : ` attempt ${step.attempt}`;
  const encoding = step.encoding ? ` (${step.encoding})` : '';
  return `${step.kind}${encoding} of ${order?.merchantUid ?? step.order}${attempt}`;
}

function historyPath(order: Order): string {
  return order.history.map((entry) => entry.to).join('→');
}

/** The history with the source of each step, for violation messages. */
function historyDetail(order: Order): string {
  return order.history.map((entry) => `${entry.to} (${entry.source})`).join(' → ');
}

/** Every dependency's fault share and the crash rate, as the full run sets them. */
export const defaultRates: FaultRates = {
  portone: 0.3,
  dynamodb: 0.1,
  sqs: 0.1,
  events: 0.3,
  crash: 0.03,
  redelivery: 0.1,
};

/**
 * Runs one chaos scenario against the in-process stack: deliveries with every fault class on, then
 * healthy dependencies until the queue drains; then second charges nobody is told of, found by the
 * ledger check under faults again; then the invariants. Never throws for a violated invariant; `ok`
 * says whether all held.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const log = options.log ?? (() => undefined);
  const timeoutMs = options.timeoutMs ?? 1000;
  const concurrency = options.concurrency ?? 32;
  const settings: ReconcileSettings = {
    reconcileAfterSeconds: 1,
    retryBaseSeconds: 1,
    reconcileMaxAgeSeconds: 30,
    ...options.settings,
  };
  const rates: FaultRates = { ...defaultRates, ...options.rates };
  const drainTimeoutMs = options.drainTimeoutMs ?? 300_000;
  const startedAt = performance.now();

  const scenario = generateScenario({
    n: options.n,
    seed: options.seed,
    secondCharges: options.secondCharges ?? Math.floor(options.n / 10),
    ...(options.v2Share === undefined ? {} : { v2Share: options.v2Share }),
  });
  const stack = await startChaosStack({
    dynamoEndpoint: options.dynamoEndpoint,
    ordersTable: options.ordersTable,
    ledgerTable: options.ledgerTable,
    retryQueueResource: options.retryQueueResource,
    visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 10,
    settings,
    timeoutMs,
    consumers: options.consumers ?? 6,
    connections: Math.max(16, concurrency),
    sweepEveryMs: options.sweepEveryMs ?? 1000,
    seed: scenario.faultSeed,
    verbose: options.verbose ?? false,
  });
  const timings: [string, number][] = [['stack start', performance.now() - startedAt]];
  try {
    return await runWithStack(stack, scenario, {
      log,
      concurrency,
      settings,
      rates,
      timeoutMs,
      drainTimeoutMs,
      startedAt,
      timings,
      ...(options.reportPath ? { reportPath: options.reportPath } : {}),
      consumers: options.consumers ?? 6,
    });
  } finally {
    await stack.close();
  }
}

interface RunContext {
  log: (line: string) => void;
  concurrency: number;
  consumers: number;
  settings: ReconcileSettings;
  rates: FaultRates;
  timeoutMs: number;
  drainTimeoutMs: number;
  startedAt: number;
  timings: [string, number][];
  reportPath?: string;
}

async function control(stack: ChaosStack, path: string, body?: unknown, method = 'POST') {
  const response = await fetch(`${stack.sandbox.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

/** What a buyer's browser does when the page answered API Gateway's 500: it asks again. */
const BROWSER_REPEATS = 10;

/**
 * Strings no log line may contain: the API secrets and keys, the webhook secrets, and the buyer data the
 * sandbox puts on every payment (name, e-mail, phone).
 */
const forbiddenInLogs = [
  demoApiKey,
  demoApiSecret,
  demoV2ApiSecret,
  demoV2WebhookSecret,
  merchantWebhookSecret,
  '홍길동',
  'buyer@example.com',
  '01012345678',
  '010-1234-5678',
  'access_token',
];

async function runWithStack(
  stack: ChaosStack,
  scenario: Scenario,
  context: RunContext,
): Promise<ChaosResult> {
  const { log } = context;
  const invariants = new Invariants();
  /** Per attempt: V1 imp_uid, or V2 transaction id. */
  const attemptIds = new Map<string, string>();
  const attemptKey = (order: number, attempt: number) => `${order}.${attempt}`;
  const deliveries = new Tally();
  const completeAnswers = new Tally();
  const mobileAnswers = new Tally();
  const harness = new Tally();
  const harnessErrors: string[] = [];

  function planned(step: Step): { order: PlannedOrder; attempt?: PlannedAttempt } {
    const order = scenario.orders[step.order];
    if (!order) throw new Error(`step ${step.id} names no order`);
    const attempt = step.attempt === undefined ? undefined : order.attempts[step.attempt];
    return attempt ? { order, attempt } : { order };
  }
  function attemptIdOf(step: Step): string {
    const id = attemptIds.get(attemptKey(step.order, step.attempt ?? -1));
    if (!id) throw new Error(`no payment yet for ${describeStep(step, scenario)}`);
    return id;
  }

  async function register(order: PlannedOrder): Promise<void> {
    const api = order.api === 'v2' ? { api: 'v2' as const } : {};
    if (order.registration === 'direct') {
      // Written straight into the table, as the merchant's own system might: no prepare (so a tampered
      // amount can be charged) and no queued check, only a due time for the sweeper.
      const due = Math.floor(Date.now() / 1000) + context.settings.reconcileAfterSeconds + 1;
      const { created } = await stack.orders.create(
        { merchant_uid: order.merchantUid, amount: order.amount, currency: 'KRW', ...api },
        new Date(),
        due,
      );
      if (!created) throw new Error(`${order.merchantUid} existed already`);
      return;
    }
    for (let tries = 1; ; tries++) {
      const answer = await stack.createOrder(
        jsonEvent({ merchant_uid: order.merchantUid, amount: order.amount, ...api }, { path: '/orders' }),
      );
      if (answer.statusCode === 201 || answer.statusCode === 200) return;
      // A 5xx: Iamport's prepare or the table did not go through; the merchant's back end repeats it.
      if ((answer.statusCode ?? 0) >= 500 && tries < 40) {
        harness.add(`registrations repeated after a ${answer.statusCode}`);
        await sleep(Math.min(1000, 50 * tries));
        continue;
      }
      throw new Error(`POST /orders answered ${answer.statusCode}: ${answer.body ?? ''}`);
    }
  }

  async function pay(order: PlannedOrder, attempt: PlannedAttempt): Promise<void> {
    if (order.api === 'v2') {
      const answer = await control(stack, '/__sandbox/v2/payments', {
        paymentId: order.merchantUid,
        amount: attempt.amount,
        status:
          attempt.status === 'paid'
            ? 'PAID'
            : attempt.status === 'ready'
              ? 'VIRTUAL_ACCOUNT_ISSUED'
              : 'FAILED',
        method: attempt.payMethod === 'vbank' ? 'VIRTUAL_ACCOUNT' : 'CARD',
        notify: false,
        ...(attempt.status === 'failed' ? { failReason: '카드 한도 초과 (chaos)' } : {}),
      });
      if (answer.status !== 201) throw new Error(`sandbox V2 checkout answered ${answer.status}`);
      const transactionId = (answer.body as { transactionId?: unknown }).transactionId;
      if (typeof transactionId !== 'string') throw new Error('sandbox V2 checkout gave no transactionId');
      attemptIds.set(attemptKey(order.index, attempt.index), transactionId);
      return;
    }
    const answer = await control(stack, '/__sandbox/payments', {
      merchant_uid: order.merchantUid,
      amount: attempt.amount,
      status: attempt.status,
      pay_method: attempt.payMethod,
      channel: order.channel,
      // Iamport's own notice is replaced by the planned deliveries (none, or 1-3 re-sends).
      notify: false,
      ...(attempt.status === 'failed' ? { fail_reason: '카드 한도 초과 (chaos)' } : {}),
    });
    if (answer.status !== 201) throw new Error(`sandbox checkout answered ${answer.status}`);
    attemptIds.set(attemptKey(order.index, attempt.index), (answer.body as Payment).imp_uid);
  }

  /** A browser request, asked again while API Gateway answers 500 for a function the run killed. */
  async function asBrowser(
    send: () => Promise<APIGatewayProxyStructuredResultV2>,
  ): Promise<APIGatewayProxyStructuredResultV2> {
    for (let tries = 1; ; tries++) {
      const answer = await send();
      if (answer !== gatewayError || tries >= BROWSER_REPEATS) return answer;
      harness.add('browser requests repeated after a killed invocation');
    }
  }

  function recordBrowserAnswer(
    route: 'complete' | 'mobile',
    step: Step,
    answer: APIGatewayProxyStructuredResultV2,
  ): void {
    const { order, attempt } = planned(step);
    const statusCode = answer.statusCode ?? 200;
    const where = `${describeStep(step, scenario)}`;
    const allowed = attempt ? truthfulAnswers(order, attempt) : [];
    if (route === 'complete') {
      let told = '';
      try {
        told = String((JSON.parse(answer.body ?? '{}') as { status?: unknown }).status ?? '');
      } catch {
        told = '(unreadable body)';
      }
      completeAnswers.add(`${order.api} ${statusCode} ${told}`.trim());
      invariants.check(
        'no 5xx to a browser',
        statusCode < 500,
        () => `${where}: ${statusCode} ${answer.body}`,
      );
      const truthful =
        (statusCode === 202 && told === 'pending') || (statusCode === 200 && allowed.includes(told));
      invariants.check(
        'PC callback: 200 with a true status, or 202 pending',
        truthful,
        () => `${where}: ${statusCode} ${answer.body ?? ''}`,
      );
      return;
    }
    const location = String(answer.headers?.location ?? '');
    let told = '';
    try {
      told = new URL(location).searchParams.get('status') ?? '';
    } catch {
      told = '(no location)';
    }
    mobileAnswers.add(`${order.api} ${statusCode} ${told}`);
    invariants.check('no 5xx to a browser', statusCode < 500, () => `${where}: ${statusCode} ${answer.body}`);
    invariants.check(
      'mobile redirect: always 302 to the result page with a true status or pending',
      statusCode === 302 &&
        location.startsWith(`${resultPageUrl}?`) &&
        (told === 'pending' || allowed.includes(told)),
      () => `${where}: ${statusCode} ${location}`,
    );
  }

  /** `notice`: the notice to send again (V1 its status, V2 its type); by default the payment's current one. */
  async function sendWebhook(
    order: PlannedOrder,
    id: string,
    encoding: Encoding | undefined,
    notice?: string,
  ): Promise<void> {
    const format = encoding ? { format: encoding } : {};
    const answer =
      order.api === 'v2'
        ? await control(stack, `/__sandbox/v2/webhooks/${order.merchantUid}`, {
            ...format,
            ...(notice ? { type: notice } : {}),
          })
        : await control(stack, `/__sandbox/webhooks/${id}`, {
            ...format,
            ...(notice ? { status: notice } : {}),
          });
    if (answer.status !== 202) throw new Error(`webhook re-send answered ${answer.status}`);
  }

  async function execute(step: Step): Promise<void> {
    const { order, attempt } = planned(step);
    switch (step.kind) {
      case 'register':
        await register(order);
        deliveries.add(order.registration === 'direct' ? 'orders written directly' : 'orders registered');
        return;
      case 'pay':
        if (!attempt) throw new Error('pay without attempt');
        await pay(order, attempt);
        deliveries.add(
          `checkouts (${order.api} ${attempt.status}${attempt.payMethod === 'vbank' ? ' vbank' : ''})`,
        );
        return;
      case 'deposit': {
        const path =
          order.api === 'v2'
            ? `/__sandbox/v2/payments/${order.merchantUid}/deposit`
            : `/__sandbox/payments/${attemptIdOf(step)}/deposit`;
        const answer = await control(stack, path, { notify: false });
        if (answer.status !== 200) throw new Error(`deposit answered ${answer.status}`);
        deliveries.add(`vbank deposits (${order.api})`);
        return;
      }
      case 'redirect': {
        const failed = attempt?.status === 'failed';
        const answer = await asBrowser(() =>
          order.api === 'v2'
            ? stack.redirectV2(
                httpApiEvent({
                  method: 'GET',
                  path: '/v2/payments/redirect',
                  query: {
                    paymentId: order.merchantUid,
                    ...(failed ? { code: 'FAILURE_TYPE_PG', message: '카드 한도 초과' } : {}),
                  },
                }),
              )
            : stack.mobile(
                httpApiEvent({
                  method: 'GET',
                  path: '/payments/complete/mobile',
                  query: {
                    imp_uid: attemptIdOf(step),
                    merchant_uid: order.merchantUid,
                    imp_success: failed ? 'false' : 'true',
                  },
                }),
              ),
        );
        deliveries.add(`mobile redirects (${order.api})`);
        recordBrowserAnswer('mobile', step, answer);
        return;
      }
      case 'callback': {
        const body: Record<string, string> =
          order.api === 'v2'
            ? { paymentId: order.merchantUid }
            : { imp_uid: attemptIdOf(step), merchant_uid: order.merchantUid };
        const path = order.api === 'v2' ? '/v2/payments/complete' : '/payments/complete';
        const invoke = order.api === 'v2' ? stack.completeV2 : stack.complete;
        const answer = await asBrowser(() =>
          invoke(step.encoding === 'json' ? jsonEvent(body, { path }) : formEvent(body, { path })),
        );
        deliveries.add(`PC callbacks (${order.api} ${step.encoding})`);
        recordBrowserAnswer('complete', step, answer);
        return;
      }
      case 'webhook': {
        await sendWebhook(order, attemptIdOf(step), step.encoding);
        deliveries.add(`webhooks sent (${order.api} ${step.encoding})`);
        return;
      }
    }
  }

  /**
   * PortOne's resend: a notice our function did not answer 200 (a killed invocation's 500, a 5xx while a
   * dependency failed) is sent again, until each one was answered 200. Returns how many were re-sent.
   */
  async function resendUnanswered(): Promise<number> {
    await stack.sandbox.idle();
    const byUid = new Map(scenario.orders.map((order) => [order.merchantUid, order]));
    let resent = 0;
    for (const { merchantUid, id, notice } of unansweredNotices(stack)) {
      const order = byUid.get(merchantUid);
      if (!order) continue;
      await sendWebhook(order, id, undefined, notice);
      resent += 1;
    }
    harness.add('webhooks re-sent after an answer other than 200', resent);
    await stack.sandbox.idle();
    return resent;
  }

  async function runSteps(steps: readonly Step[], latencies: Map<string, number[]>): Promise<void> {
    const running = new Map<number, Promise<void>>();
    let next = 0;
    let finished = 0;
    const progress = setInterval(() => log(`  deliveries: ${finished}/${steps.length} steps`), 5000);
    const worker = async () => {
      while (next < steps.length) {
        const step = steps[next++] as Step;
        const task = (async () => {
          // Dependencies come earlier in the list, so they were started already: no deadlock.
          await Promise.all(step.after.map((id) => running.get(id)));
          const began = performance.now();
          try {
            await execute(step);
          } finally {
            const list = latencies.get(step.kind) ?? [];
            list.push(performance.now() - began);
            latencies.set(step.kind, list);
          }
        })();
        running.set(step.id, task);
        try {
          await task;
        } catch (error) {
          harness.add(`step failed: ${step.kind}`);
          if (harnessErrors.length < 20)
            harnessErrors.push(
              `${describeStep(step, scenario)}: ${error instanceof Error ? error.message : String(error)}`,
            );
        } finally {
          finished += 1;
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: context.concurrency }, worker));
    } finally {
      clearInterval(progress);
    }
  }

  const finalSeen = new Set<string>();
  const readOrders = (list: readonly PlannedOrder[]) =>
    mapLimit(list, 32, async (order) => ({
      planned: order,
      stored: await stack.orders.get(order.merchantUid),
    }));

  /** Until the retry queue is empty and every order final, re-sending unanswered notices on the way. */
  async function drain(label: string): Promise<{ drained: boolean; depth: number; awaiting: number }> {
    const started = performance.now();
    let lastLog = 0;
    let depth = -1;
    let awaiting = scenario.orders.length;
    let lastResend = 0;
    let lastLeaseSweep = performance.now();
    for (;;) {
      if (performance.now() - lastResend > 3000) {
        lastResend = performance.now();
        await resendUnanswered();
      }
      depth = await stack.depth(stack.queueUrl);
      const open = scenario.orders.filter((order) => !finalSeen.has(order.merchantUid));
      if (depth <= open.length || performance.now() - lastLog > 5000) {
        for (const { planned: order, stored } of await readOrders(open)) {
          if (stored && !awaitsResult(stored.status)) finalSeen.add(order.merchantUid);
        }
      }
      awaiting = scenario.orders.length - finalSeen.size;
      // Nothing queued, yet orders wait: their check sits under a lease of a sweep that was killed.
      if (depth === 0 && awaiting > 0 && performance.now() - lastLeaseSweep > 5000) {
        lastLeaseSweep = performance.now();
        await stack.sweepPastLeases();
      }
      if (depth === 0 && awaiting === 0 && (await resendUnanswered()) === 0) {
        context.timings.push([label, performance.now() - started]);
        return { drained: true, depth, awaiting };
      }
      if (performance.now() - started > context.drainTimeoutMs) break;
      if (performance.now() - lastLog > 5000) {
        lastLog = performance.now();
        log(`  ${label}: queue depth ${depth}, orders not final ${awaiting}`);
      }
      await sleep(500);
    }
    context.timings.push([label, performance.now() - started]);
    return { drained: false, depth, awaiting };
  }

  // ---- 1. Deliveries with every fault class on ---------------------------------------------------
  await stack.setFaults(context.rates);
  const deliveriesStarted = performance.now();
  const latencies = new Map<string, number[]>();
  await runSteps(scenario.steps, latencies);
  context.timings.push(['deliveries: steps', performance.now() - deliveriesStarted]);
  // Webhooks go out in the background: they belong to the deliveries, under the same faults.
  await stack.sandbox.idle();
  await stack.setFaults(null);
  context.timings.push(['deliveries (faults on)', performance.now() - deliveriesStarted]);
  log(`  deliveries done in ${((performance.now() - deliveriesStarted) / 1000).toFixed(1)} s; draining`);

  // ---- 2. Healthy again, until the queue is empty and every order final --------------------------
  stack.startSafetyNet();
  const first = await drain('drain (faults off)');
  log(`  drain ${first.drained ? 'done' : 'timed out'}`);

  // ---- 3. Second charges nobody is told of, and the ledger check under faults ---------------------
  const late = scenario.orders.flatMap((order) =>
    order.attempts.filter((attempt) => attempt.afterFinal).map((attempt) => ({ order, attempt })),
  );
  const ledgerStarted = performance.now();
  log(`  ${late.length} second charges; ledger check under faults`);
  await mapLimit(late, 8, async ({ order, attempt }) => {
    await pay(order, attempt);
    deliveries.add('second charges (every notice lost)');
  });
  const ledgerRuns = new Tally();
  const ledgerDone = async (maxRuns: number): Promise<boolean> => {
    for (let run = 1; run <= maxRuns; run++) {
      // The schedule's runs are 30 minutes apart: a refund a killed run claimed is free again by the next.
      if (run > 1) await sleep(LEDGER_REFUND_LEASE_MS + 500);
      try {
        const states = await stack.ledgerCheck();
        for (const { api, state } of states) ledgerRuns.add(`${api}: ${state}`);
        log(`  ledger check run ${run}: ${states.map(({ api, state }) => `${api} ${state}`).join(', ')}`);
        if (
          states.every(({ state }) => state === 'finished' || state === 'not_due' || state === 'not_served')
        )
          return true;
      } catch (error) {
        ledgerRuns.add(error instanceof InvocationKilled ? 'runs killed' : 'runs failed');
        log(`  ledger check run ${run}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return false;
  };
  if (late.length > 0) {
    await stack.setFaults(context.rates);
    const underFaults = await ledgerDone(20);
    await stack.setFaults(null);
    // A window the faults kept open is finished by the next scheduled runs, healthy.
    if (!underFaults) await ledgerDone(20);
  }
  context.timings.push(['ledger check (second charges)', performance.now() - ledgerStarted]);
  const second = await drain('drain after the ledger check');
  log(`  drain after the ledger check ${second.drained ? 'done' : 'timed out'}; waiting for the last events`);
  const drained = first.drained && second.drained;
  await stack.sandbox.idle();
  stack.collectRequests();

  // Events leave after the request: the stream hands the last changes to the delivery function, and
  // the safety net sends what the stream gave up on.
  await stack.delivered();
  log('  the stream is idle');
  const eventsStarted = performance.now();
  await waitForEvents(stack, scenario, context.drainTimeoutMs, log);
  context.timings.push(['last events delivered', performance.now() - eventsStarted]);
  log('  checking the invariants');

  // ---- Invariants -------------------------------------------------------------------------------
  const checksStarted = performance.now();
  invariants.check(
    'queue drained and every order final before the deadline',
    drained,
    () =>
      `after ${context.drainTimeoutMs} ms: queue depth ${second.depth}, ${second.awaiting} orders not final`,
  );
  invariants.check('every planned step ran', harnessErrors.length === 0, () => harnessErrors.join('; '));
  const dlqDepth = await stack.depth(stack.dlqUrl);
  invariants.check('nothing in the DLQ', dlqDepth === 0, () => `DLQ depth ${dlqDepth}`);

  const finalOrders = await readOrders(scenario.orders);
  const outcomes = new Map<OrderKind, Tally>();
  const paths = new Map<OrderKind, Tally>();
  for (const { planned: order, stored } of finalOrders) {
    const outcome = outcomes.get(order.kind) ?? new Tally();
    outcomes.set(order.kind, outcome);
    const path = paths.get(order.kind) ?? new Tally();
    paths.set(order.kind, path);
    const who = `${order.merchantUid} (${order.api} ${order.kind})`;
    outcome.add(`${order.api} ${stored?.status ?? 'missing'}`);
    if (!stored) {
      invariants.check('every order in its expected final state', false, () => `${who}: no order stored`);
      continue;
    }
    path.add(historyPath(stored));
    invariants.check(
      'every order in its expected final state',
      stored.status === order.expected,
      () => `${who}: ${stored.status}, expected ${order.expected}; history ${historyDetail(stored)}`,
    );
    const into = stored.history.filter((entry) => entry.to === order.expected).length;
    invariants.check(
      'exactly one history transition into the final state',
      into === 1,
      () => `${who}: ${into} transitions into ${order.expected}; history ${historyDetail(stored)}`,
    );
    const legal = stored.history.every((entry, index) => {
      const previous = stored.history[index - 1];
      if (!previous) return entry.from === null && entry.to === 'pending';
      return entry.from === previous.to && canTransition(previous.to, entry.to);
    });
    invariants.check(
      'history is a legal walk of the state machine',
      legal,
      () => `${who}: ${stored.history.map((h) => `${h.from}→${h.to}`).join(', ')}`,
    );
    // Every version after the first is a transition or a refund: each has its event, at every target.
    const expectedIds = Array.from(
      { length: stored.version - 1 },
      (_, i) => `${stored.merchant_uid}:${i + 2}`,
    );
    for (const sink of stack.sinks) {
      const received = sink.received.of(stored.merchant_uid);
      const receivedIds = [...new Set(received.map((event) => event.id))];
      invariants.check(
        `every transition reached the merchant as an event, at least once (${sink.name})`,
        receivedIds.length === expectedIds.length && expectedIds.every((id) => receivedIds.includes(id)),
        () =>
          `${who}: events ${receivedIds.join(', ') || 'none'}, expected ${expectedIds.join(', ') || 'none'}`,
      );
      // At least once allows duplicates, never reordering: each event first arrives after the ones before it.
      const firstVersions = [...new Set(received.map((event) => event.version))];
      invariants.check(
        `each order's events first reached the merchant in version order (${sink.name})`,
        firstVersions.every((version, index) => index === 0 || version > (firstVersions[index - 1] ?? 0)),
        () => `${who}: first receipts in the order of versions ${firstVersions.join(', ')}`,
      );
      const last = received.find((event) => event.id === `${stored.merchant_uid}:${stored.version}`);
      invariants.check(
        `the last event tells the order's final status (${sink.name})`,
        stored.version === 1 || (last?.status === stored.status && last.type === `order.${stored.status}`),
        () => `${who}: last event ${last?.type ?? 'missing'}, order ${stored.status}`,
      );
    }
    const idOf = (attempt: number | undefined) =>
      attempt === undefined ? undefined : attemptIds.get(attemptKey(order.index, attempt));
    if (order.decisive !== undefined) {
      const decisive = idOf(order.decisive);
      const held = order.api === 'v2' ? stored.transaction_id : stored.imp_uid;
      invariants.check(
        'the final status carries the deciding attempt',
        held === decisive,
        () => `${who}: ${held}, expected ${decisive}`,
      );
    }
    const refunded = order.attempts.filter((attempt) => attempt.expectedCancels > 0);
    const refundsOk =
      stored.refunds.length === refunded.length &&
      refunded.every((attempt) => {
        const id = idOf(attempt.index);
        return stored.refunds.some(
          (refund) =>
            refund.status === 'done' &&
            refund.amount === attempt.amount &&
            (order.api === 'v2' ? refund.transaction_id === id : refund.imp_uid === id),
        );
      });
    invariants.check(
      'order records one done refund per payment to refund (tampered, second charge), none otherwise',
      refundsOk,
      () => `${who}: refunds ${JSON.stringify(stored.refunds)}; history ${historyDetail(stored)}`,
    );
  }

  // PortOne's side: every attempt, its cancels as PortOne itself records them.
  const attempts = scenario.orders.flatMap((order) => order.attempts.map((attempt) => ({ order, attempt })));
  const cancelInvariant = 'exactly one cancel per payment to refund at PortOne (V1 and V2), none for others';
  await mapLimit(attempts, 32, async ({ order, attempt }) => {
    const id = attemptIds.get(attemptKey(order.index, attempt.index));
    const who = `${order.merchantUid} attempt ${attempt.index} (${order.api} ${order.kind})`;
    if (!id) return; // reported by "every planned step ran"
    if (order.api === 'v2') {
      const record = stack.sandbox.state.v2.payments.get(order.merchantUid);
      // A failed V2 attempt's record is replaced by the retry under the same paymentId.
      if (!record || record.transactionId !== id) return;
      const cancelled = record.cancellations.reduce((sum, cancellation) => sum + cancellation.totalAmount, 0);
      invariants.check(
        cancelInvariant,
        record.cancellations.length === attempt.expectedCancels &&
          (attempt.expectedCancels === 0 || cancelled === attempt.amount),
        () => `${who}: ${record.cancellations.length} cancellations for ${cancelled} of ${attempt.amount}`,
      );
      return;
    }
    let payment: Payment;
    try {
      payment = await stack.checker.getPayment(id);
    } catch (error) {
      invariants.check(cancelInvariant, false, () => {
        return `${who}: lookup failed: ${error instanceof Error ? error.message : String(error)}`;
      });
      return;
    }
    const cancels = payment.cancel_history?.length ?? 0;
    invariants.check(
      cancelInvariant,
      cancels === attempt.expectedCancels &&
        (attempt.expectedCancels === 0 || payment.cancel_amount === attempt.amount),
      () => `${who}: ${cancels} cancels, cancel_amount ${payment.cancel_amount} of ${payment.amount}`,
    );
  });

  // Every notice the sandbox sent was answered 200 in the end (a 500 of a killed function was re-sent);
  // a 4xx would be a genuine notice refused.
  for (const delivery of stack.sandbox.state.webhooks.deliveries()) {
    const key = `V1 ${delivery.imp_uid} ${delivery.status}`;
    invariants.check(
      'no webhook notice refused with a 4xx',
      !(
        delivery.response_status !== null &&
        delivery.response_status >= 400 &&
        delivery.response_status < 500
      ),
      () => `${key}: ${delivery.response_status}`,
    );
  }
  const unanswered = unansweredNotices(stack);
  invariants.check(
    'every webhook notice answered 200 in the end (PortOne re-sends what was not)',
    unanswered.length === 0,
    () =>
      unanswered
        .slice(0, 10)
        .map((notice) => notice.detail)
        .join('; '),
  );

  // No secret, token or buyer data in any line the functions logged during the run.
  for (const line of stack.logger.lines) {
    const found = forbiddenInLogs.find((secret) => line.includes(secret));
    invariants.check(
      'no secret or buyer data in any log line',
      found === undefined,
      () => `a line holds ${found?.slice(0, 6)}…: ${line.slice(0, 200)}`,
    );
  }
  context.timings.push(['checks', performance.now() - checksStarted]);
  context.timings.push(['total', performance.now() - context.startedAt]);

  const summary: ChaosSummary = {
    n: scenario.n,
    seed: scenario.seed,
    faultSeed: scenario.faultSeed,
    settings: context.settings,
    concurrency: context.concurrency,
    consumers: context.consumers,
    timeoutMs: context.timeoutMs,
    rates: context.rates,
    kinds: [...new Set(scenario.orders.map((order) => order.kind))].map((kind) => ({
      kind,
      count: scenario.orders.filter((order) => order.kind === kind).length,
      v2: scenario.orders.filter((order) => order.kind === kind && order.api === 'v2').length,
      expected: scenario.orders.find((order) => order.kind === kind)?.expected ?? '',
      outcomes: outcomes.get(kind)?.entries() ?? [],
      paths: paths.get(kind)?.entries() ?? [],
    })),
    dropped: scenario.dropped,
    deliveries: deliveries.entries(),
    completeAnswers: completeAnswers.entries(),
    mobileAnswers: mobileAnswers.entries(),
    webhookAnswers: stack.counters.webhookAnswers.entries(),
    apiStatuses: stack.counters.apiStatuses.entries(),
    apiStatusesUnderFaults: stack.counters.apiStatusesUnderFaults.entries(),
    lostAnswers: stack.counters.lostAnswers.entries(),
    dynamo: {
      injected: [...stack.dynamoFaults.injected.entries()],
      requests: [...stack.dynamoFaults.requests.entries()],
    },
    sqs: {
      injected: [...stack.sqsFaults.injected.entries()],
      requests: [...stack.sqsFaults.requests.entries()],
    },
    redeliveries: stack.counters.redeliveries.entries(),
    sinks: stack.sinks.map((sink) => ({
      name: sink.name,
      tally: sink.tally.entries(),
      events: sink.received.all.length,
      distinct: new Set(sink.received.all.map((event) => event.id)).size,
    })),
    stream: stack.counters.stream.entries(),
    safetyNet: stack.counters.safetyNet.entries(),
    crashes: stack.crashes.crashes.entries(),
    ledger: ledgerRuns.entries(),
    logLines: stack.logger.lines.length,
    enqueued: stack.counters.enqueued.entries(),
    consumer: stack.counters.consumer.entries(),
    consumerResults: stack.counters.consumerResults.entries(),
    sweeps: stack.counters.sweeps.entries(),
    harness: harness.entries(),
    loggedErrors: stack.counters.loggedErrors.entries(),
    iamportErrors: stack.counters.iamportErrors.entries(),
    timings: context.timings,
    latencies: [...latencies.entries()].map(([kind, values]) => {
      const sorted = [...values].sort((a, b) => a - b);
      const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
      return { kind, count: sorted.length, p50: at(0.5), p95: at(0.95), max: sorted.at(-1) ?? 0 };
    }),
    statuses: [...orderStatuses],
  };
  const all = invariants.all();
  const ok = all.every((invariant) => invariant.violated === 0);
  const report = renderReport(summary, all, ok);
  if (context.reportPath) {
    await mkdir(dirname(context.reportPath), { recursive: true });
    await writeFile(context.reportPath, report);
  }
  return { ok, invariants: all, summary, report };
}

interface UnansweredNotice {
  merchantUid: string;
  /** V1 imp_uid, V2 paymentId: what the sandbox re-sends a notice of. */
  id: string;
  /** V1 the notice's status, V2 its type: the notice to send again. */
  notice: string;
  detail: string;
}

/**
 * Every notice the sandbox sent (V1 by imp_uid and status, V2 by paymentId and type) that no delivery of
 * it answered 200 (V2: delivered), with its last delivery's answer.
 */
function unansweredNotices(stack: ChaosStack): UnansweredNotice[] {
  const answered = new Set<string>();
  const unanswered = new Map<string, UnansweredNotice>();
  for (const delivery of stack.sandbox.state.webhooks.deliveries()) {
    const key = `V1 ${delivery.imp_uid} ${delivery.status}`;
    if (delivery.response_status === 200) answered.add(key);
    else
      unanswered.set(key, {
        merchantUid: delivery.merchant_uid,
        id: delivery.imp_uid,
        notice: delivery.status,
        detail: `${key} (${delivery.format}): ${delivery.response_status ?? delivery.error}`,
      });
  }
  for (const delivery of stack.sandbox.state.v2.webhooks.deliveries()) {
    const key = `V2 ${delivery.paymentId} ${delivery.type}`;
    if (delivery.state === 'delivered') answered.add(key);
    else
      unanswered.set(key, {
        merchantUid: delivery.paymentId,
        id: delivery.paymentId,
        notice: delivery.type,
        detail: `${key}: ${delivery.state} ${JSON.stringify(delivery.attempts.at(-1) ?? {})}`,
      });
  }
  return [...unanswered].filter(([key]) => !answered.has(key)).map(([, notice]) => notice);
}

/**
 * Waits until every order's last version reached every target (or the deadline): the stream and the
 * safety net deliver after the requests, so the harness gives them the time a merchant would.
 */
async function waitForEvents(
  stack: ChaosStack,
  scenario: Scenario,
  timeoutMs: number,
  log: (line: string) => void,
): Promise<void> {
  const started = performance.now();
  let lastLog = started;
  while (performance.now() - started < timeoutMs) {
    const missing = await mapLimit(scenario.orders, 32, async (order) => {
      const stored = await stack.orders.get(order.merchantUid);
      if (!stored || stored.version === 1) return false;
      const id = `${stored.merchant_uid}:${stored.version}`;
      return stack.sinks.some(
        (sink) => !sink.received.of(order.merchantUid).some((event) => event.id === id),
      );
    });
    const count = missing.filter(Boolean).length;
    if (count === 0) return;
    // The safety net backs off 30 s, doubling, per failed delivery: its waits are crossed, time-scaled.
    if (performance.now() - started > 5000) await stack.sweepPastBackoff();
    if (performance.now() - lastLog > 5000) {
      lastLog = performance.now();
      log(`  waiting for the last event of ${count} orders`);
    }
    await sleep(1000);
  }
}
