import { z } from 'zod';

/**
 * Identifier shapes accepted from the outside. Iamport issues `imp_` + digits; merchants choose
 * merchant_uids (Iamport's prepare caps them at 40, we allow a little more for older orders) and we
 * refuse control characters so nothing odd reaches logs or URLs.
 */
export const impUidSchema = z
  .string()
  .trim()
  .regex(/^imp_[0-9A-Za-z]{1,40}$/, 'not an Iamport imp_uid');
export const merchantUidSchema = z
  .string()
  .trim()
  .min(1)
  .max(80)
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  .regex(/^[^\u0000-\u001f\u007f-\u009f\u2028\u2029]+$/, 'merchant_uid has control characters')
  // A path segment of `.` or `..` means "here" or "up" to every URL normaliser on the way to Iamport,
  // and a lone surrogate cannot be encoded into a URL at all.
  .refine((value) => value !== '.' && value !== '..', 'merchant_uid cannot be . or ..')
  .refine((value) => value.isWellFormed(), 'merchant_uid is not well-formed Unicode');
