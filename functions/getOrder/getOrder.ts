import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { errorBody, type HttpResult, json } from '../../shared/http/responses';
import { validate } from '../../shared/http/validate';
import { merchantUidSchema } from '../../shared/identifiers';
import { httpStack } from '../../shared/middleware/httpStack';
import type { OrderStore } from '../../shared/orders/store';
import { toOrderView } from '../../shared/orders/view';

/** `GET /orders/{merchant_uid}`: the order with its history (docs/design.md §5). */
function makeGetOrderHandler(orders: Pick<OrderStore, 'get'>) {
  return async function getOrder(event: APIGatewayProxyEventV2): Promise<HttpResult> {
    const merchantUid = validate(merchantUidSchema, event.pathParameters?.merchant_uid);
    const order = await orders.get(merchantUid);
    return order ? json(200, toOrderView(order)) : json(404, errorBody('ORDER_NOT_FOUND', 'no such order'));
  };
}

export function createGetOrderHandler(orders: Pick<OrderStore, 'get'>, logger: Logger) {
  return httpStack(makeGetOrderHandler(orders), logger);
}
