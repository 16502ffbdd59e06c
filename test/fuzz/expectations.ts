/**
 * What every fuzzed route must hold, whatever it was sent: an answer (never a crash), a status from
 * the route's documented set, documented error bodies, nothing moved for a request refused from the
 * request alone, no secret and no buyer data in any answer, stored order or queued message.
 */
import { expect } from 'vitest';
import type { HttpResult } from '../../shared/http/responses';
import { type OrderApi, orderStatuses } from '../../shared/orders/types';
import {
  ALLOWED_ORIGINS,
  BUYER_DATA,
  RESULT_PAGE,
  SECRETS,
  type StoreSnapshot,
  seedOrders,
  type Weather,
  type World,
} from './world';

/**
 * Every code the README documents, with the one status it comes with. IAMPORT_UNAVAILABLE is `POST
 * /orders`' 503 (PortOne's too, for a V2 order); INVALID_SIGNATURE the V2 webhook's 401. NOT_FOUND, the
 * V2 webhook's answer on a stage that serves V1 alone, is checked where it may come, and nowhere else.
 */
export const ERROR_STATUS: Readonly<Record<string, number>> = {
  INVALID_INPUT: 400,
  MALFORMED_BODY: 400,
  BODY_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYMENT_NOT_FOUND: 404,
  ORDER_NOT_FOUND: 404,
  MERCHANT_UID_MISMATCH: 409,
  SANDBOX_PAYMENT_REFUSED: 409,
  ORDER_CONFLICT: 409,
  PREPARED_AMOUNT_CONFLICT: 409,
  FORBIDDEN_SOURCE: 403,
  INVALID_SIGNATURE: 401,
  UNAVAILABLE: 503,
  IAMPORT_UNAVAILABLE: 503,
  INTERNAL_ERROR: 500,
};

/** Refusals decided from the request alone: nothing may have been asked, written or queued. */
export const REQUEST_REFUSALS: ReadonlySet<string> = new Set([
  'INVALID_INPUT',
  'MALFORMED_BODY',
  'BODY_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'INVALID_SIGNATURE',
]);

/** Counts of everything a request could set in motion, at Iamport, PortOne, the store and the queue. */
export function effects(world: World) {
  return {
    iamportCalls: world.iamport.totalCalls,
    cancels: world.iamport.cancels.length,
    prepares: world.iamport.prepares.length,
    portoneCalls: world.portone?.totalCalls ?? 0,
    portoneCancels: world.portone?.cancels.length ?? 0,
    preRegisters: world.portone?.preRegisters.length ?? 0,
    storeCalls: Object.values(world.orders.calls).reduce((sum, count) => sum + count, 0),
    queued: world.queue.sent.length,
  };
}

/** Cancels asked of either API: none may follow from a request that was refused. */
export function cancelsOf(world: World): number {
  return world.iamport.cancels.length + (world.portone?.cancels.length ?? 0);
}

export interface ErrorBody {
  error: { code: string; message: string };
}

export function parseJson(result: HttpResult): unknown {
  expect(typeof result.body).toBe('string');
  return JSON.parse(result.body ?? '');
}

/** A 4xx/5xx carries `{error:{code,message}}` with a documented code at its own status, and nothing else. */
export function expectErrorBody(result: HttpResult): ErrorBody['error'] {
  const body = parseJson(result) as ErrorBody;
  expect(Object.keys(body)).toStrictEqual(['error']);
  expect(Object.keys(body.error).sort()).toStrictEqual(['code', 'message']);
  expect(typeof body.error.message).toBe('string');
  expect(Object.hasOwn(ERROR_STATUS, body.error.code), body.error.code).toBe(true);
  expect(result.statusCode, body.error.code).toBe(ERROR_STATUS[body.error.code]);
  return body.error;
}

/**
 * DynamoDB failed under this request (the weather's poisoned order): the one failure of our own that may
 * end in a 500, which moves nothing, asks nothing to cancel, and says nothing of its cause.
 */
export function ourStoreFailed(world: World, weatherNow: Weather): boolean {
  return (weatherNow.storeDown ?? false) && world.orders.poisonTouches > 0;
}

/**
 * What holds for every answer of a verifying route: an answer at all, a status of the route's documented
 * set, never a 5xx but the documented 503 (the payment API could not be asked and the promise could
 * not be queued) or a bare 500 when our own store failed, at most one retry message, and every
 * transition's event kept.
 */
