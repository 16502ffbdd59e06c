const timeoutCodes = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/**
 * A readable reason for an undici failure that names no host, header or body (they may carry a token
 * or a secret): the undici error itself belongs in `cause`, which is not logged by default.
 */
export function describeTransportFailure(error: unknown, timeoutMs: number): string {
  const name = error instanceof Error ? error.name : '';
  const code = error instanceof Error && 'code' in error ? String(error.code) : '';
  return name === 'TimeoutError' || timeoutCodes.has(code)
    ? `no complete answer within ${timeoutMs} ms`
    : `connection failed${code === '' ? '' : ` (${code})`}`;
}
