import { describe, expect, it } from 'vitest';
import { HttpError } from '../../../shared/http/errors';
import { type BodyCarrier, DEFAULT_MAX_BODY_BYTES, readBody } from '../../../shared/http/readBody';

const JSON_TYPE = { 'content-type': 'application/json' };
const FORM_TYPE = { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' };

/** The HttpError readBody throws, for asserting status and code. */
function failure(event: BodyCarrier, maxBytes?: number): HttpError {
  try {
    readBody(event, maxBytes);
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error('readBody did not throw');
}

describe('Function: readBody', () => {
  describe('JSON', () => {
    it('parses an object sent as application/json', () => {
      const body = readBody({ body: '{"imp_uid":"imp_1","merchant_uid":"order_1"}', headers: JSON_TYPE });

      expect(body).toEqual({ imp_uid: 'imp_1', merchant_uid: 'order_1' });
    });

    it('reads the content type case-insensitively and ignores its parameters', () => {
      const body = readBody({
        body: '{"imp_uid":"imp_1"}',
        headers: { 'Content-Type': 'Application/JSON; charset=utf-8' },
      });

      expect(body).toEqual({ imp_uid: 'imp_1' });
    });

    it('keeps nested values and unknown fields for the schema to drop', () => {
      expect(readBody({ body: '{"imp_uid":"imp_1","extra":{"a":[1]}}', headers: JSON_TYPE })).toEqual({
        imp_uid: 'imp_1',
        extra: { a: [1] },
      });
    });

    it.each([
      ['invalid JSON', '{"imp_uid":', 'body is not valid JSON'],
      ['a JSON array', '[{"imp_uid":"imp_1"}]', 'body must be a JSON object'],
      ['null', 'null', 'body must be a JSON object'],
      ['a JSON string', '"imp_1"', 'body must be a JSON object'],
    ])('answers 400 for %s', (_label, body, message) => {
      const error = failure({ body, headers: JSON_TYPE });

      expect(error).toMatchObject({ status: 400, code: 'MALFORMED_BODY', message });
    });
  });

  describe('form-urlencoded', () => {
    it('parses a jQuery form body, decoding + and percent escapes', () => {
      const body = readBody({ body: 'imp_uid=imp_1&merchant_uid=order%20%EA%B0%80+1', headers: FORM_TYPE });

      expect(body).toEqual({ imp_uid: 'imp_1', merchant_uid: 'order 가 1' });
    });

    it('keeps the first value of a repeated key', () => {
      const body = readBody({ body: 'imp_uid=imp_first&imp_uid=imp_second', headers: FORM_TYPE });

      expect(body).toEqual({ imp_uid: 'imp_first' });
    });

    it('parses a body without a content type as a form', () => {
      expect(readBody({ body: 'imp_uid=imp_1&status=paid' })).toEqual({ imp_uid: 'imp_1', status: 'paid' });
    });
  });

  describe('content type is not sniffed from the body', () => {
    it('reads a declared form body that looks like JSON as a form', () => {
      const body = readBody({ body: '{"imp_uid":"imp_1"}', headers: FORM_TYPE });

      expect(body).toEqual({ '{"imp_uid":"imp_1"}': '' });
      expect(body).not.toHaveProperty('imp_uid');
    });

    it('refuses a declared JSON body that is a form', () => {
      expect(failure({ body: 'imp_uid=imp_1', headers: JSON_TYPE })).toMatchObject({
        status: 400,
        code: 'MALFORMED_BODY',
      });
    });
  });

  describe('base64', () => {
    it('decodes a base64 JSON body', () => {
      const body = readBody({
        body: Buffer.from('{"imp_uid":"imp_1"}').toString('base64'),
        isBase64Encoded: true,
        headers: JSON_TYPE,
      });

      expect(body).toEqual({ imp_uid: 'imp_1' });
    });

    it('decodes a base64 form body with UTF-8 text', () => {
      const body = readBody({
        body: Buffer.from('merchant_uid=주문_1').toString('base64'),
        isBase64Encoded: true,
        headers: FORM_TYPE,
      });

      expect(body).toEqual({ merchant_uid: '주문_1' });
    });
  });

  describe('size limit', () => {
    it('accepts a body of exactly the limit', () => {
      expect(readBody({ body: `a=${'x'.repeat(8)}`, headers: FORM_TYPE }, 10)).toEqual({ a: 'x'.repeat(8) });
    });

    it('answers 413 one byte over the limit', () => {
      const error = failure({ body: `a=${'x'.repeat(9)}`, headers: FORM_TYPE }, 10);

      expect(error).toMatchObject({ status: 413, code: 'BODY_TOO_LARGE', message: 'body exceeds 10 bytes' });
    });

    it('counts bytes, not characters: 4 Hangul syllables are 12 bytes', () => {
      const body = '가나다라';
      expect(body).toHaveLength(4);

      expect(failure({ body, headers: FORM_TYPE }, 10)).toMatchObject({ status: 413 });
      expect(readBody({ body: '가나다', headers: FORM_TYPE }, 9)).toEqual({ 가나다: '' });
    });

    it('counts the decoded bytes of a base64 body', () => {
      const raw = `a=${'x'.repeat(8)}`;
      const encoded = Buffer.from(raw).toString('base64');
      expect(encoded.length).toBeGreaterThan(10);

      expect(readBody({ body: encoded, isBase64Encoded: true, headers: FORM_TYPE }, 10)).toEqual({
        a: 'x'.repeat(8),
      });
      expect(
        failure(
          { body: Buffer.from(`${raw}x`).toString('base64'), isBase64Encoded: true, headers: FORM_TYPE },
          10,
        ),
      ).toMatchObject({ status: 413 });
    });

    it('defaults to 16 KiB', () => {
      expect(DEFAULT_MAX_BODY_BYTES).toBe(16_384);
      expect(failure({ body: `a=${'x'.repeat(16_383)}`, headers: FORM_TYPE })).toMatchObject({ status: 413 });
      expect(readBody({ body: `a=${'x'.repeat(16_382)}`, headers: FORM_TYPE })).toHaveProperty('a');
    });
  });

  it('answers 415 for multipart bodies', () => {
    const error = failure({
      body: '--b\r\nContent-Disposition: form-data; name="imp_uid"\r\n\r\nimp_1\r\n--b--',
      headers: { 'content-type': 'multipart/form-data; boundary=b' },
    });

    expect(error).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it.each([
    ['a missing body', { headers: JSON_TYPE }],
    ['a null body', { body: null, headers: JSON_TYPE }],
    ['a blank body', { body: '  \n', headers: FORM_TYPE }],
  ])('reads %s as an empty record', (_label, event: BodyCarrier) => {
    expect(readBody(event)).toEqual({});
  });
});
