import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import { HttpError } from '../http/errors';
import { errorResult, type HttpResult } from '../http/responses';

/**
 * Maps any error to `{error:{code,message}}` once, at the edge. 4xx are the client's and are logged
 * as warnings; anything else is ours, logged in full and answered without internals.
 */
export function jsonErrors(logger: Logger): MiddlewareObj<unknown, HttpResult> {
  return {
    onError: async function jsonErrorsOnError(request) {
      if (request.response !== undefined) return;
      const error = request.error;
      if (error instanceof HttpError && error.status < 500) {
        logger.warn('request refused', { code: error.code, status: error.status });
      } else {
        logger.error('request failed', { error });
      }
      request.response = errorResult(error);
    },
  };
}
