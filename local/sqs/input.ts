import type { z } from 'zod';
import { errors } from './errors';

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let value = raw;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = Reflect.get(value, key);
  }
  return value;
}

/**
 * Request bodies are untrusted JSON: the schema checks shape and types only, and its first issue
 * becomes the SQS error a real queue would give (a missing member is MissingParameter, anything else
 * InvalidParameterValue). Ranges are checked by the operations so the messages match SQS's wording.
 */
export function parseInput<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path ?? [];
  const name = path.map(String).join('.') || 'request body';
  if (path.length > 0 && valueAt(raw, path) === undefined) throw errors.missingParameter(name);
  throw errors.invalidParameterValue(
    `Value for parameter ${name} is invalid. Reason: ${issue?.message ?? ''}`,
  );
}

export function checkRange(
  name: string,
  value: number | undefined,
  min: number,
  max: number,
  reason = `${name} must be >= ${min} and <= ${max}.`,
): void {
  if (value !== undefined && (value < min || value > max)) throw errors.outOfRange(name, value, reason);
}
