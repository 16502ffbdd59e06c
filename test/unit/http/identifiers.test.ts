import { describe, expect, it } from 'vitest';
import { impUidSchema, merchantUidSchema } from '../../../shared/http/identifiers';

describe('Schema: impUidSchema', () => {
  it.each(['imp_123456789012', 'imp_1', `imp_${'9'.repeat(40)}`, 'imp_AbC123'])('accepts %s', (value) => {
    expect(impUidSchema.parse(value)).toBe(value);
  });

  it('trims surrounding whitespace', () => {
    expect(impUidSchema.parse('  imp_123456789012\n')).toBe('imp_123456789012');
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
    expect(impUidSchema.safeParse(value).success).toBe(false);
  });

  it('rejects non-strings', () => {
    expect(impUidSchema.safeParse(123).success).toBe(false);
    expect(impUidSchema.safeParse(['imp_1']).success).toBe(false);
  });
});

describe('Schema: merchantUidSchema', () => {
  it.each(['order_1001', 'ORD-2025-10-09-0001', '주문_1', 'a', 'x'.repeat(80)])('accepts %s', (value) => {
    expect(merchantUidSchema.parse(value)).toBe(value);
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
    expect(merchantUidSchema.safeParse(value).success).toBe(false);
  });

  it('trims surrounding whitespace before checking the length', () => {
    expect(merchantUidSchema.parse(` ${'x'.repeat(80)} `)).toBe('x'.repeat(80));
  });
});