export function expectSafeStatus(
  result: HttpResult,
  world: World,
  after: StoreSnapshot,
  weatherNow: Weather,
  documented: ReadonlySet<number>,
): number {
  const status = result.statusCode ?? 200;
  const ours = status === 500 && ourStoreFailed(world, weatherNow);
  expect(documented.has(status) || ours, `status ${status}: ${result.body}`).toBe(true);
  if (ours) {
    expect(parseJson(result)).toStrictEqual({ error: { code: 'INTERNAL_ERROR', message: 'internal error' } });
  } else if (status >= 500) {
    expect(status).toBe(503);
    expect(weatherNow.iamportDown && weatherNow.queueDown).toBe(true);
    expect(expectErrorBody(result).code).toBe('UNAVAILABLE');
  }
  expect(world.queue.sent.length).toBeLessThanOrEqual(1);
  expectEventsKept(world, after);
  return status;
}

const SEEDED_VERSIONS = seedOrders().map((order) => order.version);

/**
 * Order events are on: every transition a request made has its event, under its own id, delivered or
 * still waiting in the order's outbox (for the sweeper); no event names a version that was never written.
 */
export function expectEventsKept(world: World, after: StoreSnapshot) {
  // One assertion for all orders: vitest's expect costs more than the comparison, thousands of times over.
  const wrong: Array<{ merchantUid: string; kept: string[]; expected: string[] }> = [];
  for (const [index, order] of after.items.entries()) {
    const seeded = SEEDED_VERSIONS[index];
    if (!order || seeded === undefined) continue;
    const merchantUid = order.merchant_uid;
    const expected = Array.from(
      { length: order.version - seeded },
      (_, i) => `${merchantUid}:${seeded + i + 1}`,
    ).sort();
    const delivered = world.events.of(merchantUid).map((event) => event.id);
    const waiting = Object.values(order.outbox ?? {}).map((entry) => entry.id);
    const kept = [...new Set([...delivered, ...waiting])].sort();
    if (kept.join('\n') !== expected.join('\n')) wrong.push({ merchantUid, kept, expected });
  }
  expect(wrong).toStrictEqual([]);
}

/**
 * The seeded orders and the write counter as they were. Compared as JSON first: a deep equality per
 * generated input costs more than the request; only a difference pays for the readable diff.
 */
export function expectUnchanged(after: StoreSnapshot, before: StoreSnapshot) {
  if (JSON.stringify(after) !== JSON.stringify(before)) expect(after).toStrictEqual(before);
}

/** The API of each seeded order, in the order of `World.snapshot().items`. */
const SEEDED_APIS: readonly OrderApi[] = seedOrders().map((order) => order.api ?? 'v1');

/** A route of one API never moves an order of the other ("a V1 attempt can never settle a V2 order"). */
export function expectOtherApiUntouched(after: StoreSnapshot, before: StoreSnapshot, api: OrderApi) {
  const others = (snapshot: StoreSnapshot) => snapshot.items.filter((_, index) => SEEDED_APIS[index] !== api);
  const [now, then] = [others(after), others(before)];
  if (JSON.stringify(now) !== JSON.stringify(then)) expect(now).toStrictEqual(then);
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
export function expectCorsSafe(result: HttpResult) {
  const entry = Object.entries(result.headers ?? {}).find(
    ([name]) => name.toLowerCase() === 'access-control-allow-origin',
  );
  if (entry === undefined || (ALLOWED_ORIGINS as readonly unknown[]).includes(entry[1])) return;
  expect(isWebOrigin(entry[1])).toBe(false);
}

/** Only the complete routes speak CORS (README, "Security"): no other answer grants an origin anything. */
export function expectNoCors(result: HttpResult) {
  const names = Object.keys(result.headers ?? {}).map((name) => name.toLowerCase());
  expect(names.filter((name) => name.startsWith('access-control-'))).toStrictEqual([]);
}

/**
 * A CORS preflight: 204, nothing asked or written, never with credentials, and the shop's own origins
 * granted the POST they ask for.
 */
export function expectPreflight(
  result: HttpResult,
  world: World,
  before: ReturnType<typeof effects>,
  origin: string | undefined,
) {
  expect(result.statusCode).toBe(204);
  expect(effects(world)).toStrictEqual(before);
  expectCorsSafe(result);
  expectNothingLeaked(result, world);
  const headers = new Map(
    Object.entries(result.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]),
  );
  // The shop's page posts ids only: no cookie may ride along.
  expect(headers.has('access-control-allow-credentials')).toBe(false);
  if ((ALLOWED_ORIGINS as readonly (string | undefined)[]).includes(origin)) {
    expect(headers.get('access-control-allow-origin')).toBe(origin);
    expect(headers.get('access-control-allow-methods')?.split(',')).toContain('POST');
  }
}

export async function answer(invoke: () => Promise<HttpResult>): Promise<HttpResult> {
  // A rejection here is a crash of the Lambda invocation: the property fails with its error.
  const result = await invoke();
  expect(result).toBeTypeOf('object');
  return result;
}

const SENSITIVE: readonly string[] = [...SECRETS, ...Object.values(BUYER_DATA)];

