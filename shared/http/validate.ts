import * as v from 'valibot';
import { failedPaths } from '../validation';
import { HttpError } from './errors';

/** Validates untrusted input; the message names the fields, never echoes their values. */
export function validate<T extends v.GenericSchema>(schema: T, input: unknown): v.InferOutput<T> {
  const parsed = v.safeParse(schema, input);
  if (parsed.success) return parsed.output;
  throw new HttpError(
    400,
    'INVALID_INPUT',
    `invalid or missing: ${failedPaths(parsed.issues, 'body').join(', ')}`,
  );
}
