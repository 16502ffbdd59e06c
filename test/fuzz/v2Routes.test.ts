import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { HttpResult } from '../../shared/http/responses';
import { orderStatuses } from '../../shared/orders/types';
import {
  eventOf,
  likelyPaymentId,
  preflightRequest,
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
  parseJson,
  REQUEST_REFUSALS,
} from './expectations';
import { countInput, FULL_RUNS_PER_ROUTE, saveTally } from './tally';
import { forgedDelivery, garbageDelivery, signedDelivery } from './v2Notices';
import { createWorld, fuzzOptions, routesOf, type World } from './world';

afterAll(() => saveTally('v2Routes'));

/** The small version in `npm test`; `npm run fuzz` runs FULL_RUNS_PER_ROUTE. */
const SMALL = 200;
/** A preflight decides nothing: fewer inputs in the small version. */
const PREFLIGHT_SMALL = 100;

/** README, "HTTP contract": every status the V2 webhook may answer (the completion route's: COMPLETE_STATUSES). */
const WEBHOOK_STATUSES = new Set([200, 400, 413, 415, 503]);
const WEBHOOK_ANSWERS = new Set<string>([...orderStatuses, 'pending', 'unknown', 'ignored']);

const completeRequest = requestFor(['paymentId'], likelyPaymentId);
/** The redirect's query as the routes' own fields, or as a hand-written raw query string. */
const redirectRequest = fc.oneof(
  { arbitrary: completeRequest, weight: 3 },
  { arbitrary: rawQueryRequest, weight: 1 },
);

/** A stage that serves V1 alone answers its V2 webhook 404 `NOT_FOUND` ("V2 beside V1"), and does nothing. */
function expectV1OnlyWebhook(result: HttpResult, world: World, counts: ReturnType<typeof effects>) {
  expect(result.statusCode).toBe(404);
  expect(parseJson(result)).toStrictEqual({ error: { code: 'NOT_FOUND', message: expect.any(String) } });
  expect(effects(world)).toStrictEqual(counts);
}

