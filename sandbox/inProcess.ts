import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import * as v from 'valibot';
import { iamportApiOver, type UnsentRequest } from '../shared/iamport/calls';
import { interpretResponse } from '../shared/iamport/envelope';
import { IamportError, IamportUnavailableError } from '../shared/iamport/errors';
import { buildPath } from '../shared/iamport/paths';
import { headersFor } from '../shared/iamport/transport';
import type { IamportApi } from '../shared/iamport/types';
import { answerApiCall, apiRouter, faultReply, type IncomingCall, logApiCall, toReply } from './apiCall';
import { defaultFaultStatus } from './faults';
import type { SandboxState } from './state';

export interface InProcessOptions {
  /** As the client's `includeSandbox`: getPayment also finds test-channel payments. @default false */
  includeSandbox?: boolean;
}

/** Only the path and query are read; the origin is what the HTTP server puts in front of `req.url`. */
const origin = 'http://sandbox.invalid';

/**
 * The Iamport API answered by the sandbox in this process, with no socket: the way undici's `MockAgent`
 * is a `Dispatcher` like the real one. Each call is built and checked by the client's own code
 * (`iamportApiOver`: path segments, cancel and prepare bodies, the findAll query), handed to the very
 * function the HTTP server answers with (faults from `state.faults`, routing, the routes themselves),
 * logged in `state.requests`, and its answer read by the client's `interpretResponse`: so its payments,
 * pages, refusals and error classes are those of `createIamportClient` talking to `startSandbox`.
 *
 * Differences, all outside `IamportApi`: no getToken round trips (the caller holds the merchant's one
 * active token, as a client with a warm cache does); a delay fault is waited out in full (no client
 * deadline turns it into a timeout); nothing is serialised but the JSON bodies.
 */
export function inProcessIamport(state: SandboxState, options: InProcessOptions = {}): IamportApi {
  const router = apiRouter(state);
  const hold = async (ms: number): Promise<boolean> => {
    await sleep(ms);
    return true;
  };

  async function send<T>(request: UnsentRequest<T>): Promise<T> {
    // A round trip never answers synchronously: concurrent callers get their turns in between.
    await nextTurn();
    const receivedAt = state.clock.now();
    const token = state.tokens.issue(state.clock.nowSeconds()).access_token;
    const call: IncomingCall = {
      method: request.method,
      url: new URL(buildPath('', request.path, request.query), origin),
      headers: headersFor({ ...request, token }),
      bytes: Buffer.from(request.body === undefined ? '' : JSON.stringify(request.body)),
    };
    const reply = await answerApiCall(state, router, call, hold).catch(toReply);
    logApiCall(state, call, reply, receivedAt);
    // Unreachable (`hold` never gives up) but typed: to a client, a dropped call is a hang-up.
    if (reply === null) throw new IamportUnavailableError(`${request.operation}: dropped by the sandbox`);
    if (reply.lost) throw new IamportUnavailableError(`${request.operation}: the answer was lost`);
    return interpretResponse(request.operation, reply.status, JSON.stringify(reply.body), request.schema);
  }

  return iamportApiOver(send, { includeSandbox: options.includeSandbox ?? false });
}

/**
 * What the client throws when the sandbox answers a call with a fault of `status`: an
 * `IamportUnavailableError` for 503 (the default), 5xx and 429, other client errors for other statuses.
 */
export function faultError(operation: string, status: number = defaultFaultStatus): IamportError {
  const reply = faultReply(status);
  try {
    interpretResponse(operation, reply.status, JSON.stringify(reply.body), v.unknown());
  } catch (error) {
    if (error instanceof IamportError) return error;
    throw error;
  }
  throw new RangeError(`HTTP ${status} is an answer, not a fault`);
}
