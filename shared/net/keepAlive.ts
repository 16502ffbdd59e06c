import type { Pool } from 'undici';

/**
 * Connection settings for a client's own keep-alive pool, so a warm Lambda reuses its TLS connection.
 * Idle sockets close after 10 s (server hints up to 60 s, under common load-balancer idle timeouts) so a
 * reused socket is rarely one the server already dropped; at most 10 sockets, the rest queue within their
 * own deadline. undici's per-phase timeouts are set to the call's deadline as a backstop only: the caller
 * still needs one deadline per call, since these restart per phase and per chunk.
 */
export function keepAlivePoolOptions(timeoutMs: number): Pool.Options {
  return {
    connections: 10,
    keepAliveTimeout: 10_000,
    keepAliveMaxTimeout: 60_000,
    connect: { timeout: timeoutMs },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  };
}