describe('fuzz: HTTP routes of PortOne V2 (never a 5xx, never a change for invalid input)', () => {
  it('POST /v2/payments/complete: a documented answer, the V2 order’s stored status, nothing moved for a refusal', async () => {
    await fc.assert(
      fc.asyncProperty(completeRequest, weather, stage, async (request, weatherNow, stageNow) => {
        countInput('POST /v2/payments/complete');
        const world = createWorld(weatherNow, stageNow);
        const { v2Complete } = routesOf(world);
        const before = world.snapshot();
        const counts = effects(world);

        const result = await answer(() => v2Complete(eventOf(request, '/v2/payments/complete')));
        const after = world.snapshot();

        const status = expectCompleteAnswer(
          result,
          world,
          { before, after },
          counts,
          weatherNow,
          request.method,
          'v2',
        );
        if (status === undefined) return;
        // A stage that serves V1 alone knows no V2 payment: nothing to decide, nothing to queue.
        expect(world.portone).toBeDefined();
        const body = parseJson(result) as { status: string; payment_id?: string; amount?: number };
        if (status === 202) {
          expect(body.status).toBe('pending');
          expectUnchanged(after, before);
          return;
        }
        expect(status).toBe(200);
        // V2 names the payment its own way: paymentId and transaction, never V1's imp_uid.
        expect(body).not.toHaveProperty('imp_uid');
        expect(body).not.toHaveProperty('merchant_uid');
        expect(body).toHaveProperty('transaction_id');
        const stored = world.orders.stored(body.payment_id ?? '');
        expect(stored.api).toBe('v2');
        expect(body.status).toBe(stored.status);
        expect(body.amount).toBe(stored.amount);
      }),
      fuzzOptions(SMALL, FULL_RUNS_PER_ROUTE),
    );
  });

  it('OPTIONS /v2/payments/complete: a 204 with CORS for the shop origins only, nothing else happens', async () => {
    await fc.assert(
      fc.asyncProperty(preflightRequest, stage, async (request, stageNow) => {
        countInput('OPTIONS /v2/payments/complete');
        const world = createWorld(undefined, stageNow);
        const { v2Complete } = routesOf(world);
        const counts = effects(world);

        const result = await answer(() => v2Complete(eventOf(request, '/v2/payments/complete')));

        expectPreflight(result, world, counts, request.headers.origin);
      }),
      fuzzOptions(PREFLIGHT_SMALL, FULL_RUNS_PER_ROUTE),
    );
  });

  it('GET /v2/payments/redirect: always a 302 to the result page, nothing moved for invalid input', async () => {
    await fc.assert(
      fc.asyncProperty(redirectRequest, weather, stage, async (request, weatherNow, stageNow) => {
        countInput('GET /v2/payments/redirect');
        const world = createWorld(weatherNow, stageNow);
        const { v2Redirect } = routesOf(world);
        const before = world.snapshot();
        const counts = effects(world);

        const result = await answer(() =>
          v2Redirect(eventOf({ ...request, method: 'GET' }, '/v2/payments/redirect')),
        );
        const after = world.snapshot();

        // V2's redirect names the order (its paymentId) only; V1's imp_uid has no meaning here.
        const { location, status } = expectResultPageRedirect(
          result,
          world,
          { before, after },
          weatherNow,
          'v2',
          ['lang', 'status', 'merchant_uid'],
        );
        if (!world.portone) expect(['invalid', 'not_found']).toContain(status);
        if (status === 'invalid') expect(effects(world)).toStrictEqual(counts);
        if (status !== 'pending' && orderStatuses.includes(status as (typeof orderStatuses)[number])) {
          const stored = world.orders.stored(location.searchParams.get('merchant_uid') ?? '');
          expect(stored.api).toBe('v2');
          expect(stored.status).toBe(status);
        }
      }),
      fuzzOptions(SMALL, FULL_RUNS_PER_ROUTE),
    );
  });

  it('POST /v2/payments/webhook: anything not signed by PortOne is a 401 and nothing else happens', async () => {
    const unsigned = fc.oneof(
      { arbitrary: forgedDelivery, weight: 3 },
      { arbitrary: garbageDelivery.map((request) => ({ forgery: 'garbage', request })), weight: 1 },
    );
    await fc.assert(
      fc.asyncProperty(unsigned, weather, stage, async ({ request }, weatherNow, stageNow) => {
        countInput('POST /v2/payments/webhook');
        const world = createWorld(weatherNow, stageNow);
        const { v2Webhook } = routesOf(world);
        const before = world.snapshot();
        const counts = effects(world);

        const result = await answer(() => v2Webhook(eventOf(request, '/v2/payments/webhook')));
        const after = world.snapshot();

        expectNoCors(result);
        expectNothingLeaked(result, world, after);
        expectUnchanged(after, before);
        if (!world.portone) return expectV1OnlyWebhook(result, world, counts);
        expect(result.statusCode, result.body).toBe(401);
        expect(expectErrorBody(result).code).toBe('INVALID_SIGNATURE');
        expect(effects(world)).toStrictEqual(counts);
      }),
      fuzzOptions(SMALL, FULL_RUNS_PER_ROUTE),
    );
  });

  it('POST /v2/payments/webhook: a signed notice of any content is verified past the signature, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(signedDelivery, weather, stage, async ({ notice, request }, weatherNow, stageNow) => {
        countInput('POST /v2/payments/webhook');
        const world = createWorld(weatherNow, stageNow);
        const { v2Webhook } = routesOf(world);
        const before = world.snapshot();
        const counts = effects(world);

        const result = await answer(() => v2Webhook(eventOf(request, '/v2/payments/webhook')));
        const after = world.snapshot();

        expectNoCors(result);
        expectNothingLeaked(result, world, after);
        expectOtherApiUntouched(after, before, 'v2');
        if (!world.portone) return expectV1OnlyWebhook(result, world, counts);
        // Genuine and fresh: the signature never refuses it.
        const status = expectSafeStatus(result, world, after, weatherNow, WEBHOOK_STATUSES);
        if (notice.kind === 'foreign_store' || notice.kind === 'not_payment') {
          // Not a payment of this store: acknowledged (or refused as malformed), PortOne never asked.
          expect(effects(world)).toStrictEqual(counts);
        }
        if (status >= 400) {
          const error = expectErrorBody(result);
          expectUnchanged(after, before);
          if (REQUEST_REFUSALS.has(error.code)) expect(effects(world)).toStrictEqual(counts);
          return;
        }
        expect(status).toBe(200);
        const body = parseJson(result) as { ok: boolean; status: string };
        expect(Object.keys(body).sort()).toStrictEqual(['ok', 'status']);
        expect(body.ok).toBe(true);
        expect(WEBHOOK_ANSWERS.has(body.status), body.status).toBe(true);
        if (body.status === 'ignored') {
          expect(effects(world)).toStrictEqual(counts);
          return;
        }
        if (body.status === 'unknown' || body.status === 'pending') {
          expectUnchanged(after, before);
          expect(cancelsOf(world)).toBe(0);
          return;
        }
        // Decided: the answer tells the stored status of the V2 order the notice named.
        if (typeof notice.paymentId === 'string') {
          const stored = world.orders.stored(notice.paymentId);
          expect(stored.api).toBe('v2');
          expect(body.status).toBe(stored.status);
        }
      }),
      fuzzOptions(SMALL, FULL_RUNS_PER_ROUTE),
    );
  });
});
