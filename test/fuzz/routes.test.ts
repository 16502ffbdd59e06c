import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maxLength } from 'zod/mini';
import type { HttpResult } from '../../shared/http/responses';
import { merchantUidSchema } from '../../shared/identifiers';
import { orderStatuses } from '../../shared/orders/types';
import {
  eventOf,
  type FuzzRequest,
  fieldValue,
  fuzzRequest,
  identifierLike,
  shapedRequest,
} from './arbitraries';
import {
  ALLOWED_ORIGINS,
  createWorld,
  fuzzOptions,
  IAMPORT_IPS,
  RESULT_PAGE,
  routesOf,
  SEEDED_MERCHANT_UIDS,
  type StoreSnapshot,
  seedOrders,
  type Weather,
  type World,
} from './world';

/** Every code the README lists, plus IAMPORT_UNAVAILABLE, which `POST /orders` answers but the README omits. */
const ERROR_CODES = new Set([
  'INVALID_INPUT',
  'MALFORMED_BODY',
  'BODY_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'PAYMENT_NOT_FOUND',
  'ORDER_NOT_FOUND',
  'MERCHANT_UID_MISMATCH',
  'SANDBOX_PAYMENT_REFUSED',
  'ORDER_CONFLICT',
  'PREPARED_AMOUNT_CONFLICT',
  'FORBIDDEN_SOURCE',
  'UNAVAILABLE',
  'IAMPORT_UNAVAILABLE',
]);

/** Refusals decided from the request alone: nothing may have been asked or written. */
const REQUEST_REFUSALS = new Set([
  'INVALID_INPUT',
  'MALFORMED_BODY',
  'BODY_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
]);

/** True one time in five. */
const rarely = fc.integer({ min: 0, max: 4 }).map((n) => n === 0);

const weather: fc.Arbitrary<Weather> = fc.record({ iamportDown: rarely, queueDown: rarely });

/** Counts of everything a request could set in motion. */
function effects(world: World) {
  return {
    iamportCalls: world.iamport.totalCalls,
    cancels: world.iamport.cancels.length,
    prepares: world.iamport.prepares.length,
    storeCalls: Object.values(world.orders.calls).reduce((sum, count) => sum + count, 0),
    queued: world.queue.sent.length,
  };
}

interface ErrorBody {
  error: { code: string; message: string };
}

function parseJson(result: HttpResult): unknown {
  expect(typeof result.body).toBe('string');
  return JSON.parse(result.body ?? '');
}

/** A 4xx/5xx carries `{error:{code,message}}` with a documented code, and nothing else. */
function expectErrorBody(result: HttpResult): ErrorBody['error'] {
  const body = parseJson(result) as ErrorBody;
  expect(Object.keys(body)).toStrictEqual(['error']);
  expect(typeof body.error.message).toBe('string');
  expect(ERROR_CODES.has(body.error.code)).toBe(true);
  return body.error;
}

/** What holds for every answer: an answer at all, never a 5xx but the documented 503. */
function expectSafeStatus(result: HttpResult, world: World, weatherNow: Weather): number {
  const status = result.statusCode ?? 200;
  expect(status).toBeGreaterThanOrEqual(200);
  if (status >= 500) {
    // 503 is documented only when Iamport could not be asked and the promise could not be queued.
    expect(status).toBe(503);
    expect(weatherNow.iamportDown && weatherNow.queueDown).toBe(true);
    expect(expectErrorBody(result).code).toBe('UNAVAILABLE');
  }
  expect(world.queue.sent.length).toBeLessThanOrEqual(1);
  expectEventsKept(world);
  return status;
}

const SEEDED_VERSIONS = new Map(seedOrders().map((order) => [order.merchant_uid, order.version]));

/**
 * Order events are on: every transition a request made has its event, under its own id, delivered or
 * still waiting in the order's outbox (for the sweeper); no event names a version that was never written.
 */
function expectEventsKept(world: World) {
  for (const [merchantUid, seeded] of SEEDED_VERSIONS) {
    const order = world.orders.peek(merchantUid);
    if (!order) continue;
    const expected = Array.from(
      { length: order.version - seeded },
      (_, i) => `${merchantUid}:${seeded + i + 1}`,
    );
    const delivered = world.events.of(merchantUid).map((event) => event.id);
    const waiting = Object.values(order.outbox ?? {}).map((entry) => entry.id);
    expect([...new Set([...delivered, ...waiting])].sort(), merchantUid).toEqual(expected.sort());
  }
}

