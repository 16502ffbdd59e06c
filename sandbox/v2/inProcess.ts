import type { IncomingHttpHeaders } from 'node:http';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { logApiCall } from '../apiCall';
import type { SandboxState } from '../state';
import { answerV2Call, v2ApiRouter } from './api';
import { toV2Reply } from './errors';

/** A `fetch` with the parameters of the global one, for clients that take theirs as a dependency. */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

function headersOf(request: Request): IncomingHttpHeaders {
  const headers: IncomingHttpHeaders = {};
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return headers;
}

/**
 * The V2 API answered in this process, with no socket: a `fetch` whose every call (whatever its origin)
 * goes to the function the V2 listener answers with, so faults, routing, the secret, idempotency keys and
 * the request log apply as over HTTP. A client of the V2 API that takes a `fetch` runs against it unchanged.
 * Unlike over HTTP, a delay fault is waited out in full (no client deadline), and aborting the signal has no
 * effect once the call has started, as PortOne finishes a request its client left.
 */
export function inProcessPortOneFetch(state: SandboxState): FetchLike {
  const router = v2ApiRouter(state);
  const hold = async (ms: number): Promise<boolean> => {
    await sleep(ms);
    return true;
  };
  return async (input, init) => {
    const request = new Request(input, init);
    // A round trip never answers synchronously: concurrent callers get their turns in between.
    await nextTurn();
    const receivedAt = state.clock.now();
    const url = new URL(request.url);
    const call = {
      method: request.method,
      url,
      headers: headersOf(request),
      bytes: Buffer.from(await request.arrayBuffer()),
    };
    const reply = await answerV2Call(state, router, call, hold).catch(toV2Reply);
    logApiCall(state, call, reply, receivedAt, 'v2');
    // Unreachable (`hold` never gives up) but typed: to a client, a dropped call is a network error.
    if (reply === null) throw new TypeError('fetch failed: dropped by the sandbox');
    if (reply.lost) throw new TypeError('fetch failed: the answer was lost');
    return new Response(JSON.stringify(reply.body), {
      status: reply.status,
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
  };
}
