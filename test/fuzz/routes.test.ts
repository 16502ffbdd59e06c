import fc from 'fast-check';
import * as v from 'valibot';
import { afterAll, describe, expect, it } from 'vitest';
import { merchantUidSchema } from '../../shared/identifiers';
import { orderStatuses } from '../../shared/orders/types';
import { maxChars } from '../../shared/validation';
import {
  eventOf,
  type FuzzRequest,
  fieldValue,
  fuzzRequest,
  identifierLike,
  preflightRequest,
  rarely,
  rawQueryRequest,
  requestFor,
  stage,
  weather,
} from './arbitraries';
import {
  answer,
  cancelsOf,
  effects,
  expectCompleteAnswer,
  expectErrorBody,
  expectNoCors,
  expectNothingLeaked,
  expectOtherApiUntouched,
  expectPreflight,
  expectResultPageRedirect,
  expectSafeStatus,
  expectUnchanged,
  ourStoreFailed,
  parseJson,
  REQUEST_REFUSALS,
} from './expectations';
import { countInput, FULL_RUNS_PER_ROUTE, saveTally } from './tally';
import { createWorld, FAIR, fuzzOptions, IAMPORT_IPS, routesOf, SEEDED_MERCHANT_UIDS } from './world';

afterAll(() => saveTally('routes'));

/** The small version in `npm test`; `npm run fuzz` runs FULL_RUNS_PER_ROUTE. */
const SMALL = 300;
/** A preflight decides nothing: fewer inputs in the small version. */
const PREFLIGHT_SMALL = 100;

/** README, "HTTP contract": every status each route may answer (the completion route's: COMPLETE_STATUSES). */
const WEBHOOK_STATUSES = new Set([200, 400, 403, 413, 415, 503]);
const ORDER_STATUSES = new Set([200, 201, 400, 409, 413, 415, 503]);

const completeRequest = requestFor(['imp_uid', 'merchant_uid']);
/** The redirect's query as the routes' own fields, or as a hand-written raw query string. */
const redirectRequest = fc.oneof(
  { arbitrary: completeRequest, weight: 3 },
  { arbitrary: rawQueryRequest, weight: 1 },
);
const webhookRequest = requestFor(['imp_uid', 'merchant_uid', 'status', 'cancellation_id']);

