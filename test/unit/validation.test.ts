import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import {
  count,
  envNumber,
  failedPaths,
  finiteNumber,
  httpUrl,
  int,
  issueLines,
  maxChars,
  openString,
  timestamp,
  valueFreeMessages,
} from '../../shared/validation';

const accepts = (schema: v.GenericSchema, value: unknown) => v.safeParse(schema, value).success;

describe('shared/validation', () => {
  describe('numbers', () => {
    it('finiteNumber refuses what JSON and DynamoDB cannot carry', () => {
      expect(accepts(finiteNumber, 1.5)).toBe(true);
      for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, '1'])
        expect(accepts(finiteNumber, value)).toBe(false);
    });

    it('int takes exact integers only, count non-negative ones', () => {
      expect(accepts(int, -3)).toBe(true);
      expect(accepts(int, 2 ** 53)).toBe(false);
      expect(accepts(int, 1.5)).toBe(false);
      expect(accepts(count, 0)).toBe(true);
      expect(accepts(count, -1)).toBe(false);
    });
  });

  describe('timestamp', () => {
    it('utc takes what toISOString writes and nothing with an offset', () => {
      const utc = timestamp('utc');
      expect(accepts(utc, new Date(1_700_000_000_123).toISOString())).toBe(true);
      expect(accepts(utc, '2024-05-01T12:00:00Z')).toBe(true);
      expect(accepts(utc, '2024-05-01T21:00:00+09:00')).toBe(false);
    });

    it('any-offset takes PortOne’s forms: Z, an offset, fractions of any length', () => {
      const any = timestamp('any-offset');
      for (const value of [
        '2024-05-01T12:00:00Z',
        '2024-05-01T21:00:00+09:00',
        '2024-05-01T12:00:00.123456Z',
      ])
        expect(accepts(any, value), value).toBe(true);
    });

    it('refuses what is not RFC 3339, and dates that do not exist', () => {
      const any = timestamp('any-offset');
      for (const value of [
        '2024-05-01 12:00:00Z',
        '2024-05-01T12:00Z',
        '2024-05-01T21:00:00+0900',
        '2024-05-01',
        '2024-02-30T00:00:00Z',
        '2023-02-29T00:00:00Z',
        '2024-13-01T00:00:00Z',
      ])
        expect(accepts(any, value), value).toBe(false);
      expect(accepts(any, '2024-02-29T00:00:00Z')).toBe(true);
    });
  });

  it('httpUrl takes absolute http(s) URLs only, without the whitespace around them', () => {
    expect(accepts(httpUrl, 'https://api.iamport.kr')).toBe(true);
    expect(accepts(httpUrl, 'http://127.0.0.1:8080/x')).toBe(true);
    expect(v.parse(httpUrl, ' https://api.portone.io\n')).toBe('https://api.portone.io');
    for (const value of [
      'ftp://example.org',
      'javascript:alert(1)',
      '/relative',
      'not a url',
      '',
      'https:/x.com',
      'http:host',
    ])
      expect(accepts(httpUrl, value), value).toBe(false);
  });

  it('maxChars counts code points, not UTF-16 units', () => {
    const three = v.pipe(v.string(), maxChars(3));
    expect(accepts(three, '😀😀😀')).toBe(true);
    expect(accepts(three, '😀😀😀😀')).toBe(false);
    expect(accepts(three, 'abc')).toBe(true);
    expect(accepts(three, 'abcd')).toBe(false);
  });

  describe('envNumber', () => {
    const schema = v.object({ N: envNumber(30, { integer: true, min: 1, max: 100 }) });

    it('reads the text as a number, the fallback when unset', () => {
      expect(v.parse(schema, { N: '42' })).toEqual({ N: 42 });
      expect(v.parse(schema, {})).toEqual({ N: 30 });
    });

    it('refuses text that is no number in range, saying what it expected and not what it got', () => {
      for (const text of ['', 'abc', '1.5', '0', '101']) {
        const parsed = v.safeParse(schema, { N: text }, valueFreeMessages);
        expect(parsed.success, text).toBe(false);
        if (!parsed.success) {
          expect(issueLines(parsed.issues)).toEqual(['N: expected an integer of at least 1 of at most 100']);
        }
      }
    });

    it('refuses blank text even where 0 is allowed: Number("") is 0, a blank setting is a mistake', () => {
      const overlap = v.object({ M: envNumber(60, { min: 0 }) });
      for (const text of ['', ' ', '\t']) expect(v.safeParse(overlap, { M: text }).success, text).toBe(false);
      expect(v.parse(overlap, { M: '0' })).toEqual({ M: 0 });
    });

    it('an exclusive bound refuses the bound itself', () => {
      const above = v.object({ H: envNumber(24, { above: 0 }) });
      expect(v.safeParse(above, { H: '0' }).success).toBe(false);
      expect(v.parse(above, { H: '0.5' })).toEqual({ H: 0.5 });
    });
  });

  it('valueFreeMessages never repeat the refused value', () => {
    const schema = v.object({ MODE: v.picklist(['a', 'b']), NAME: v.string() });
    const parsed = v.safeParse(schema, { MODE: 'sk_live_secret' }, valueFreeMessages);
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    const lines = issueLines(parsed.issues);
    expect(lines).toEqual(['MODE: expected ("a" | "b")', 'NAME: missing']);
    expect(lines.join()).not.toContain('sk_live');
  });

  it('failedPaths names nested fields dotted, each once, and the value itself as the root', () => {
    const schema = v.object({ amount: v.object({ total: count }), items: v.array(v.string()) });
    const parsed = v.safeParse(schema, { amount: { total: -1 }, items: ['a', 1, 2] });
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(failedPaths(parsed.issues)).toEqual(['amount.total', 'items.1', 'items.2']);
    const root = v.safeParse(schema, 'text');
    if (!root.success) expect(failedPaths(root.issues, 'body')).toEqual(['body']);
  });

  it('openString keeps a value the known list does not have', () => {
    type Status = 'PAID' | (string & {});
    expect(v.parse(openString<Status>(), 'SOMETHING_NEW')).toBe('SOMETHING_NEW');
    expect(accepts(openString<Status>(), '')).toBe(false);
  });
});
