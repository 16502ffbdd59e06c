import type { $ZodError } from 'zod/v4/core';

/**
 * Reads an answer body as JSON, or says it is not. The `SyntaxError` is dropped on purpose: V8 quotes a
 * slice of the input in its message, and that slice can be a token or an echoed header.
 */
export function parseJsonQuietly(text: string): { json: unknown } | undefined {
  try {
    return { json: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

/** The fields a validation failed at (`amount.total, status`), never their values: they may be secret. */
export function failedFields(error: $ZodError): string {
  const fields = error.issues.map(({ path }) => (path.length === 0 ? '(root)' : path.join('.')));
  return [...new Set(fields)].join(', ');
}
