import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { HttpResult } from '../http/responses';
import { jsonErrors } from './jsonErrors';

export type HttpCore = (event: APIGatewayProxyEventV2) => Promise<HttpResult>;
export type HttpHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<HttpResult>;

/**
 * The middy stack every HTTP function shares: Lambda context in the logs (keys reset per request so
 * one buyer's identifiers never leak into the next request's lines) and errors mapped once.
 * `extra` middlewares (CORS) run inside, so their onError sees the mapped response.
 */
export function httpStack(core: HttpCore, logger: Logger, extra: middy.MiddlewareObj[] = []): HttpHandler {
  let stack = middy<APIGatewayProxyEventV2, HttpResult>(core).use(
    injectLambdaContext(logger, { resetKeys: true }),
  );
  for (const middleware of extra)
    stack = stack.use(middleware as middy.MiddlewareObj<APIGatewayProxyEventV2, HttpResult>);
  return stack.use(jsonErrors(logger)) as unknown as HttpHandler;
}
