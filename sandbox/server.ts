import { setMaxListeners } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { answerApiCall, type IncomingCall, logApiCall, runRoute, toReply, unknownRoute } from './apiCall';
import { readBody } from './body';
import { fail, messages, type Reply } from './envelope';
import type { Router } from './router';
import type { SandboxState } from './state';

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

/** Writes `reply` unless the connection is gone or already answered; the V2 listener answers with it too. */
export function send(res: ServerResponse, reply: Reply): void {
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

  function control(call: IncomingCall): Reply | Promise<Reply> {
    const match = routers.control.match(call.method, call.url.pathname);
    return match ? runRoute(match, call) : unknownRoute(call.method, call.url.pathname);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = state.clock.now();
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    const cdn = routers.cdn?.match(method, url.pathname) ?? null;
    const isControl =
      cdn !== null || url.pathname === controlPrefix || url.pathname.startsWith(`${controlPrefix}/`);
    let reply: Reply | null;
    try {
      const raw = await readBody(req);
      const call: IncomingCall | null = raw.ok
        ? { method, url, headers: req.headers, bytes: raw.bytes }
        : null;
      if (call === null) reply = fail(413, -1, messages.bodyTooLarge);
      else if (cdn) reply = await runRoute(cdn, call);
      else if (isControl) reply = await control(call);
      else reply = await answerApiCall(state, routers.api, call, (ms) => hold(ms, res, closing.signal));
    } catch (error) {
      // The client aborted its upload: there is nobody left to answer.
      if (req.destroyed && !req.complete) return;
      reply = toReply(error);
    }
    if (!isControl) logApiCall(state, { method, url }, reply, receivedAt);
    if (reply?.lost) res.destroy();
    else if (reply) send(res, reply);
  }

  return serve(handle, toReply, closing);
}

/**
 * An HTTP server that runs `handle` for each request (answering `fallback(error)` if it throws), and
 * whose shutdown aborts `closing` (releasing calls held by a delay fault) and drops open connections.
 * The V1 and the V2 listeners are both one of these.
 */
export function serve(
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  fallback: (error: unknown) => Reply,
  closing: AbortController,
): SandboxServer {
  // Every call held by a delay fault waits on this one signal (and lets go when its wait ends): under
  // load, many more than Node's default of 10 at once, which is no leak.
  setMaxListeners(Number.POSITIVE_INFINITY, closing.signal);
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, fallback(error)));
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
