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
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'merchant_uid has control characters');
