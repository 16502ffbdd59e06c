import type { IncomingHttpHeaders } from 'node:http';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { type IncomingCall, logApiCall } from '../../sandbox/apiCall';
import { demoV2ApiSecret, demoV2StoreId, type SandboxState } from '../../sandbox/index';
import { answerV2Call, v2ApiRouter } from '../../sandbox/v2/api';
import { toV2Reply } from '../../sandbox/v2/errors';
import { portOneApiOver } from '../../shared/portone/calls';
import { PortOneUnavailableError } from '../../shared/portone/errors';
import { answerOf } from '../../shared/portone/responses';
import type { PortOneRequest } from '../../shared/portone/transport';
import type { CancelPaymentRequest, PortOneApi, PreRegisterPaymentRequest } from '../../shared/portone/types';

export type PortOneMethod = keyof PortOneApi;

/** Only the path and query are read; the origin is what the HTTP server puts in front of `req.url`. */
const origin = 'http://portone.invalid';

/**
 * PortOne V2 answered by the sandbox in this process, the V2 twin of `FakeIamport`: every call is built
 * and checked by the client's own code (`portOneApiOver`: the paymentId as one encoded segment, cancel and
 * pre-register bodies), answered by the function the sandbox's V2 listener answers with (its faults from
 * `state.faults`, routing, the API secret, idempotency keys, the routes), logged in `state.requests`, and
 * read by the client's `answerOf`, so its errors are the client's. The fake counts calls per method and
 * keeps the cancels and pre-registrations asked for, whatever became of them.
 */
export class FakePortOne implements PortOneApi {
  readonly calls: Record<PortOneMethod, number> = {
    getPayment: 0,
    listPayments: 0,
    cancelPayment: 0,
    preRegisterPayment: 0,
  };
  readonly cancels: CancelPaymentRequest[] = [];
  readonly preRegisters: PreRegisterPaymentRequest[] = [];
  private readonly api: PortOneApi;

  /** `state` is the sandbox V1's fake runs on, so one fault model and one clock serve both APIs. */
  constructor(
    readonly state: SandboxState,
    storeId: string = demoV2StoreId,
  ) {
    const router = v2ApiRouter(state);
    const hold = async (ms: number): Promise<boolean> => {
      await sleep(ms);
      return true;
    };
    const send = async <T>(request: PortOneRequest<T>): Promise<T> => {
      // A round trip never answers synchronously: concurrent callers get their turns in between.
      await nextTurn();
      const receivedAt = state.clock.now();
      const search = request.query === undefined ? '' : `?${new URLSearchParams(request.query)}`;
      const headers: IncomingHttpHeaders = {
        accept: 'application/json',
        authorization: `PortOne ${demoV2ApiSecret}`,
        ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(request.idempotencyKey === undefined ? {} : { 'idempotency-key': request.idempotencyKey }),
      };
      const call: IncomingCall = {
        method: request.method,
        url: new URL(`${request.path}${search}`, origin),
        headers,
        bytes: Buffer.from(request.body === undefined ? '' : JSON.stringify(request.body)),
      };
      const reply = await answerV2Call(state, router, call, hold).catch(toV2Reply);
      logApiCall(state, call, reply, receivedAt, 'v2');
      // Unreachable (`hold` never gives up) but typed: to the client, a dropped call is a hang-up.
      if (reply === null) throw new PortOneUnavailableError(`${request.operation}: dropped by the sandbox`);
      return answerOf(
        { operation: request.operation, status: reply.status, text: JSON.stringify(reply.body) },
        request.schema,
      );
    };
    this.api = portOneApiOver(send, { storeId });
  }

  /** Every call to PortOne, failed or not. */
  get totalCalls(): number {
    return Object.values(this.calls).reduce((sum, count) => sum + count, 0);
  }

  getPayment: PortOneApi['getPayment'] = (paymentId, options) => {
    this.calls.getPayment += 1;
    return this.api.getPayment(paymentId, options);
  };

  listPayments: PortOneApi['listPayments'] = (request) => {
    this.calls.listPayments += 1;
    return this.api.listPayments(request);
  };

  cancelPayment: PortOneApi['cancelPayment'] = (request) => {
    this.calls.cancelPayment += 1;
    this.cancels.push({ ...request });
    return this.api.cancelPayment(request);
  };

  preRegisterPayment: PortOneApi['preRegisterPayment'] = (request) => {
    this.calls.preRegisterPayment += 1;
    this.preRegisters.push({ ...request });
    return this.api.preRegisterPayment(request);
  };
}
