import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as v from 'valibot';
import { HttpError } from '../../shared/http/errors';
import { readBody } from '../../shared/http/readBody';
import { errorBody, type HttpResult, json } from '../../shared/http/responses';
import { validate } from '../../shared/http/validate';
import { isTransientIamportError } from '../../shared/iamport/errors';
import { merchantUidSchema } from '../../shared/identifiers';
import { httpStack } from '../../shared/middleware/httpStack';
import { orderApis } from '../../shared/orders/types';
import { toOrderView } from '../../shared/orders/view';
import { isTransientPortOneError } from '../../shared/portone/errors';
import { type RegisterDeps, registerOrder } from '../../shared/register/registerOrder';
import { finiteNumber, maxChars } from '../../shared/validation';

/** KRW has no minor unit: its amounts are whole won. Other currencies may carry cents. */
const inputSchema = v.pipe(
  v.object({
    // Iamport's prepare API caps merchant_uid at 40 characters.
    merchant_uid: v.pipe(merchantUidSchema, maxChars(40)),
    amount: v.pipe(finiteNumber, v.gtValue(0), v.maxValue(1e12)),
    currency: v.optional(v.pipe(v.string(), v.regex(/^[A-Z]{3}$/)), 'KRW'),
    name: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1), maxChars(200))),
    /** PortOne V2: the merchant_uid is the V2 paymentId. @default 'v1' */
    api: v.optional(v.picklist(orderApis)),
  }),
  // The V2 client pre-registers whole won only.
  v.forward(
    v.check((order) => order.api !== 'v2' || order.currency === 'KRW'),
    ['currency'],
  ),
  v.forward(
    v.check((order) =>
      order.currency === 'KRW' ? Number.isInteger(order.amount) : hasAtMostTwoDecimals(order.amount),
    ),
    ['amount'],
  ),
);

/**
 * At most two decimals, decided on the decimal text: 19.99 × 100 is 1998.9999999999998 in binary
 * floating point, so multiplying and testing for an integer refuses valid prices.
 */
function hasAtMostTwoDecimals(amount: number): boolean {
  return Number(amount.toFixed(2)) === amount;
}

/** `POST /orders`: the merchant's back end registers what the buyer must pay (docs/design.md §5). */
function makeCreateOrderHandler(deps: RegisterDeps, logger: Logger) {
  return async function createOrder(event: APIGatewayProxyEventV2): Promise<HttpResult> {
    const input = validate(inputSchema, readBody(event));
    logger.appendKeys({ merchant_uid: input.merchant_uid });
    try {
      const outcome = await registerOrder(deps, input);
      logger.info('order registration', { outcome: outcome.kind });
      switch (outcome.kind) {
        case 'created':
          return json(201, toOrderView(outcome.order));
        case 'repeated':
          return json(200, toOrderView(outcome.order));
        case 'conflict':
          return json(
            409,
            errorBody('ORDER_CONFLICT', 'this merchant_uid is registered with another amount'),
          );
        case 'prepared_conflict':
          return json(
            409,
            errorBody('PREPARED_AMOUNT_CONFLICT', 'Iamport holds another amount for this merchant_uid'),
          );
        case 'api_not_served':
          return json(400, errorBody('INVALID_INPUT', 'api: this stage serves PortOne V1 alone'));
      }
    } catch (error) {
      if (isTransientIamportError(error) || isTransientPortOneError(error)) {
        // The order is stored; repeating the same request finishes the registration.
        throw new HttpError(503, 'IAMPORT_UNAVAILABLE', 'order stored, amount not yet registered; retry', {
          cause: error,
        });
      }
      throw error;
    }
  };
}

export function createCreateOrderHandler(deps: RegisterDeps, logger: Logger) {
  return httpStack(makeCreateOrderHandler(deps, logger), logger);
}