/** The answer's text as a client reads it, a redirect's query decoded (a Korean name is percent-encoded there). */
function textsOf(result: HttpResult): string[] {
  const headers = Object.values(result.headers ?? {}).map(String);
  const decoded = headers.flatMap((value) => {
    if (!/^https?:\/\//.test(value)) return [];
    try {
      return [...new URL(value).searchParams.values()];
    } catch {
      return [];
    }
  });
  return [result.body ?? '', ...headers, ...decoded];
}

/**
 * No API secret, webhook secret, buyer personal data or card number in the answer, in any order stored
 * or in its outbox (the events a merchant will receive), or in a queued message. The buyer's data comes
 * with every payment the APIs return, and the clients' schemas must drop it before anything else sees it.
 */
export function expectNothingLeaked(result: HttpResult, world: World, after = world.snapshot()) {
  const stored = JSON.stringify([after, world.queue.sent]);
  const texts = [...textsOf(result), stored];
  expect(SENSITIVE.filter((secret) => texts.some((text) => text.includes(secret)))).toStrictEqual([]);
}

/** README, "HTTP contract": every status a completion route (V1 or V2) may answer. */
export const COMPLETE_STATUSES: ReadonlySet<number> = new Set([200, 202, 204, 400, 404, 409, 413, 415, 503]);

/** Where a redirect (V1 or V2) may send the browser: an order status, or one of the README's others. */
export const REDIRECT_STATUSES: ReadonlySet<string> = new Set<string>([
  ...orderStatuses,
  'pending',
  'invalid',
  'not_found',
  'refused',
]);

interface Snapshots {
  before: StoreSnapshot;
  after: StoreSnapshot;
}

/**
 * A completion route's answer, V1's or V2's: a documented status, CORS only for the shop, nothing
 * leaked, the other API's orders untouched; a preflight moves nothing; a refusal changes and cancels
 * nothing, and a refusal decided from the request alone asks nothing. The status, or undefined when
 * nothing is left to check (a preflight, a refusal).
 */
export function expectCompleteAnswer(
  result: HttpResult,
  world: World,
  { before, after }: Snapshots,
  counts: ReturnType<typeof effects>,
  weatherNow: Weather,
  method: string,
  api: OrderApi,
): number | undefined {
  const status = expectSafeStatus(result, world, after, weatherNow, COMPLETE_STATUSES);
  expectCorsSafe(result);
  expectNothingLeaked(result, world, after);
  expectOtherApiUntouched(after, before, api);
  if (method === 'OPTIONS') {
    expect(status).toBe(204);
    expect(effects(world)).toStrictEqual(counts);
    return undefined;
  }
  expect(status).not.toBe(204);
  if (status >= 400) {
    const error = expectErrorBody(result);
    expectUnchanged(after, before);
    expect(cancelsOf(world)).toBe(0);
    if (REQUEST_REFUSALS.has(error.code)) expect(effects(world)).toStrictEqual(counts);
    return undefined;
  }
  return status;
}

/**
 * A redirect's answer, V1's or V2's: always a 302 to the configured result page (no open redirect,
 * whatever the query said), not cached, no CORS, nothing leaked, the other API's orders untouched; its
 * query only `queryKeys`, each once; a status it may tell ("error" only with Iamport and the queue both
 * down, or our store failing); nothing changed or cancelled unless it tells an order's status.
 */
export function expectResultPageRedirect(
  result: HttpResult,
  world: World,
  { before, after }: Snapshots,
  weatherNow: Weather,
  api: OrderApi,
  queryKeys: readonly string[],
): { location: URL; status: string } {
  const page = new URL(RESULT_PAGE);
  expect(result.statusCode).toBe(302);
  expect(result.headers?.['cache-control']).toBe('no-store');
  expectNoCors(result);
  expectNothingLeaked(result, world, after);
  expectOtherApiUntouched(after, before, api);
  const location = new URL(String(result.headers?.location));
  expect(location.origin).toBe(page.origin);
  expect(location.pathname).toBe(page.pathname);
  expect(location.searchParams.get('lang')).toBe('ko');
  for (const key of location.searchParams.keys()) {
    expect(queryKeys).toContain(key);
    expect(location.searchParams.getAll(key)).toHaveLength(1);
  }
  const status = location.searchParams.get('status') ?? '';
  if (status === 'error') {
    expect((weatherNow.iamportDown && weatherNow.queueDown) || ourStoreFailed(world, weatherNow)).toBe(true);
  } else {
    expect(REDIRECT_STATUSES.has(status)).toBe(true);
  }
  if (['invalid', 'not_found', 'refused', 'pending', 'error'].includes(status)) {
    expectUnchanged(after, before);
    expect(cancelsOf(world)).toBe(0);
  }
  return { location, status };
}
