import * as v from 'valibot';

/**
 * The validator of everything deployed is valibot: its schemas are plain objects, so building them at
 * import costs next to nothing, where zod's construction was most of our functions' own module init
 * (docs/decisions.md, "Cold start"). The shapes every boundary shares live here once.
 */

/** Any schema whose output is `T`; what a boundary that validates for its caller accepts. */
export type Schema<T> = v.GenericSchema<unknown, T>;

/** A number JSON or DynamoDB can carry: never NaN nor ±Infinity. */
export const finiteNumber = v.pipe(v.number(), v.finite());
/** An integer that a double holds exactly. */
export const int = v.pipe(v.number(), v.safeInteger());
/** A non-negative integer: counts, unix seconds, KRW amounts. */
export const count = v.pipe(int, v.minValue(0));
export const nonNegative = v.pipe(finiteNumber, v.minValue(0));
export const nonEmpty = v.pipe(v.string(), v.minLength(1));

/** A non-empty string typed as an open union (`Known | (string & {})`): a value added later still parses. */
export function openString<T extends string>() {
  return v.pipe(
    nonEmpty,
    v.transform((value): T => value as T),
  );
}

const RFC_3339 =
  /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;
const RFC_3339_UTC =
  /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?Z$/;

/**
 * An RFC 3339 date-time, as PortOne V2 writes them (any offset) or as `toISOString` does (`utc`:
 * `Z` only). Stricter than valibot's `isoTimestamp`, which also takes a space for `T` and offsets
 * without minutes.
 */
export function timestamp(zone: 'utc' | 'any-offset') {
  const pattern = zone === 'utc' ? RFC_3339_UTC : RFC_3339;
  return v.pipe(
    v.string(),
    v.check((value) => pattern.test(value) && isCalendarDate(value), 'not an RFC 3339 date-time'),
  );
}

/** `Date.parse` rolls 2024-02-30 over into March; a date that does not exist is refused instead. */
function isCalendarDate(value: string): boolean {
  const [year = 0, month = 0, day = 0] = value.slice(0, 10).split('-').map(Number);
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * At most `max` characters counted as code points, an emoji being one: valibot's `maxLength` counts
 * UTF-16 units (an emoji is two), zod counted code points, and so does a `VARCHAR(40)` behind
 * Iamport's 40-character merchant_uid.
 */
export function maxChars(max: number) {
  return v.check(
    (value: string) => value.length <= max || [...value].length <= max,
    `at most ${max} characters`,
  );
}

/** An absolute `http://` or `https://` URL, surrounding whitespace dropped (a pasted newline, say). */
export const httpUrl = v.pipe(
  v.string(),
  v.trim(),
  v.check((value) => /^https?:\/\//i.test(value) && URL.canParse(value), 'not an http(s) URL'),
);

/**
 * The fields a failed parse names (`amount.total`), each once, in order; `root` stands for the value
 * itself. Never the values: they may be secret, and valibot's own messages quote them.
 */
export function failedPaths(issues: readonly v.BaseIssue<unknown>[], root = '(root)'): string[] {
  return [...new Set(issues.map((issue) => v.getDotPath(issue) ?? root))];
}

/**
 * Parse options whose messages say what was expected and nothing more: valibot's defaults quote the
 * refused value (`… but received "yes"`), and a configuration value can be a secret. A message set on
 * a schema still wins.
 */
export const valueFreeMessages: v.Config<v.BaseIssue<unknown>> = {
  message: (issue) =>
    issue.input === undefined
      ? 'missing'
      : issue.expected === null
        ? `invalid ${issue.type}`
        : `expected ${issue.expected}`,
};

/** Each issue as `path: message`, for errors that name every problem at once (configuration). */
export function issueLines(issues: readonly v.BaseIssue<unknown>[]): string[] {
  return issues.map((issue) => `${v.getDotPath(issue) ?? '(root)'}: ${issue.message}`);
}

export interface NumberRange {
  integer?: boolean;
  /** Exclusive lower bound. */
  above?: number;
  min?: number;
  max?: number;
}

/** An environment variable read as a number (`Number` of its text), `fallback` when unset. */
export function envNumber(fallback: number, range: NumberRange) {
  const { integer = false, above, min, max } = range;
  const expected = [
    integer ? 'an integer' : 'a number',
    above === undefined ? '' : ` above ${above}`,
    min === undefined ? '' : ` of at least ${min}`,
    max === undefined ? '' : ` of at most ${max}`,
  ].join('');
  const inRange = (value: number) =>
    Number.isFinite(value) &&
    (!integer || Number.isSafeInteger(value)) &&
    (above === undefined || value > above) &&
    (min === undefined || value >= min) &&
    (max === undefined || value <= max);
  return v.optional(
    // A blank value is a mistake, not 0 (which `Number('')` would make it).
    v.pipe(
      v.string(),
      v.check((text) => text.trim() !== '', `expected ${expected}`),
      v.transform(Number),
      v.check(inRange, `expected ${expected}`),
    ),
    String(fallback),
  );
}
