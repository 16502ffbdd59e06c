import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { HttpError } from '../../../shared/http/errors';
import { validate } from '../../../shared/http/validate';
import { impUidSchema, merchantUidSchema } from '../../../shared/identifiers';

const schema = v.object({ imp_uid: impUidSchema, merchant_uid: v.optional(merchantUidSchema) });

function failure(input: unknown): HttpError {
  try {
    validate(schema, input);
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error('validate did not throw');
}

describe('Function: validate', () => {
  it('returns the parsed value, without unknown fields', () => {
    const value = validate(schema, {
      imp_uid: 'imp_1',
      merchant_uid: 'order_1',
      buyer_tel: '010-1234-5678',
    });

    expect(value).toEqual({ imp_uid: 'imp_1', merchant_uid: 'order_1' });
  });

  it('answers 400 INVALID_INPUT naming every invalid field once', () => {
    const error = failure({ imp_uid: '../etc/passwd', merchant_uid: `evil\u0000${'x'.repeat(100)}` });

    expect(error).toMatchObject({
      status: 400,
      code: 'INVALID_INPUT',
      message: 'invalid or missing: imp_uid, merchant_uid',
    });
  });

  it('names a missing field', () => {
    expect(failure({}).message).toBe('invalid or missing: imp_uid');
  });

  it('never echoes the values it refused', () => {
    const secretish = 'imp_<script>alert("card 4111-1111-1111-1111")</script>';

    const error = failure({ imp_uid: secretish, merchant_uid: 'order\n4111111111111111' });

    expect(error.message).not.toContain('script');
    expect(error.message).not.toContain('4111');
    expect(JSON.stringify(error)).not.toContain('4111');
  });

  it('names the body when the input is not an object at all', () => {
    expect(failure('imp_1').message).toBe('invalid or missing: body');
    expect(failure(null).message).toBe('invalid or missing: body');
  });

  it('joins nested paths with dots', () => {
    const nested = v.object({ vbank: v.object({ num: v.string() }) });

    expect(() => validate(nested, { vbank: { num: 1 } })).toThrow('invalid or missing: vbank.num');
  });
});
