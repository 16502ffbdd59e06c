/** What the fuzz suite promises per HTTP route; no vitest here, so `npm run fuzz`'s script can read it. */

/** Every `httpApi` event of `serverless.yml` as `METHOD path`; coverage.test.ts keeps the two equal. */
export const FUZZED_ROUTES = [
  'POST /payments/complete',
  'OPTIONS /payments/complete',
  'GET /payments/complete/mobile',
  'POST /payments/webhook',
  'POST /orders',
  'GET /orders/{merchant_uid}',
  'POST /v2/payments/complete',
  'OPTIONS /v2/payments/complete',
  'GET /v2/payments/redirect',
  'POST /v2/payments/webhook',
] as const;
export type FuzzedRoute = (typeof FUZZED_ROUTES)[number];

/** The full run's floor: every route gets at least this many inputs (issue 16 §5). */
export const FULL_RUNS_PER_ROUTE = 10_000;

/** One line of a tally file: the inputs one property sent to one route. */
export interface TallyEntry {
  route: FuzzedRoute;
  property: string;
  inputs: number;
}