function expectUnchanged(world: World, before: StoreSnapshot) {
  expect(world.snapshot()).toStrictEqual(before);
}

/** Whether a browser could ever send `value` as its Origin: a serialized scheme://host[:port]. */
function isWebOrigin(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    return new URL(value).origin === value;
  } catch {
    return false;
  }
}

/**
 * An allowed shop origin, or none: never another web origin reflected back. (@middy/http-cors keeps its
 * allowed origins in a plain object, so an Origin named like an Object.prototype member, `constructor`,
 * comes back as is; no browser can send such an Origin, so it grants nothing.)
 */
function expectCorsSafe(result: HttpResult) {
  const entry = Object.entries(result.headers ?? {}).find(
    ([name]) => name.toLowerCase() === 'access-control-allow-origin',
  );
  if (entry === undefined || (ALLOWED_ORIGINS as readonly unknown[]).includes(entry[1])) return;
  expect(isWebOrigin(entry[1])).toBe(false);
}

async function answer(invoke: () => Promise<HttpResult>): Promise<HttpResult> {
  // A rejection here is a crash of the Lambda invocation: the property fails with its error.
  const result = await invoke();
  expect(result).toBeTypeOf('object');
  return result;
}

/** A third anything at all, two thirds shaped like the route's own input with fuzzed values. */
const requestFor = (fields: readonly string[]) =>
  fc.oneof({ arbitrary: fuzzRequest, weight: 1 }, { arbitrary: shapedRequest(fields), weight: 2 });
const completeRequest = requestFor(['imp_uid', 'merchant_uid']);
const webhookRequest = requestFor(['imp_uid', 'merchant_uid', 'status', 'cancellation_id']);

