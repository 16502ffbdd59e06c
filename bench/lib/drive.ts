import autocannon from 'autocannon';
import type { SeededPayment } from './seed';
import { deliveredAfter } from './sut';

export interface DriveOptions {
  url: string;
  path: string;
  connections: number;
  /** Requests in all; request i is built from `payments[i % payments.length]`. */
  amount?: number;
  /** Or: as many requests as fit in this many seconds. */
  durationSeconds?: number;
  /** `mixed` alternates JSON and form bodies; `json` sends JSON only. @default 'mixed' */
  bodies?: 'mixed' | 'json';
  /** Seconds without an answer before autocannon counts a timeout. @default 30 */
  timeoutSeconds?: number;
  payments: readonly SeededPayment[];
  /** What each request carries: the PC callback's or the webhook's fields. */
  body: (payment: SeededPayment) => Record<string, string>;
  /** Called with each answer's status and body (the load test checks them). */
  onResponse?: (status: number, body: string) => void;
  /** Called once the requests are timed, before waiting for the events they caused. */
  afterTiming?: () => Promise<void>;
}

export interface DriveResult {
  completed: number;
  durationMs: number;
  perSecond: number;
  /** Milliseconds, as autocannon measured each request (send to last byte). */
  latencies: number[];
  non2xx: number;
  errors: number;
  timeouts: number;
}

/**
 * Drives `url + path` with autocannon: `connections` keep-alive connections, `amount` requests, each
 * request taking the next payment of the list (a shared counter, so no two connections send the same
 * one unless the list is shorter than `amount`), alternating JSON and form-urlencoded bodies like
 * Iamport's two webhook formats and jQuery's default.
 */
export async function drive(options: DriveOptions): Promise<DriveResult> {
  let next = 0;
  const latencies: number[] = [];
  const started = performance.now();
  let finish: (result: autocannon.Result) => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const instance = autocannon(
    {
      url: options.url,
      connections: options.connections,
      ...(options.amount === undefined ? {} : { amount: options.amount }),
      ...(options.durationSeconds === undefined ? {} : { duration: options.durationSeconds }),
      timeout: options.timeoutSeconds ?? 30,
      requests: [
        {
          method: 'POST',
          path: options.path,
          setupRequest: (request) => {
            const index = next++;
            const payment = options.payments[index % options.payments.length];
            if (!payment) return request;
            const fields = options.body(payment);
            return index % 2 === 0 || options.bodies === 'json'
              ? {
                  ...request,
                  headers: { 'content-type': 'application/json' },
                  body: JSON.stringify(fields),
                }
              : {
                  ...request,
                  headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
                  body: new URLSearchParams(fields).toString(),
                };
          },
          ...(options.onResponse ? { onResponse: options.onResponse } : {}),
        },
      ],
    },
    (error: Error | null, result: autocannon.Result) => (error ? fail(error) : finish(result)),
  );
  // autocannon reports its end on its next one-second tick: time the run to the last answer instead.
  let lastAnswer = started;
  instance.on('response', (_client, _status, _bytes, responseTime) => {
    latencies.push(responseTime);
    lastAnswer = performance.now();
  });
  const result = await done;
  const durationMs = lastAnswer - started;
  await options.afterTiming?.();
  // Not timed: the events these requests caused, delivered after them (the stream's consumer).
  await deliveredAfter(options.url);
  return {
    completed: result.requests.total,
    durationMs,
    perSecond: (result.requests.total / durationMs) * 1000,
    latencies,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}