describe('fuzz: HTTP routes of V1 (never a 5xx, never a change for invalid input)', () => {
  it('POST /payments/complete: a documented answer, the stored status, nothing moved for a refusal', async () => {
    await fc.assert(
      fc.asyncProperty(completeRequest, weather, async (request, weatherNow) => {
        countInput('POST /payments/complete');
        const world = createWorld(weatherNow);
        const { complete } = routesOf(world);
        const before = world.snapshot();
        const counts = effects(world);

        const result = await answer(() => complete(eventOf(request, '/payments/complete')));
        const after = world.snapshot();

        const status = expectCompleteAnswer(
          result,
          world,
          { before, after },
          counts,
          weatherNow,
          request.method,
          'v1',
        );
        if (status === undefined) return;
        const body = parseJson(result) as { status: string; merchant_uid?: string };
        if (status === 202) {
          expect(body.status).toBe('pending');
          expectUnchanged(after, before);
          return;
        }
        expect(status).toBe(200);
        // The answer tells the order's stored status, never something of its own.
        expect(body.status).toBe(world.orders.stored(body.merchant_uid ?? '').status);
        expect(body).not.toHaveProperty('payment_id');
      }),
      fuzzOptions(SMALL, FULL_RUNS_PER_ROUTE),
    );
  });

  it('OPTIONS /payments/complete: a 204 with CORS for the shop origins only, nothing else happens', async () => {
    await fc.assert(
      fc.asyncProperty(preflightRequest, async (request) => {
        countInput('OPTIONS /payments/complete');
        const world = createWorld();
        const { complete } = routesOf(world);
        const counts = effects(world);

        const result = await answer(() => complete(eventOf(request, '/payments/complete')));

        expectPreflight(result, world, counts, request.headers.origin);
      }),
      fuzzOptions(PREFLIGHT_SMALL, FULL_RUNS_PER_ROUTE),
    );
  });

  it('GET /payments/complete/mobile: always a 302 to the result page, nothing moved for invalid input', async () => {
    await fc.assert(
      fc.asyncProperty(redirectRequest, weather, async (request, weatherNow) => {
        countInput('GET /payments/complete/mobile');
        const world = createWorld(weatherNow);
        const { mobile } = routesOf(world);
        const before = world.snapshot();
        const counts = effects(world);

        const result = await answer(() =>
          mobile(eventOf({ ...request, method: 'GET' }, '/payments/complete/mobile')),
        );
        const after = world.snapshot();

        const { location, status } = expectResultPageRedirect(
          result,
          world,
          { before, after },
          weatherNow,
          'v1',
          ['lang', 'status', 'merchant_uid', 'imp_uid'],
        );
        if (status === 'invalid' && world.iamport.totalCalls === 0) {
          expect(effects(world)).toStrictEqual(counts);
        }
        if (status !== 'pending' && orderStatuses.includes(status as (typeof orderStatuses)[number])) {
          const merchantUid = location.searchParams.get('merchant_uid') ?? '';
          expect(world.orders.stored(merchantUid).status).toBe(status);
        }
      }),
      fuzzOptions(SMALL, FULL_RUNS_PER_ROUTE),
    );
  });

  it('POST /payments/webhook: a 5xx only when it could neither decide nor queue', async () => {
    await fc.assert(
      fc.asyncProperty(webhookRequest, weather, rarely, async (request, weatherNow, guarded) => {
        countInput('POST /payments/webhook');
        const world = createWorld(weatherNow);
        const routes = routesOf(world);
        const webhook = guarded ? routes.guardedWebhook : routes.webhook;
        const before = world.snapshot();
        const counts = effects(world);

        const result = await answer(() => webhook(eventOf(request, '/payments/webhook')));
        const after = world.snapshot();

        const status = expectSafeStatus(result, world, after, weatherNow, WEBHOOK_STATUSES);
        expectNoCors(result);
        expectNothingLeaked(result, world, after);
        expectOtherApiUntouched(after, before, 'v1');
        if (guarded && !(IAMPORT_IPS as readonly string[]).includes(request.sourceIp)) {
          expect(status).toBe(403);
          expect(expectErrorBody(result).code).toBe('FORBIDDEN_SOURCE');
          expect(effects(world)).toStrictEqual(counts);
          return;
        }
        if (status >= 400) {
          const error = expectErrorBody(result);
          expectUnchanged(after, before);
          if (REQUEST_REFUSALS.has(error.code)) expect(effects(world)).toStrictEqual(counts);
          return;
        }
        expect(status).toBe(200);
        const body = parseJson(result) as { ok: boolean; status: string };
        expect(body.ok).toBe(true);
        if (body.status === 'unknown' || body.status === 'pending') {
          expectUnchanged(after, before);
          expect(cancelsOf(world)).toBe(0);
        } else {
          expect(orderStatuses as readonly string[]).toContain(body.status);
        }
      }),
      fuzzOptions(SMALL, FULL_RUNS_PER_ROUTE),
    );
  });

  it('POST /orders: a refusal stores nothing and registers nothing', async () => {
    const orderBody = fc.oneof(
      { arbitrary: fuzzRequest, weight: 3 },
      {
        // Closer to the schema: right field names, fuzzed values.
        arbitrary: fc
          .record(
            {
              merchant_uid: identifierLike,
              amount: fieldValue,
              currency: fieldValue,
              name: fieldValue,
              api: fc.oneof(fc.constantFrom('v1', 'v2', 'V2', 'v3', ''), fieldValue),
            },
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
      fc.asyncProperty(orderBody, weather, stage, async (request, weatherNow, stageNow) => {
        countInput('POST /orders');
        const world = createWorld(weatherNow, stageNow);
        const { createOrder } = routesOf(world);
        const before = world.snapshot();
        const counts = effects(world);

        const result = await answer(() => createOrder(eventOf(request, '/orders')));
        const after = world.snapshot();

        const status = result.statusCode ?? 200;
        const ours = status === 500 && ourStoreFailed(world, weatherNow);
        expect(ORDER_STATUSES.has(status) || ours, `status ${status}: ${result.body}`).toBe(true);
        expectNoCors(result);
        expectNothingLeaked(result, world, after);
        if (ours) {
          expect(expectErrorBody(result).code).toBe('INTERNAL_ERROR');
          expectUnchanged(after, before);
          expect(world.iamport.prepares.length + (world.portone?.preRegisters.length ?? 0)).toBe(0);
          return;
        }
        if (status >= 500) {
          // The documented 503: the order is stored, the payment API's registration could not be reached.
          expect(status).toBe(503);
          expect(weatherNow.iamportDown).toBe(true);
          expect(expectErrorBody(result).code).toBe('IAMPORT_UNAVAILABLE');
          return;
        }
        if (status >= 400) {
          const error = expectErrorBody(result);
          expectUnchanged(after, before);
          expect(world.iamport.prepares.length).toBe(0);
          expect(world.portone?.preRegisters.length ?? 0).toBe(0);
          if (REQUEST_REFUSALS.has(error.code)) expect(effects(world)).toStrictEqual(counts);
          return;
        }
        expect([200, 201]).toContain(status);
        const view = parseJson(result) as { merchant_uid: string; amount: number; status: string };
        const stored = world.orders.stored(view.merchant_uid);
        expect(view.amount).toBe(stored.amount);
        expect(view).not.toHaveProperty('check_due_at');
        if (status === 200) expectUnchanged(after, before);
      }),
      fuzzOptions(SMALL, FULL_RUNS_PER_ROUTE),
    );
  });

  it('POST /orders: a well-formed order is created once with its exact amount, and a repeat is a 200', async () => {
    // Amounts in cents for currencies with a minor unit, whole won for KRW; V2 takes KRW only.
    const krw = fc.record({ currency: fc.constant('KRW'), amount: fc.integer({ min: 1, max: 1e12 }) });
    const order = fc.oneof(
      fc.record({ api: fc.constantFrom(undefined, 'v1' as const), money: krw }),
      fc.record({
        api: fc.constantFrom(undefined, 'v1' as const),
        money: fc.record({
          currency: fc.constantFrom('USD', 'EUR'),
          amount: fc.integer({ min: 1, max: 1e11 }).map((cents) => cents / 100),
        }),
      }),
      fc.record({ api: fc.constant('v2' as const), money: krw }),
    );
    const wellFormed = fc
      .record({
        merchant_uid: fc.oneof(
          fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/),
          fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
          fc.constantFrom('../x', '%2e%2e%2f', 'a/b?c#d', '주문-1', '🚀'),
          identifierLike,
        ),
        order,
        name: fc.option(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }), { nil: undefined }),
      })
      .filter(
        ({ merchant_uid, name }) =>
          v.safeParse(v.pipe(merchantUidSchema, maxChars(40)), merchant_uid).success &&
          merchant_uid === merchant_uid.trim() &&
          !SEEDED_MERCHANT_UIDS.includes(merchant_uid) &&
          (name === undefined || name.trim() !== ''),
      );
    await fc.assert(
      fc.asyncProperty(wellFormed, async ({ merchant_uid, order: { api, money }, name }) => {
        countInput('POST /orders');
        const world = createWorld();
        const { createOrder } = routesOf(world);
        const request = (): FuzzRequest => ({
          method: 'POST',
          body: {
            body: JSON.stringify({ merchant_uid, ...money, name, ...(api ? { api } : {}) }),
            isBase64Encoded: false,
          },
          headers: { 'content-type': 'application/json' },
          query: undefined,
          sourceIp: '10.0.0.1',
        });

        const first = await answer(() => createOrder(eventOf(request(), '/orders')));
        expect(first.statusCode, first.body).toBe(201);
        expect(world.orders.stored(merchant_uid)).toMatchObject({ ...money, status: 'pending' });
        if (api === 'v2') {
          // The amount is registered with the API that will take the payment, and only there.
          expect(world.orders.stored(merchant_uid).api).toBe('v2');
          expect(world.iamport.prepares).toStrictEqual([]);
          expect(world.portone?.preRegisters).toStrictEqual([
            { paymentId: merchant_uid, totalAmount: money.amount, currency: 'KRW' },
          ]);
        } else {
          expect(world.iamport.prepares).toStrictEqual([{ merchant_uid, ...money }]);
          expect(world.portone?.preRegisters).toStrictEqual([]);
        }
        expect(world.queue.sent.map((sent) => sent.message)).toStrictEqual([
          { merchant_uid, reason: 'lost_result_check', attempt: 1 },
        ]);
        const writes = world.orders.writes;

        const repeat = await answer(() => createOrder(eventOf(request(), '/orders')));
        expect(repeat.statusCode, repeat.body).toBe(200);
        expect(world.orders.writes).toBe(writes);
        expect(world.queue.sent).toHaveLength(1);
      }),
      fuzzOptions(SMALL, 2_000),
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
      fc.asyncProperty(fuzzRequest, pathParameters, rarely, async (request, parameters, storeDown) => {
        countInput('GET /orders/{merchant_uid}');
        const weatherNow = { ...FAIR, storeDown };
        const world = createWorld(weatherNow);
        const { getOrder } = routesOf(world);
        const before = world.snapshot();

        const result = await answer(() =>
          getOrder(eventOf({ ...request, method: 'GET' }, '/orders/x', parameters ?? undefined)),
        );
        const after = world.snapshot();

        const status = result.statusCode ?? 200;
        if (status === 500) expect(ourStoreFailed(world, weatherNow)).toBe(true);
        else expect([200, 400, 404]).toContain(status);
        expectUnchanged(after, before);
        expectNoCors(result);
        expectNothingLeaked(result, world, after);
        expect(world.iamport.totalCalls).toBe(0);
        expect(world.portone?.totalCalls).toBe(0);
        if (status !== 200) {
          expectErrorBody(result);
          return;
        }
        const view = parseJson(result) as { merchant_uid: string; history: unknown[] };
        expect(world.orders.stored(view.merchant_uid).merchant_uid).toBe(view.merchant_uid);
        expect(Array.isArray(view.history)).toBe(true);
        for (const internal of ['check_due_at', 'check_bucket', 'revision', 'outbox', 'outbox_bucket']) {
          expect(view).not.toHaveProperty(internal);
        }
      }),
      fuzzOptions(SMALL, FULL_RUNS_PER_ROUTE),
    );
  });
});
