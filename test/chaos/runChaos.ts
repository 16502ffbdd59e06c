import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Payment } from '../../shared/iamport/types';
import { awaitsResult, canTransition } from '../../shared/orders/transitions';
import { type Order, orderStatuses } from '../../shared/orders/types';
import type { ReconcileSettings } from '../../shared/reconcile/schedule';
import { formEvent, httpApiEvent, jsonEvent } from '../helpers/events';
import { type ChaosInvariant, type ChaosSummary, renderReport } from './report';
import {
  generateScenario,
  type OrderKind,
  type PlannedAttempt,
  type PlannedOrder,
  type Scenario,
  type Step,
} from './scenario';
import { type ChaosStack, resultPageUrl, startChaosStack, Tally } from './stack';

export interface ChaosOptions {
  n: number;
  seed: number;
  /** Where the order table lives; it must exist and hold no order of this seed. */
  dynamoEndpoint: string;
  ordersTable: string;
  /** serverless.yml's RetryQueue resource, for its visibility timeout and redrive count. */
  retryQueueResource?: unknown;
  /** Deliveries in flight at once. @default 32 */
  concurrency?: number;
  /** Pollers of the retry queue. @default 6 */
  consumers?: number;
  /** Iamport client deadline. @default 1000 */
  timeoutMs?: number;
  /** Share of Iamport calls that fail while deliveries run. @default 0.3 */
  faultRate?: number;
  /** How long a "timeout" fault holds a call; above `timeoutMs`. @default timeoutMs + 500 */
  faultDelayMs?: number;
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

/**
 * Runs one chaos scenario against the in-process stack: deliveries under a 30% fault mix, then a
 * healthy Iamport until the queue drains, then the invariants. Never throws for a violated invariant;
 * `ok` says whether all held.
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
  const faultRate = options.faultRate ?? 0.3;
  const faultDelayMs = options.faultDelayMs ?? timeoutMs + 500;
  const drainTimeoutMs = options.drainTimeoutMs ?? 300_000;
  const startedAt = performance.now();

  const scenario = generateScenario({ n: options.n, seed: options.seed });
  const stack = await startChaosStack({
    dynamoEndpoint: options.dynamoEndpoint,
    ordersTable: options.ordersTable,
    retryQueueResource: options.retryQueueResource,
    settings,
    timeoutMs,
    consumers: options.consumers ?? 6,
    connections: Math.max(16, concurrency),
    sweepEveryMs: options.sweepEveryMs ?? 1000,
    verbose: options.verbose ?? false,
  });
  const timings: [string, number][] = [['stack start', performance.now() - startedAt]];
  try {
    return await runWithStack(stack, scenario, {
      log,
      concurrency,
      settings,
      faultRate,
      faultDelayMs,
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
  faultRate: number;
  faultDelayMs: number;
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

async function runWithStack(
  stack: ChaosStack,
  scenario: Scenario,
  context: RunContext,
): Promise<ChaosResult> {
  const { log } = context;
  const invariants = new Invariants();
  const impUids = new Map<string, string>();
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
  function impUidOf(step: Step): string {
    const impUid = impUids.get(attemptKey(step.order, step.attempt ?? -1));
    if (!impUid) throw new Error(`no imp_uid yet for ${describeStep(step, scenario)}`);
    return impUid;
  }

  async function register(order: PlannedOrder): Promise<void> {
    if (order.registration === 'direct') {
      // Written straight into the table, as the merchant's own system might: no prepare at Iamport (so
      // a tampered amount can be charged) and no queued check, only a due time for the sweeper.
      const due = Math.floor(Date.now() / 1000) + context.settings.reconcileAfterSeconds + 1;
      const { created } = await stack.orders.create(
        { merchant_uid: order.merchantUid, amount: order.amount, currency: 'KRW' },
        new Date(),
        due,
      );
      if (!created) throw new Error(`${order.merchantUid} existed already`);
      return;
    }
    for (let tries = 1; ; tries++) {
      const answer = await stack.createOrder(
        jsonEvent({ merchant_uid: order.merchantUid, amount: order.amount }, { path: '/orders' }),
      );
      if (answer.statusCode === 201 || answer.statusCode === 200) return;
      // 503: stored, but Iamport's prepare did not go through; the merchant's back end repeats it.
      if (answer.statusCode === 503 && tries < 40) {
        harness.add('registrations repeated after a 503');
        await sleep(Math.min(1000, 50 * tries));
        continue;
      }
      throw new Error(`POST /orders answered ${answer.statusCode}: ${answer.body ?? ''}`);
    }
  }

  async function pay(order: PlannedOrder, attempt: PlannedAttempt): Promise<void> {
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
    const impUid = (answer.body as Payment).imp_uid;
    impUids.set(attemptKey(order.index, attempt.index), impUid);
  }

  function recordBrowserAnswer(
    route: 'complete' | 'mobile',
    step: Step,
    answer: APIGatewayProxyStructuredResultV2,
  ): void {
    const { order, attempt } = planned(step);
    const statusCode = answer.statusCode ?? 200;
    const where = `${describeStep(step, scenario)}`;
    if (route === 'complete') {
      let told = '';
      try {
        told = String((JSON.parse(answer.body ?? '{}') as { status?: unknown }).status ?? '');
      } catch {
        told = '(unreadable body)';
      }
      completeAnswers.add(`${statusCode} ${told}`.trim());
      invariants.check('no 5xx to a browser', statusCode < 500, () => `${where}: ${statusCode}`);
      const allowed = attempt ? truthfulAnswers(order, attempt) : [];
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
    mobileAnswers.add(`${statusCode} ${told}`);
    invariants.check('no 5xx to a browser', statusCode < 500, () => `${where}: ${statusCode}`);
    const allowed = attempt ? truthfulAnswers(order, attempt) : [];
    invariants.check(
      'mobile redirect: always 302 to the result page with a true status or pending',
      statusCode === 302 &&
        location.startsWith(`${resultPageUrl}?`) &&
        (told === 'pending' || allowed.includes(told)),
      () => `${where}: ${statusCode} ${location}`,
    );
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
        deliveries.add(`checkouts (${attempt.status}${attempt.payMethod === 'vbank' ? ' vbank' : ''})`);
        return;
      case 'deposit': {
        const answer = await control(stack, `/__sandbox/payments/${impUidOf(step)}/deposit`, {
          notify: false,
        });
        if (answer.status !== 200) throw new Error(`deposit answered ${answer.status}`);
        deliveries.add('vbank deposits');
        return;
      }
      case 'redirect': {
        const answer = await stack.mobile(
          httpApiEvent({
            method: 'GET',
            path: '/payments/complete/mobile',
            query: {
              imp_uid: impUidOf(step),
              merchant_uid: order.merchantUid,
              imp_success: attempt?.status === 'failed' ? 'false' : 'true',
            },
          }),
        );
        deliveries.add('mobile redirects');
        recordBrowserAnswer('mobile', step, answer);
        return;
      }
      case 'callback': {
        const body = { imp_uid: impUidOf(step), merchant_uid: order.merchantUid };
        const event =
          step.encoding === 'json'
            ? jsonEvent(body, { path: '/payments/complete' })
            : formEvent(body, { path: '/payments/complete' });
        const answer = await stack.complete(event);
        deliveries.add(`PC callbacks (${step.encoding})`);
        recordBrowserAnswer('complete', step, answer);
        return;
      }
      case 'webhook': {
        const answer = await control(stack, `/__sandbox/webhooks/${impUidOf(step)}`, {
          format: step.encoding,
        });
        if (answer.status !== 202) throw new Error(`webhook re-send answered ${answer.status}`);
        deliveries.add(`webhooks sent (${step.encoding})`);
        return;
      }
    }
  }

  // ---- Deliveries under faults --------------------------------------------------------------------
  const fault = await control(stack, '/__sandbox/faults', {
    rate: context.faultRate,
    seed: scenario.faultSeed,
    mix: [{ status: 503 }, { status: 429 }, { delay_ms: context.faultDelayMs }],
  });
  if (fault.status !== 200) throw new Error(`the sandbox refused the fault mix: ${fault.status}`);
  stack.setFaultWindow(true);
  const deliveriesStarted = performance.now();
  const running = new Map<number, Promise<void>>();
  const latencies = new Map<string, number[]>();
  let next = 0;
  let finished = 0;
  const progress = setInterval(() => {
    log(`  deliveries: ${finished}/${scenario.steps.length} steps`);
  }, 5000);
  const worker = async () => {
    while (next < scenario.steps.length) {
      const step = scenario.steps[next++] as Step;
      const task = (async () => {
        // Dependencies come earlier in the list, so they were started already: no deadlock.
        await Promise.all(step.after.map((id) => running.get(id)));
        const began = performance.now();
        try {
          await execute(step);
        } finally {
          const took = performance.now() - began;
          const list = latencies.get(step.kind) ?? [];
          list.push(took);
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
    context.timings.push(['deliveries: steps', performance.now() - deliveriesStarted]);
    // Webhooks go out in the background: they belong to the deliveries, under the same faults.
    const settling = performance.now();
    await stack.sandbox.idle();
    context.timings.push(['deliveries: last webhooks settled', performance.now() - settling]);
  } finally {
    clearInterval(progress);
  }
  await control(stack, '/__sandbox/faults', undefined, 'DELETE');
  stack.setFaultWindow(false);
  context.timings.push(['deliveries (faults on)', performance.now() - deliveriesStarted]);
  log(`  deliveries done in ${((performance.now() - deliveriesStarted) / 1000).toFixed(1)} s; draining`);

  // ---- Drain: Iamport healthy again, until the queue is empty and every order final ---------------
  const drainStarted = performance.now();
  const finalSeen = new Set<string>();
  const readOrders = (list: readonly PlannedOrder[]) =>
    mapLimit(list, 32, async (order) => ({
      planned: order,
      stored: await stack.orders.get(order.merchantUid),
    }));
  let drained = false;
  let lastLog = 0;
  let depth = -1;
  let awaiting = scenario.orders.length;
  for (;;) {
    depth = await stack.depth(stack.queueUrl);
    const open = scenario.orders.filter((order) => !finalSeen.has(order.merchantUid));
    if (depth <= open.length || performance.now() - lastLog > 5000) {
      for (const { planned: order, stored } of await readOrders(open)) {
        if (stored && !awaitsResult(stored.status)) finalSeen.add(order.merchantUid);
      }
    }
    awaiting = scenario.orders.length - finalSeen.size;
    if (depth === 0 && awaiting === 0) {
      drained = true;
      break;
    }
    if (performance.now() - drainStarted > context.drainTimeoutMs) break;
    if (performance.now() - lastLog > 5000) {
      lastLog = performance.now();
      log(`  draining: queue depth ${depth}, orders not final ${awaiting}`);
    }
    await sleep(500);
  }
  await stack.sandbox.idle();
  stack.collectRequests();
  context.timings.push(['drain (faults off)', performance.now() - drainStarted]);
  log(
    `  drain ${drained ? 'done' : 'timed out'} in ${((performance.now() - drainStarted) / 1000).toFixed(1)} s`,
  );

  // Events leave after the request: the stream hands the last changes to the delivery function.
  await stack.delivered();

  // ---- Invariants -------------------------------------------------------------------------------
  const checksStarted = performance.now();
  invariants.check(
    'queue drained and every order final before the deadline',
    drained,
    () => `after ${context.drainTimeoutMs} ms: queue depth ${depth}, ${awaiting} orders not final`,
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
    const who = `${order.merchantUid} (${order.kind})`;
    outcome.add(stored?.status ?? 'missing');
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
    // Order events are on, as deployed: every transition (versions 2…n) reached the merchant.
    const expectedIds = Array.from(
      { length: stored.version - 1 },
      (_, i) => `${stored.merchant_uid}:${i + 2}`,
    );
    const received = stack.events.of(stored.merchant_uid);
    const receivedIds = [...new Set(received.map((event) => event.id))];
    invariants.check(
      'every transition reached the merchant as an event, at least once',
      receivedIds.length === expectedIds.length && expectedIds.every((id) => receivedIds.includes(id)),
      () =>
        `${who}: events ${receivedIds.join(', ') || 'none'}, expected ${expectedIds.join(', ') || 'none'}`,
    );
    const last = received.find((event) => event.id === `${stored.merchant_uid}:${stored.version}`);
    invariants.check(
      "the last event tells the order's final status",
      stored.version === 1 || (last?.status === stored.status && last.type === `order.${stored.status}`),
      () => `${who}: last event ${last?.type ?? 'missing'}, order ${stored.status}`,
    );
    if (order.decisive !== undefined) {
      const decisive = impUids.get(attemptKey(order.index, order.decisive));
      invariants.check(
        'the final status carries the deciding attempt',
        stored.imp_uid === decisive,
        () => `${who}: imp_uid ${stored.imp_uid}, expected ${decisive}`,
      );
    }
    const charged = order.attempts[order.decisive ?? 0]?.amount;
    const refundsOk =
      order.kind === 'tampered'
        ? stored.refunds.length === 1 &&
          stored.refunds[0]?.status === 'done' &&
          stored.refunds[0]?.amount === charged &&
          stored.refunds[0]?.imp_uid === impUids.get(attemptKey(order.index, 0))
        : stored.refunds.length === 0;
    invariants.check(
      'order records one done refund per tampered payment, none otherwise',
      refundsOk,
      () => `${who}: refunds ${JSON.stringify(stored.refunds)}; history ${historyDetail(stored)}`,
    );
  }

  // Iamport's side: every attempt, its cancels as Iamport itself records them.
  const attempts = scenario.orders.flatMap((order) => order.attempts.map((attempt) => ({ order, attempt })));
  await mapLimit(attempts, 32, async ({ order, attempt }) => {
    const impUid = impUids.get(attemptKey(order.index, attempt.index));
    const who = `${order.merchantUid} attempt ${attempt.index} (${order.kind})`;
    if (!impUid) return; // reported by "every planned step ran"
    let payment: Payment;
    try {
      payment = await stack.checker.getPayment(impUid);
    } catch (error) {
      invariants.check('exactly one cancel per tampered payment at Iamport, none for others', false, () => {
        return `${who}: lookup failed: ${error instanceof Error ? error.message : String(error)}`;
      });
      return;
    }
    const cancels = payment.cancel_history?.length ?? 0;
    const fullRefund = order.kind !== 'tampered' || payment.cancel_amount === attempt.amount;
    invariants.check(
      'exactly one cancel per tampered payment at Iamport, none for others',
      cancels === attempt.expectedCancels && fullRefund,
      () => `${who}: ${cancels} cancels, cancel_amount ${payment.cancel_amount} of ${payment.amount}`,
    );
  });

  // Every delivery the sandbox made, as the sandbox saw it (a timeout or a reset shows as an error).
  for (const delivery of stack.sandbox.state.webhooks.deliveries()) {
    invariants.check(
      'every webhook delivery answered 200',
      delivery.response_status === 200,
      () =>
        `${delivery.merchant_uid} ${delivery.imp_uid} (${delivery.format}): ${delivery.response_status ?? delivery.error}`,
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
    faultRate: context.faultRate,
    faultDelayMs: context.faultDelayMs,
    kinds: [...new Set(scenario.orders.map((order) => order.kind))].map((kind) => ({
      kind,
      count: scenario.orders.filter((order) => order.kind === kind).length,
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
