import type { z } from 'zod';
import { HttpError } from './errors';

/** Validates untrusted input; the message names the fields, never echoes their values. */
export function validate<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || 'body'))];
  throw new HttpError(400, 'INVALID_INPUT', `invalid or missing: ${fields.join(', ')}`);
}
