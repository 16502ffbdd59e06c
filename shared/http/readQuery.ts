/** What the query carries; `undefined` for a query that is not valid percent-encoding. */
export type Query = Record<string, string>;

/**
 * The query string as RFC 3986 reads it, from the raw string the HTTP API passes on: `%XX` decoded,
 * `+` kept as `+`, the first of a repeated key kept. `queryStringParameters` is not used because what
 * it makes of `+` (a space, the HTML-form rule) and of repeated keys (joined with commas) would rewrite
 * an id; a payment window that appends an id with a raw `+` must find that very id.
 * Returns `undefined` when a part is not valid percent-encoding (nothing can be read from it safely).
 */
export function readQuery(rawQueryString: string | undefined): Query | undefined {
  const query: Query = {};
  for (const part of (rawQueryString ?? '').split('&')) {
    if (part === '') continue;
    const equals = part.indexOf('=');
    const key = decode(equals < 0 ? part : part.slice(0, equals));
    const value = decode(equals < 0 ? '' : part.slice(equals + 1));
    if (key === undefined || value === undefined) return undefined;
    if (!Object.hasOwn(query, key)) query[key] = value;
  }
  return query;
}

function decode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
