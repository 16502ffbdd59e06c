import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

export interface HttpApiEventInput {
  method?: string;
  path?: string;
  body?: string;
  headers?: Record<string, string>;
  isBase64Encoded?: boolean;
  query?: Record<string, string>;
  pathParameters?: Record<string, string>;
  sourceIp?: string;
}

/**
 * The query as a browser sends it in a URL: percent-encoded (a space is `%20`, a `+` is `%2B`). A
 * lone surrogate, which has no encoding, goes as URLSearchParams writes it (U+FFFD).
 */
function rawQuery(query: Record<string, string>): string {
  const encode = (text: string) =>
    text.isWellFormed()
      ? encodeURIComponent(text)
      : new URLSearchParams({ x: text }).toString().slice(2).replaceAll('+', '%20');
  return Object.entries(query)
    .map(([key, value]) => `${encode(key)}=${encode(value)}`)
    .join('&');
}

/** A fully shaped API Gateway HTTP API (payload v2) event. */
export function httpApiEvent(input: HttpApiEventInput = {}): APIGatewayProxyEventV2 {
  const method = input.method ?? 'POST';
  const path = input.path ?? '/';
  const query = input.query ? rawQuery(input.query) : '';
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: query,
    headers: input.headers ?? {},
    ...(input.query ? { queryStringParameters: input.query } : {}),
    ...(input.pathParameters ? { pathParameters: input.pathParameters } : {}),
    ...(input.body !== undefined ? { body: input.body } : {}),
    isBase64Encoded: input.isBase64Encoded ?? false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: {
        method,
        path,
        protocol: 'HTTP/1.1',
        sourceIp: input.sourceIp ?? '203.0.113.7',
        userAgent: 'test',
      },
      requestId: randomUUID(),
      routeKey: `${method} ${path}`,
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
  };
}

export function jsonEvent(body: unknown, input: HttpApiEventInput = {}) {
  return httpApiEvent({
    ...input,
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
}

export function formEvent(body: Record<string, string>, input: HttpApiEventInput = {}) {
  return httpApiEvent({
    ...input,
    body: new URLSearchParams(body).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
  });
}
