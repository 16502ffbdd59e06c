import type { IncomingHttpHeaders } from 'node:http';
import { STATUS_CODES } from 'node:http';
import { decodeBody } from './body';
import { fail, loseAnswer, type Reply, SandboxError } from './envelope';
import { parseParams } from './params';
import { type RouteMatch, Router } from './router';
import { authRoutes } from './routes/auth';
import { cancelRoutes } from './routes/cancel';
import { paymentRoutes } from './routes/payments';
import { prepareRoutes } from './routes/prepare';
import { statusRoutes } from './routes/status';
import type { SandboxState } from './state';
import { tokenFromHeaders } from './tokens';

/**
 * One call as it reaches the sandbox, whoever carries it: the HTTP server (`server.ts`) or, for API calls,
 * the in-process API (`inProcess.ts`). Both answer through the functions below, so they answer alike.
 */
export interface IncomingCall {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  /** The raw body; decoded only once the call is routed and authorised, as over HTTP. */
  bytes: Buffer;
}

/** Waits out a delay fault; false when the caller left meanwhile, so the call is dropped unhandled. */
export type Hold = (ms: number) => Promise<boolean>;

/** Answers one API call (V1's or V2's), or null when it was dropped while a delay fault held it. */
export type AnswerCall = (
  state: SandboxState,
  router: Router,
  call: IncomingCall,
  hold: Hold,
) => Promise<Reply | null>;

/** The api.iamport.kr look-alike's routes. */
export function apiRouter(state: SandboxState): Router {
  return new Router([
    ...authRoutes(state),
    ...cancelRoutes(state),
    ...prepareRoutes(state),
    ...statusRoutes(state),
    ...paymentRoutes(state),
  ]);
}

export function runRoute(match: RouteMatch, call: IncomingCall): Reply | Promise<Reply> {
  return match.route.handler({
    method: match.route.method,
    path: call.url.pathname,
    params: match.params,
    query: parseParams(call.url.searchParams),
    body: decodeBody(call.bytes, call.headers['content-type']),
    headers: call.headers,
  });
}

export const unknownRoute = (method: string, path: string): Reply =>
  fail(404, -1, `지원하지 않는 API입니다: ${method} ${path}`);

export const faultReply = (status: number): Reply =>
  fail(status, -1, `${STATUS_CODES[status] ?? 'Error'} (sandbox fault)`);

/**
 * Answers one API call, or null when it was dropped (its caller left during a delay fault). The fault is
 * drawn before routing so that a failing call can never change state. A route's error still throws: see
 * {@link toReply}.
 */
export async function answerApiCall(
  state: SandboxState,
  router: Router,
  call: IncomingCall,
  hold: Hold,
): Promise<Reply | null> {
  const fault = state.faults.draw();
  if (fault && fault.delayMs > 0 && !(await hold(fault.delayMs))) return null;
  if (fault && fault.status !== null) return faultReply(fault.status);
  const reply = await routeApiCall(state, router, call);
  return fault?.loseAnswer ? loseAnswer(reply) : reply;
}

async function routeApiCall(state: SandboxState, router: Router, call: IncomingCall): Promise<Reply> {
  const match = router.match(call.method, call.url.pathname);
  if (!match) return unknownRoute(call.method, call.url.pathname);
  if (!match.route.public) {
    const token = tokenFromHeaders(call.headers);
    if (token === null || !state.tokens.isValid(token, state.clock.nowSeconds())) {
      return fail(401, -1, state.unauthorizedMessage);
    }
  }
  return runRoute(match, call);
}

/** A route's `SandboxError` as its envelope; anything else is a bug of ours, a 500. */
export function toReply(error: unknown): Reply {
  if (error instanceof SandboxError) return fail(error.status, error.code, error.message);
  console.error('[iamport-sandbox] unexpected error', error);
  return fail(500, -1, 'sandbox internal error');
}

/**
 * `GET /__sandbox/requests` lists every API call; 499 (nginx's "client closed request") marks a dropped one.
 * V2 calls carry `api: 'v2'`; V1 entries keep their original shape.
 */
export function logApiCall(
  state: SandboxState,
  call: Pick<IncomingCall, 'method' | 'url'>,
  reply: Reply | null,
  receivedAt: number,
  api?: 'v2',
): void {
  state.requests.push({
    ...(api === undefined ? {} : { api }),
    method: call.method,
    path: call.url.pathname,
    query: call.url.search.slice(1),
    status: reply?.status ?? 499,
    ...(reply?.lost ? { answer_lost: true as const } : {}),
    at: receivedAt,
  });
}
