import { z } from 'zod';
import { SandboxError } from './envelope';

/**
 * Zod helpers for everything that crosses the sandbox's HTTP boundary. Form bodies and query strings
 * carry only strings while JSON clients send real numbers and booleans, so the primitives accept both.
 * An empty string counts as "not given", which is what a form field left blank means.
 */
function toNumber(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isNaN(n) ? value : n;
}

function toBoolean(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (v === '') return undefined;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  return value;
}

function toText(value: unknown): unknown {
  return value === '' ? undefined : value;
}

export const numberParam = <S extends z.ZodType>(schema: S) => z.preprocess(toNumber, schema);
export const booleanParam = <S extends z.ZodType>(schema: S) => z.preprocess(toBoolean, schema);
export const textParam = <S extends z.ZodType>(schema: S) => z.preprocess(toText, schema);

export const currencyCode = z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 code such as KRW or USD');
export const httpUrl = z.url({ protocol: /^https?$/ });

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || typeof key === 'symbol') return undefined;
    current = Reflect.get(current, key);
  }
  return current;
}

function describe(issue: z.core.$ZodIssue, input: unknown): string {
  const field = issue.path.map(String).join('.') || 'body';
  if (issue.code === 'unrecognized_keys') return `알 수 없는 파라미터: ${issue.keys.join(', ')}`;
  const value = valueAt(input, issue.path);
  if (issue.path.length > 0 && (value === undefined || value === '')) return `파라미터 누락: ${field}`;
  return `파라미터 오류: ${field} (${issue.message})`;
}

/** Parses or throws an Iamport-shaped 400 naming the first bad field, in Iamport's own phrasing. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const first = result.error.issues[0];
  throw new SandboxError(400, -1, first ? describe(first, input) : '파라미터 오류');
}
