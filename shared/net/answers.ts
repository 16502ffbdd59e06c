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