describe('fuzz: HTTP routes (never a 5xx, never a change for invalid input)', () => {
  it('POST /payments/complete', async () => {
    await fc.assert(
      fc.asyncProperty(completeRequest, weather, async (request, weatherNow) => {
        const world = createWorld(weatherNow);
        const { complete } = routesOf(world);
        const before = world.snapshot();
        const counts = effects(world);

        const result = await answer(() => complete(eventOf(request, '/payments/complete')));

        const status = expectSafeStatus(result, world, weatherNow);
        expectCorsSafe(result);
        if (request.method === 'OPTIONS') {
          expect(status).toBe(204);
          expect(effects(world)).toStrictEqual(counts);
          return;
        }
        if (status >= 400) {
          const error = expectErrorBody(result);
          expectUnchanged(world, before);
          expect(world.iamport.cancels.length).toBe(0);
          if (REQUEST_REFUSALS.has(error.code)) expect(effects(world)).toStrictEqual(counts);
          return;
        }
        const body = parseJson(result) as { status: string; merchant_uid?: string };
        if (status === 202) {
          expect(body.status).toBe('pending');
          expectUnchanged(world, before);
          return;
        }
        expect(status).toBe(200);
        // The answer tells the order's stored status, never something of its own.
        expect(body.status).toBe(world.orders.stored(body.merchant_uid ?? '').status);
      }),
      fuzzOptions(300),
    );
  });

  it('GET /payments/complete/mobile: always a 302 to the result page, nothing moved for invalid input', async () => {
    const page = new URL(RESULT_PAGE);
    const redirectStatuses = new Set<string>([
      ...orderStatuses,
      'pending',
      'invalid',
      'not_found',
      'refused',
    ]);
    await fc.assert(
      fc.asyncProperty(completeRequest, weather, async (request, weatherNow) => {
        const world = createWorld(weatherNow);
        const { mobile } = routesOf(world);
        const before = world.snapshot();
        const counts = effects(world);

        const result = await answer(() =>
          mobile(eventOf({ ...request, method: 'GET' }, '/payments/complete/mobile')),
        );

        expect(result.statusCode).toBe(302);
        expect(result.headers?.['cache-control']).toBe('no-store');
        const location = new URL(String(result.headers?.location));
        // No open redirect: the configured page, whatever the query said.
        expect(location.origin).toBe(page.origin);
        expect(location.pathname).toBe(page.pathname);
        expect(location.searchParams.get('lang')).toBe('ko');
        for (const key of location.searchParams.keys()) {
          expect(['lang', 'status', 'merchant_uid', 'imp_uid']).toContain(key);
          expect(location.searchParams.getAll(key)).toHaveLength(1);
        }
        const status = location.searchParams.get('status') ?? '';
        if (status === 'error') {
          // Only an unreachable queue while Iamport is down may end as "error"; never a crash.
          expect(weatherNow.iamportDown && weatherNow.queueDown).toBe(true);
        } else {
          expect(redirectStatuses.has(status)).toBe(true);
        }
        if (status === 'invalid' && world.iamport.totalCalls === 0) {
          expect(effects(world)).toStrictEqual(counts);
        }
        if (['invalid', 'not_found', 'refused', 'pending', 'error'].includes(status)) {
          expectUnchanged(world, before);
          expect(world.iamport.cancels.length).toBe(0);
        }
        if (status !== 'pending' && orderStatuses.includes(status as (typeof orderStatuses)[number])) {
          const merchantUid = location.searchParams.get('merchant_uid') ?? '';
          expect(world.orders.stored(merchantUid).status).toBe(status);
        }
      }),
      fuzzOptions(300),
    );
  });

  it('POST /payments/webhook: a 5xx only when it could neither decide nor queue', async () => {
    await fc.assert(
      fc.asyncProperty(webhookRequest, weather, rarely, async (request, weatherNow, guarded) => {
        const world = createWorld(weatherNow);
        const routes = routesOf(world);
        const webhook = guarded ? routes.guardedWebhook : routes.webhook;
        const before = world.snapshot();
        const counts = effects(world);

        const result = await answer(() => webhook(eventOf(request, '/payments/webhook')));

        const status = expectSafeStatus(result, world, weatherNow);
        if (guarded && !(IAMPORT_IPS as readonly string[]).includes(request.sourceIp)) {
          expect(status).toBe(403);
          expect(expectErrorBody(result).code).toBe('FORBIDDEN_SOURCE');
          expect(effects(world)).toStrictEqual(counts);
          return;
        }
        if (status >= 400) {
          const error = expectErrorBody(result);
          expectUnchanged(world, before);
          if (REQUEST_REFUSALS.has(error.code)) expect(effects(world)).toStrictEqual(counts);
          return;
        }
        expect(status).toBe(200);
        const body = parseJson(result) as { ok: boolean; status: string };
        expect(body.ok).toBe(true);
        if (body.status === 'unknown' || body.status === 'pending') {
          expectUnchanged(world, before);
          expect(world.iamport.cancels.length).toBe(0);
        } else {
          expect(orderStatuses as readonly string[]).toContain(body.status);
        }
      }),
      fuzzOptions(300),
    );
  });

  it('POST /orders: a refusal stores nothing and registers nothing', async () => {
    const orderBody = fc.oneof(
      { arbitrary: fuzzRequest, weight: 3 },
      {
        // Closer to the schema: right field names, fuzzed values.
        arbitrary: fc
          .record(
            { merchant_uid: identifierLike, amount: fieldValue, currency: fieldValue, name: fieldValue },
            { requiredKeys: [] },
          )
          .chain((body) =>
            fuzzRequest.map(
              (request): FuzzRequest => ({
                ...request,
                method: 'POST',
                body: { body: JSON.stringify(body), isBase64Encoded: false },
                headers: { 'content-type': 'application/json' },
              }),
            ),
          ),
        weight: 2,
      },
    );
    await fc.assert(
      fc.asyncProperty(orderBody, weather, async (request, weatherNow) => {
        const world = createWorld(weatherNow);
        const { createOrder } = routesOf(world);
        const before = world.snapshot();
        const counts = effects(world);

        const result = await answer(() => createOrder(eventOf(request, '/orders')));

        const status = result.statusCode ?? 200;
        if (status >= 500) {
          // The documented 503: the order is stored, Iamport's prepare could not be reached.
          expect(status).toBe(503);
          expect(weatherNow.iamportDown).toBe(true);
          expect(expectErrorBody(result).code).toBe('IAMPORT_UNAVAILABLE');
          return;
        }
        if (status >= 400) {
          const error = expectErrorBody(result);
          expectUnchanged(world, before);
          expect(world.iamport.prepares.length).toBe(0);
          if (REQUEST_REFUSALS.has(error.code)) expect(effects(world)).toStrictEqual(counts);
          return;
        }
        expect([200, 201]).toContain(status);
        const view = parseJson(result) as { merchant_uid: string; amount: number; status: string };
        const stored = world.orders.stored(view.merchant_uid);
        expect(view.amount).toBe(stored.amount);
        expect(view).not.toHaveProperty('check_due_at');
        if (status === 200) expectUnchanged(world, before);
      }),
      fuzzOptions(300),
    );
  });

  it('POST /orders: a well-formed order is created once with its exact amount, and a repeat is a 200', async () => {
    // Amounts in cents for currencies with a minor unit, whole won for KRW.
    const amount = fc.oneof(
      fc.record({ currency: fc.constant('KRW'), amount: fc.integer({ min: 1, max: 1e12 }) }),
      fc.record({
        currency: fc.constantFrom('USD', 'EUR'),
        amount: fc.integer({ min: 1, max: 1e11 }).map((cents) => cents / 100),
      }),
    );
    const wellFormed = fc
      .record({
        merchant_uid: fc.oneof(
          fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/),
          fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
          fc.constantFrom('../x', '%2e%2e%2f', 'a/b?c#d', '주문-1', '🚀'),
          identifierLike,
        ),
        order: amount,
        name: fc.option(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }), { nil: undefined }),
      })
      .filter(
        ({ merchant_uid, name }) =>
          merchantUidSchema.check(maxLength(40)).safeParse(merchant_uid).success &&
          merchant_uid === merchant_uid.trim() &&
          !SEEDED_MERCHANT_UIDS.includes(merchant_uid) &&
          (name === undefined || name.trim() !== ''),
      );
    await fc.assert(
      fc.asyncProperty(wellFormed, async ({ merchant_uid, order, name }) => {
        const world = createWorld();
        const { createOrder } = routesOf(world);
        const request = (): FuzzRequest => ({
          method: 'POST',
          body: { body: JSON.stringify({ merchant_uid, ...order, name }), isBase64Encoded: false },
          headers: { 'content-type': 'application/json' },
          query: undefined,
          sourceIp: '10.0.0.1',
        });

        const first = await answer(() => createOrder(eventOf(request(), '/orders')));
        expect(first.statusCode, first.body).toBe(201);
        expect(world.orders.stored(merchant_uid)).toMatchObject({ ...order, status: 'pending' });
        expect(world.iamport.prepares).toStrictEqual([{ merchant_uid, ...order }]);
        expect(world.queue.sent.map((sent) => sent.message)).toStrictEqual([
          { merchant_uid, reason: 'lost_result_check', attempt: 1 },
        ]);
        const writes = world.orders.writes;

        const repeat = await answer(() => createOrder(eventOf(request(), '/orders')));
        expect(repeat.statusCode, repeat.body).toBe(200);
        expect(world.orders.writes).toBe(writes);
        expect(world.queue.sent).toHaveLength(1);
      }),
      fuzzOptions(300),
    );
  });

  it('GET /orders/{merchant_uid}: reads only, 200 for a stored order, 404 or 400 otherwise', async () => {
    const pathParameters = fc.option(
      fc.oneof(
        fc.record({ merchant_uid: identifierLike }),
        fc.dictionary(fc.string(), identifierLike, { maxKeys: 3 }),
      ),
      { freq: 8 },
    );
    await fc.assert(
      fc.asyncProperty(fuzzRequest, pathParameters, async (request, parameters) => {
        const world = createWorld();
        const { getOrder } = routesOf(world);
        const before = world.snapshot();

        const result = await answer(() =>
          getOrder(eventOf({ ...request, method: 'GET' }, '/orders/x', parameters ?? undefined)),
        );

        const status = result.statusCode ?? 200;
        expect([200, 400, 404]).toContain(status);
        expectUnchanged(world, before);
        expect(world.iamport.totalCalls).toBe(0);
        if (status !== 200) {
          expectErrorBody(result);
          return;
        }
        const view = parseJson(result) as { merchant_uid: string; history: unknown[] };
        expect(world.orders.stored(view.merchant_uid).merchant_uid).toBe(view.merchant_uid);
        expect(Array.isArray(view.history)).toBe(true);
        expect(view).not.toHaveProperty('check_due_at');
      }),
      fuzzOptions(300),
    );
  });
});
