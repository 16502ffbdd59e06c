import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeBody, readBody } from './body';
import { fail, messages, type Reply, SandboxError } from './envelope';
import { parseParams } from './params';
import type { RouteMatch, Router } from './router';
import type { SandboxState } from './state';
import { tokenFromHeaders } from './tokens';

export interface SandboxRouters {
  /** The api.iamport.kr look-alike: logged, subject to faults, token-protected. */
  api: Router;
  /** `/__sandbox/...`: never logged, never faulted, no token. */
  control: Router;
  /** The cdn.iamport.kr look-alike (the JS SDK): not part of the API, so never logged or faulted. */
  cdn?: Router;
}

export interface SandboxServer {
  server: Server;
  /** Releases calls held by a delay fault and drops open connections. */
  shutdown(): Promise<void>;
}

const controlPrefix = '/__sandbox';

function send(res: ServerResponse, reply: Reply): void {
  if (res.destroyed || res.headersSent) return;
  if (reply.contentType !== undefined && (typeof reply.body === 'string' || Buffer.isBuffer(reply.body))) {
    res
      .writeHead(reply.status, {
        'content-type': reply.contentType,
        'content-length': Buffer.byteLength(reply.body),
        // The window and the SDK change with the sandbox; a stale cached copy would only confuse.
        'cache-control': 'no-cache',
      })
      .end(reply.body);
    return;
  }
  const json = JSON.stringify(reply.body ?? null);
  res
    .writeHead(reply.status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(json),
    })
    .end(json);
}

function toReply(error: unknown): Reply {
  if (error instanceof SandboxError) return fail(error.status, error.code, error.message);
  console.error('[iamport-sandbox] unexpected error', error);
  return fail(500, -1, 'sandbox internal error');
}

const notFound = (method: string, path: string): Reply =>
  fail(404, -1, `지원하지 않는 API입니다: ${method} ${path}`);

/** Waits `ms`; false when the client hung up or the sandbox is closing meanwhile. */
async function hold(ms: number, res: ServerResponse, closing: AbortSignal): Promise<boolean> {
  const gone = new AbortController();
  const onClose = (): void => gone.abort();
  res.once('close', onClose);
  try {
    await sleep(ms, undefined, { signal: AbortSignal.any([gone.signal, closing]) });
    return true;
  } catch {
    return false;
  } finally {
    res.off('close', onClose);
  }
}

export function createSandboxServer(state: SandboxState, routers: SandboxRouters): SandboxServer {
  const closing = new AbortController();

  async function run(match: RouteMatch, req: IncomingMessage, url: URL, bytes: Buffer): Promise<Reply> {
    return match.route.handler({
      method: match.route.method,
      path: url.pathname,
      params: match.params,
      query: parseParams(url.searchParams),
      body: decodeBody(bytes, req.headers['content-type']),
      headers: req.headers,
    });
  }

  async function control(req: IncomingMessage, url: URL, bytes: Buffer): Promise<Reply> {
    const method = req.method ?? 'GET';
    const match = routers.control.match(method, url.pathname);
    return match ? run(match, req, url, bytes) : notFound(method, url.pathname);
  }

  /** Returns null when the call was dropped (client gone during a delay fault): nothing to answer. */
  async function api(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    bytes: Buffer,
  ): Promise<Reply | null> {
    const method = req.method ?? 'GET';
    // The fault is drawn before routing so that a failing call can never change state.
    const fault = state.faults.draw();
    if (fault && fault.delayMs > 0 && !(await hold(fault.delayMs, res, closing.signal))) return null;
    if (fault && fault.status !== null) {
      return fail(fault.status, -1, `${STATUS_CODES[fault.status] ?? 'Error'} (sandbox fault)`);
    }
    const match = routers.api.match(method, url.pathname);
    if (!match) return notFound(method, url.pathname);
    if (!match.route.public) {
      const token = tokenFromHeaders(req.headers);
      if (token === null || !state.tokens.isValid(token, state.clock.nowSeconds())) {
        return fail(401, -1, state.unauthorizedMessage);
      }
    }
    return run(match, req, url, bytes);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = state.clock.now();
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    const cdn = routers.cdn?.match(req.method ?? 'GET', url.pathname) ?? null;
    const isControl =
      cdn !== null || url.pathname === controlPrefix || url.pathname.startsWith(`${controlPrefix}/`);
    let reply: Reply | null;
    try {
      const raw = await readBody(req);
      if (!raw.ok) reply = fail(413, -1, messages.bodyTooLarge);
      else if (cdn) reply = await run(cdn, req, url, raw.bytes);
      else reply = isControl ? await control(req, url, raw.bytes) : await api(req, res, url, raw.bytes);
    } catch (error) {
      // The client aborted its upload: there is nobody left to answer.
      if (req.destroyed && !req.complete) return;
      reply = toReply(error);
    }
    if (!isControl) {
      state.requests.push({
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.search.slice(1),
        // 499 (nginx's "client closed request") marks a call dropped while a delay fault held it.
        status: reply?.status ?? 499,
        at: receivedAt,
      });
    }
    if (reply) send(res, reply);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, toReply(error)));
  });

  return {
    server,
    async shutdown() {
      closing.abort();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
