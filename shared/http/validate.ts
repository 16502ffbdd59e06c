import { safeParse } from 'zod/mini';
import type { $ZodType, output } from 'zod/v4/core';
import { HttpError } from './errors';

/** Validates untrusted input; the message names the fields, never echoes their values. */
export function validate<T extends $ZodType>(schema: T, input: unknown): output<T> {
  const parsed = safeParse(schema, input);
  if (parsed.success) return parsed.data;
  const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || 'body'))];
  throw new HttpError(400, 'INVALID_INPUT', `invalid or missing: ${fields.join(', ')}`);
}
