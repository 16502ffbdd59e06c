import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { logApiCall } from '../apiCall';
import { readBody } from '../body';
import type { Reply } from '../envelope';
import type { Router } from '../router';
import { type SandboxServer, send, serve } from '../server';
import type { SandboxState } from '../state';
import { answerV2Call } from './api';
import { toV2Reply, v2Fail, v2Messages } from './errors';

/**
 * The api.portone.io look-alike: its own listening socket, because a V2 client's base URL is an origin
 * (`@portone/server-sdk` resolves `/payments/…` against it, dropping any path), so V2 cannot live under a
 * path prefix of the V1 port. Same state, clock, faults and request log as V1; no control routes here.
 */
export function createV2Server(state: SandboxState, router: Router): SandboxServer {
  const closing = new AbortController();

  /** A delay fault ends early only when the sandbox closes, never when the client leaves. */
  const hold = async (ms: number): Promise<boolean> => {
    try {
      await sleep(ms, undefined, { signal: closing.signal });
      return true;
    } catch {
      return false;
    }
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = state.clock.now();
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    let reply: Reply | null;
    try {
      const raw = await readBody(req);
      reply = raw.ok
        ? await answerV2Call(state, router, { method, url, headers: req.headers, bytes: raw.bytes }, hold)
        : v2Fail(413, 'INVALID_REQUEST', v2Messages.bodyTooLarge);
    } catch (error) {
      if (req.destroyed && !req.complete) return;
      reply = toV2Reply(error);
    }
    logApiCall(state, { method, url }, reply, receivedAt, 'v2');
    if (reply?.lost) res.destroy();
    else if (reply) send(res, reply);
  }

  return serve(handle, toV2Reply, closing);
}
