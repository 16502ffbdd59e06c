import { PortOneInvalidRequestError } from './errors';

/**
 * Why `value` cannot be sent as an id (`paymentId`, `storeId`), or undefined when it can.
 *
 * Ids are opaque: never trimmed or rewritten, only refused. `"X "` and `"X"` are two payments at
 * PortOne, so whitespace at either end is refused rather than silently asking about the other one;
 * control characters would reach our logs; `.` and `..` are dot segments that every URL normaliser on
 * the way would resolve (climbing the path), and a lone surrogate cannot be percent-encoded at all.
 */
function idProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return 'must be a non-empty string';
  // \s covers Unicode spaces (NBSP, U+3000, U+FEFF, …); zero-width ones are just as invisible.
  if (/^[\s\u200b-\u200d\u2060]|[\s\u200b-\u200d\u2060]$/u.test(value)) {
    return 'must not start or end with whitespace';
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u.test(value)) return 'must not contain control characters';
  if (value === '.' || value === '..') return 'must not be a dot segment';
  if (!value.isWellFormed()) return 'must be well-formed Unicode';
  return undefined;
}

/** Refuses an id that breaks the rules of {@link idProblem}, naming the field, not the value. @internal */
export function requireId(value: string, name: string): void {
  const problem = idProblem(value);
  if (problem !== undefined) throw new PortOneInvalidRequestError(`${name} ${problem}`);
}

/**
 * One caller-supplied id as exactly one path segment: `encodeURIComponent` escapes `/`, `?`, `#` and
 * `%`, so `a/b` or `../x` stays inside its segment (`a%2Fb`, `..%2Fx`).
 * @internal
 */
export function idSegment(value: string, name: string): string {
  requireId(value, name);
  return encodeURIComponent(value);
}
