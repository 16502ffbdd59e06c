import { describe, expect, it } from 'vitest';
import { readQuery } from '../../../shared/http/readQuery';

describe('Function: readQuery', () => {
  it('keeps a raw + as +, and decodes %20 and %2B', () => {
    expect(readQuery('merchant_uid=A+B&imp_uid=imp_1')).toEqual({ merchant_uid: 'A+B', imp_uid: 'imp_1' });
    expect(readQuery('merchant_uid=A%20B%2BC')).toEqual({ merchant_uid: 'A B+C' });
  });

  it('keeps the first of a repeated key, and reads a key without a value as empty', () => {
    expect(readQuery('a=1&a=2&b')).toEqual({ a: '1', b: '' });
  });

  it('reads nothing from an empty or absent query', () => {
    expect(readQuery('')).toEqual({});
    expect(readQuery(undefined)).toEqual({});
  });

  it('refuses a query that is not valid percent-encoding', () => {
    expect(readQuery('merchant_uid=%E0%A4%A')).toBeUndefined();
    expect(readQuery('%zz=1')).toBeUndefined();
  });

  it('does not let a key named __proto__ reach the prototype', () => {
    const query = readQuery('__proto__=x&a=1');
    expect(Object.getPrototypeOf(query)).toBe(Object.prototype);
    expect(query?.a).toBe('1');
  });
});
