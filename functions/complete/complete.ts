import type { Logger } from '@aws-lambda-powertools/logger';
import httpCors from '@middy/http-cors';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as v from 'valibot';
import { HttpError } from '../../shared/http/errors';
import { readBody } from '../../shared/http/readBody';
import { errorBody, type HttpResult, json } from '../../shared/http/responses';
import { validate } from '../../shared/http/validate';
import { impUidSchema, merchantUidSchema } from '../../shared/identifiers';
import { httpStack } from '../../shared/middleware/httpStack';
import type { Order, OrderApi } from '../../shared/orders/types';
import { paymentAnswer } from '../../shared/payments/answer';
import type { Attempt } from '../../shared/payments/attempt';
import { statusMessage } from '../../shared/payments/messages';
import type { VerifyRequest } from '../../shared/payments/types';
import {
  type EntryOutcome,
  type VerifyOrQueueDeps,
  verifyOrQueue,
} from '../../shared/payments/verifyOrQueue';

const v1InputSchema = v.object({ imp_uid: impUidSchema, merchant_uid: v.optional(merchantUidSchema) });
/** PortOne V2's guide posts `{paymentId}` from the browser; the V2 order's merchant_uid IS that id. */
const v2InputSchema = v.object({ paymentId: merchantUidSchema });

/** What each API's completion reads from its body, and how its decided answer names the payment. */
interface Completion {
  request(body: Record<string, unknown>): VerifyRequest;
  decided(order: Order, attempt: Attempt): Record<string, unknown>;
}

const v1: Completion = {
  request(body) {
    const input = validate(v1InputSchema, body);
    return { impUid: input.imp_uid, merchantUid: input.merchant_uid, source: 'complete' };
  },
  decided: (order, attempt) => ({ ...paymentAnswer(order, attempt.id) }),
};

const v2: Completion = {
  request(body) {
    const input = validate(v2InputSchema, body);
    return { api: 'v2', merchantUid: input.paymentId, source: 'complete' };
  },
  decided: (order, attempt) => {
    const { imp_uid: _v1Name, merchant_uid: paymentId, ...rest } = paymentAnswer(order, attempt.id);
    return { ...rest, payment_id: paymentId, transaction_id: attempt.id };
  },
};

/**
 * `POST /payments/complete` (V1: the PC callback posts the imp_uid from `IMP.request_pay`) and
 * `POST /v2/payments/complete` (V2: the page posts the paymentId after `PortOne.requestPayment`).
 */
function makeCompleteHandler(deps: VerifyOrQueueDeps, logger: Logger, completion: Completion) {
  return async function complete(event: APIGatewayProxyEventV2): Promise<HttpResult> {
    // Preflight for the merchant's page on another origin; CORS headers are added by the middleware.
    if (event.requestContext.http.method === 'OPTIONS') return { statusCode: 204 };
    const request = completion.request(readBody(event));
    logger.appendKeys({ imp_uid: request.impUid, merchant_uid: request.merchantUid, api: request.api });
    const outcome = await verifyOrQueue(deps, request);
    logger.info('verification', { outcome: outcome.kind, ...statusOf(outcome) });
    return answer(outcome, completion, request.api ?? 'v1');
  };
}

function answer(outcome: EntryOutcome, completion: Completion, api: OrderApi): HttpResult {
  switch (outcome.kind) {
    case 'decided':
      return json(200, completion.decided(outcome.order, outcome.attempt));
    case 'queued':
      return json(202, { status: 'pending', message: statusMessage('pending') });
    case 'sandbox_refused':
      return json(409, errorBody('SANDBOX_PAYMENT_REFUSED', 'test-channel payments are not accepted here'));
    case 'merchant_uid_mismatch':
      return json(409, errorBody('MERCHANT_UID_MISMATCH', 'the payment belongs to another order'));
    case 'unknown_order':
      return json(404, errorBody('ORDER_NOT_FOUND', 'the payment is not for an order of this shop'));
    case 'order_not_held':
      return json(404, errorBody('ORDER_NOT_FOUND', 'merchant_uid names no order of this shop'));
    case 'payment_not_found':
      return json(
        404,
        errorBody('PAYMENT_NOT_FOUND', `${api === 'v2' ? 'PortOne' : 'Iamport'} has no such payment`),
      );
    case 'queue_failed':
      // The order's own lost-result check settles it: "pending" is still a promise kept.
      if (outcome.ownCheck) return json(202, { status: 'pending', message: statusMessage('pending') });
      throw new HttpError(503, 'UNAVAILABLE', outcome.reason);
  }
}

function statusOf(outcome: EntryOutcome) {
  return outcome.kind === 'decided' ? { status: outcome.order.status, changed: outcome.changed } : {};
}

/** The deployed handler: CORS for the merchant's shop origins (`ALLOWED_ORIGINS`), errors mapped once. */
export function createCompleteHandler(
  deps: VerifyOrQueueDeps,
  logger: Logger,
  allowedOrigins: readonly string[],
  api: OrderApi = 'v1',
) {
  return httpStack(makeCompleteHandler(deps, logger, api === 'v2' ? v2 : v1), logger, [
    httpCors({ origins: [...allowedOrigins], methods: 'POST,OPTIONS', headers: 'content-type', maxAge: 600 }),
  ]);
}
