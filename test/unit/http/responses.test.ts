import { describe, expect, it } from 'vitest';
import { HttpError } from '../../../shared/http/errors';
import { errorBody, errorResult, json } from '../../../shared/http/responses';

describe('Function: json', () => {
  it('answers JSON that no cache keeps', () => {
    expect(json(200, { ok: true })).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
      body: '{"ok":true}',
    });
  });

  it('lets extra headers add to and override the defaults', () => {
    const result = json(302, null, { location: 'https://shop.example.com/', 'cache-control': 'private' });

    expect(result.headers).toEqual({
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'private',
      location: 'https://shop.example.com/',
    });
  });
});

describe('Function: errorResult', () => {
  it('answers a 4xx HttpError as it is', () => {
    const result = errorResult(
      new HttpError(409, 'MERCHANT_UID_MISMATCH', 'the payment is for another order'),
    );

    expect(result.statusCode).toBe(409);
    expect(JSON.parse(String(result.body))).toEqual(
      errorBody('MERCHANT_UID_MISMATCH', 'the payment is for another order'),
    );
  });

  it('hides the message of a 5xx HttpError', () => {
    const result = errorResult(new HttpError(503, 'UPSTREAM', 'token abc123 refused by 10.0.0.7'));

    expect(result.statusCode).toBe(503);
    expect(JSON.parse(String(result.body))).toEqual({
      error: { code: 'UPSTREAM', message: 'service unavailable' },
    });
  });

  it('answers anything else as a bare 500 without its details', () => {
    const result = errorResult(new Error('ConditionalCheckFailed on table prod-orders'));

    expect(result.statusCode).toBe(500);
    expect(result.body).toBe('{"error":{"code":"INTERNAL_ERROR","message":"internal error"}}');
  });

  it('answers a non-error throw as a bare 500', () => {
    expect(errorResult('boom').statusCode).toBe(500);
  });
});
