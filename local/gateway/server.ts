import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { Pool } from 'undici';
import { endToEndHeaders } from '../hopByHop';
import { type ConcurrencyGate, createConcurrencyGate, GateRefusedError, type GateStats } from './gate';
import { type GatedRoute, routeMatcher } from './routes';

/**
 * The local API's front door: what API Gateway and Lambda's concurrency are in front of the functions
 * when deployed. It forwards every request to serverless-offline unchanged (method, path, query,
 * headers, body; the answer as it comes, redirects included), through one concurrency gate per
 * function, and answers as API Gateway does when it cannot: 429 `{"message":"Too Many Requests"}` when
 * too many wait, 503 `{"message":"Service Unavailable"}` when no slot frees in time.
 */
export interface GatewayOptions {
  host: string;
  port: number;
  /** serverless-offline's HTTP origin, e.g. `http://127.0.0.1:3010`. */
  upstream: string;
  routes: readonly GatedRoute[];
  /** @default 29_000 (API Gateway's integration timeout is 30 s) */
  maxWaitMs?: number;
  /** Waiting requests per function beyond which the gateway refuses at once. @default 1_000 */
  maxQueue?: number;
}

export interface GatewayHandle {
  url: string;
  port: number;
  /** Per function: running, waiting, peaks and refusals so far. */
  stats(): Record<string, GateStats>;
  close(): Promise<void>;
}

function answer(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent || res.destroyed) return;
  const body = JSON.stringify({ message });
  res
    .writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
    .end(body);
}

export async function startGateway(options: GatewayOptions): Promise<GatewayHandle> {
  const match = routeMatcher(options.routes);
  const gates = new Map<string, ConcurrencyGate>();
  for (const route of options.routes) {
    if (gates.has(route.functionName)) continue;
    gates.set(
      route.functionName,
      createConcurrencyGate({
        limit: route.limit,
        maxWaitMs: options.maxWaitMs ?? 29_000,
        maxQueue: options.maxQueue ?? 1_000,
      }),
    );
  }
  const connections = options.routes.reduce((total, route) => total + route.limit, 0) + 8;
  const pool = new Pool(options.upstream, {
    connections,
    headersTimeout: 60_000,
    bodyTimeout: 60_000,
  });

  async function forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // The client left while waiting for a slot: nothing to invoke for.
    if (res.destroyed) return;
    const method = req.method ?? 'GET';
    const upstream = await pool.request({
      method: method as 'GET',
      path: req.url ?? '/',
      headers: endToEndHeaders(req.headers),
      body: method === 'GET' || method === 'HEAD' ? null : req,
    });
    res.writeHead(upstream.statusCode, endToEndHeaders(upstream.headers));
    await pipeline(upstream.body, res);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const pathname = new URL(req.url ?? '/', 'http://gateway.invalid').pathname;
    const route = match(req.method ?? 'GET', pathname);
    const gate = route === undefined ? undefined : gates.get(route.functionName);
    try {
      // Routes serverless.yml does not declare go straight through: serverless-offline answers them (404).
      await (gate === undefined ? forward(req, res) : gate.run(() => forward(req, res)));
    } catch (error) {
      if (error instanceof GateRefusedError) {
        // Drain what the client sent, so the connection can be reused for its next request.
        req.resume();
        if (error.reason === 'queue_full') answer(res, 429, 'Too Many Requests');
        else answer(res, 503, 'Service Unavailable');
        return;
      }
      if (!res.headersSent) answer(res, 502, 'Bad Gateway');
      else res.destroy();
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  // Keep idle client connections as long as API Gateway keeps them, longer than a load test's pauses.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  return {
    url: `http://${options.host}:${port}`,
    port,
    stats: () => Object.fromEntries([...gates].map(([name, gate]) => [name, gate.stats()])),
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await pool.close();
    },
  };
}
