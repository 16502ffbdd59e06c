import * as v from 'valibot';
import { maxChars } from './validation';

/**
 * Identifier shapes accepted from the outside. Iamport issues `imp_` + digits; merchants choose
 * merchant_uids (Iamport's prepare caps them at 40, we allow a little more for older orders) and we
 * refuse control characters so nothing odd reaches logs or URLs.
 *
 * Ids are opaque: never trimmed or rewritten. `"X "` is another order than `"X"` at Iamport, so
 * storing one and preparing the other would leave a payment for `"X "` unguarded and unrefunded;
 * an id with whitespace at either end is refused instead (400 naming the field).
 */
export const impUidSchema = v.pipe(v.string(), v.regex(/^imp_[0-9A-Za-z]{1,40}$/, 'not an Iamport imp_uid'));
export const merchantUidSchema = v.pipe(
  v.string(),
  v.minLength(1),
  maxChars(80),
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  v.regex(/^[^\u0000-\u001f\u007f-\u009f\u2028\u2029]+$/, 'merchant_uid has control characters'),
  // \s covers Unicode spaces (NBSP, U+3000, U+FEFF, …); zero-width ones are just as invisible.
  v.check(
    (value) => !/^[\s\u200b-\u200d\u2060]|[\s\u200b-\u200d\u2060]$/u.test(value),
    'merchant_uid has whitespace at its start or end',
  ),
  // A path segment of `.` or `..` means "here" or "up" to every URL normaliser on the way to Iamport,
  // and a lone surrogate cannot be encoded into a URL at all.
  v.check((value) => value !== '.' && value !== '..', 'merchant_uid cannot be . or ..'),
  v.check((value) => value.isWellFormed(), 'merchant_uid is not well-formed Unicode'),
);
