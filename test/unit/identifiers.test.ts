import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { impUidSchema, merchantUidSchema } from '../../shared/identifiers';

describe('Schema: impUidSchema', () => {
  it.each(['imp_123456789012', 'imp_1', `imp_${'9'.repeat(40)}`, 'imp_AbC123'])('accepts %s', (value) => {
    expect(v.parse(impUidSchema, value)).toBe(value);
  });

  it.each([' imp_123456789012', 'imp_123456789012\n', '\u00a0imp_1'])('refuses, never trims, %j', (value) => {
    expect(v.safeParse(impUidSchema, value).success).toBe(false);
  });

  it.each([
    ['a path traversal', '../x'],
    ['the bare prefix', 'imp_'],
    ['a slash', 'imp_1/2'],
    ['41 characters after the prefix', `imp_${'1'.repeat(41)}`],
    ['another prefix', 'imx_123'],
    ['an uppercase prefix', 'IMP_123'],
    ['an encoded slash', 'imp_1%2F2'],
    ['an inner space', 'imp_1 2'],
    ['a non-ASCII digit', 'imp_１２３'],
    ['the empty string', ''],
  ])('rejects %s', (_label, value) => {
    expect(v.safeParse(impUidSchema, value).success).toBe(false);
  });

  it('rejects non-strings', () => {
    expect(v.safeParse(impUidSchema, 123).success).toBe(false);
    expect(v.safeParse(impUidSchema, ['imp_1']).success).toBe(false);
  });
});

describe('Schema: merchantUidSchema', () => {
  it.each(['order_1001', 'ORD-2025-10-09-0001', '주문_1', 'a', 'x'.repeat(80)])('accepts %s', (value) => {
    expect(v.parse(merchantUidSchema, value)).toBe(value);
  });

  it.each([
    ['a NUL', 'order\u00001'],
    ['a newline inside', 'order\n1'],
    ['a carriage return inside', 'order\r1'],
    ['a tab inside', 'order\t1'],
    ['an escape', 'order\u001b[31m'],
    ['a DEL', 'order\u007f'],
    ['a trailing NUL', 'order\u0000'],
    ['81 characters', 'x'.repeat(81)],
    ['the empty string', ''],
    ['only whitespace', '   '],
  ])('rejects %s', (_label, value) => {
    expect(v.safeParse(merchantUidSchema, value).success).toBe(false);
  });

  it.each([
    ['a trailing space', 'X '],
    ['a leading space', ' X'],
    ['a trailing NBSP', 'X\u00a0'],
    ['a leading BOM', '\ufeffX'],
    ['an ideographic space', 'X\u3000'],
    ['a line separator', 'X\u2028'],
    ['a zero-width space', '\u200bX'],
    ['a word joiner', 'X\u2060'],
  ])('refuses, never trims, %s', (_label, value) => {
    const result = v.safeParse(merchantUidSchema, value);
    expect(result.success).toBe(false);
  });

  it('keeps inner spaces: an id is opaque', () => {
    expect(v.parse(merchantUidSchema, 'order 1')).toBe('order 1');
  });

  it('counts characters as code points: 80 emoji fit, 81 do not', () => {
    expect(v.safeParse(merchantUidSchema, '😀'.repeat(80)).success).toBe(true);
    expect(v.safeParse(merchantUidSchema, '😀'.repeat(81)).success).toBe(false);
  });
});
