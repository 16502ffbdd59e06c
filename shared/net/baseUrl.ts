/** A base URL split the way undici takes it: `origin` for the pool, `basePath` prefixed to every path. */
export interface SplitBaseUrl {
  /** Scheme, host and port: `https://api.portone.io`. */
  origin: string;
  /** The path prefix without a trailing slash; usually ''. */
  basePath: string;
}

/**
 * Checks and splits a client's configured base URL, or returns why it cannot be one. A query, fragment
 * or credentials are refused rather than dropped: they would be silently lost on every call. The
 * problem names the option, never its value.
 */
export function splitBaseUrl(baseUrl: string | URL): SplitBaseUrl | { problem: string } {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return { problem: 'baseUrl must be an absolute URL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return { problem: 'baseUrl must be an http(s) URL' };
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    return { problem: 'baseUrl must not carry a query, a fragment or credentials' };
  }
  return { origin: url.origin, basePath: url.pathname.replace(/\/+$/, '') };
}
