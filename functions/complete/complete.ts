import type { Logger } from '@aws-lambda-powertools/logger';
import httpCors from '@middy/http-cors';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { z } from 'zod';
import { HttpError } from '../../shared/http/errors';
import { readBody } from '../../shared/http/readBody';
import { errorBody, type HttpResult, json } from '../../shared/http/responses';
import { validate } from '../../shared/http/validate';
import { impUidSchema, merchantUidSchema } from '../../shared/identifiers';
import { httpStack } from '../../shared/middleware/httpStack';
import { paymentAnswer } from '../../shared/payments/answer';
import { statusMessage } from '../../shared/payments/messages';
import {
  type EntryOutcome,
  type VerifyOrQueueDeps,
  verifyOrQueue,
} from '../../shared/payments/verifyOrQueue';

const inputSchema = z.object({ imp_uid: impUidSchema, merchant_uid: merchantUidSchema.optional() });

/** `POST /payments/complete`: the PC callback posts the imp_uid it got from `IMP.request_pay`. */
function makeCompleteHandler(deps: VerifyOrQueueDeps, logger: Logger) {
  return async function complete(event: APIGatewayProxyEventV2): Promise<HttpResult> {
    // Preflight for the merchant's page on another origin; CORS headers are added by the middleware.
    if (event.requestContext.http.method === 'OPTIONS') return { statusCode: 204 };
    const input = validate(inputSchema, readBody(event));
    logger.appendKeys({ imp_uid: input.imp_uid, merchant_uid: input.merchant_uid });
    const outcome = await verifyOrQueue(deps, {
      impUid: input.imp_uid,
      merchantUid: input.merchant_uid,
      source: 'complete',
    });
    logger.info('verification', { outcome: outcome.kind, ...statusOf(outcome) });
    return answer(outcome);
  };
}

function answer(outcome: EntryOutcome): HttpResult {
  switch (outcome.kind) {
    case 'decided':
      return json(200, paymentAnswer(outcome.order, outcome.attempt.id));
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
      return json(404, errorBody('PAYMENT_NOT_FOUND', 'Iamport has no such payment'));
    case 'queue_failed':
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
) {
  return httpStack(makeCompleteHandler(deps, logger), logger, [
    httpCors({ origins: [...allowedOrigins], methods: 'POST,OPTIONS', headers: 'content-type', maxAge: 600 }),
  ]);
}
