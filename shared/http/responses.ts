import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { HttpError } from './errors';

export type HttpResult = APIGatewayProxyStructuredResultV2;

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

export function errorBody(code: string, message: string) {
  return { error: { code, message } };
}

/** The one place an error becomes an answer: 4xx as they are, anything else a bare 500. */
export function errorResult(error: unknown): HttpResult {
  if (error instanceof HttpError && error.status >= 400 && error.status < 500) {
    return json(error.status, errorBody(error.code, error.message));
  }
  if (error instanceof HttpError) return json(error.status, errorBody(error.code, 'service unavailable'));
  return json(500, errorBody('INTERNAL_ERROR', 'internal error'));
}
