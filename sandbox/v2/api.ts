import { createHash } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { AnswerCall, IncomingCall } from '../apiCall';
import { loseAnswer, type Reply } from '../envelope';
import { parseParams } from '../params';
import { Router } from '../router';
import type { SandboxState } from '../state';
import { sameSecret } from '../tokens';
import { toV2Reply, v2Fail, v2Messages } from './errors';
import { parseIdempotencyKey } from './idempotency';
import { v2ApiRoutes } from './routes';

export const v2ApiRouter = (state: SandboxState): Router => new Router(v2ApiRoutes(state));

/** A fault's answer in V2's error shape: `SERVICE_UNAVAILABLE` for 503, and so on. */
export function v2FaultReply(status: number): Reply {
  const text = STATUS_CODES[status] ?? 'Error';
  return v2Fail(status, text.toUpperCase().replace(/[^A-Z0-9]+/g, '_'), `${text} (sandbox fault)`);
}

/** `Authorization: PortOne <secret>` with the configured V2 API secret; the scheme is case-insensitive (RFC 9110). */
function authorised(state: SandboxState, header: string | undefined): boolean {
  const match = /^portone\s+(.+)$/i.exec(header?.trim() ?? '');
  return match?.[1] !== undefined && sameSecret(match[1].trim(), state.v2.config.apiSecret);
}

/** V2 is JSON only. The SDK posts without a JSON content type (`text/plain`), so the type is not checked. */
function decodeJson(bytes: Buffer): { ok: true; body: unknown } | { ok: false } {
  const text = bytes.toString('utf8');
  if (text.trim() === '') return { ok: true, body: {} };
  try {
    const body: unknown = JSON.parse(text);
    return typeof body === 'object' && body !== null && !Array.isArray(body)
      ? { ok: true, body }
      : { ok: false };
  } catch {
    return { ok: false };
  }
}

const fingerprintOf = (call: IncomingCall): string =>
  createHash('sha256').update(`${call.method} ${call.url.pathname}\n`).update(call.bytes).digest('hex');

/**
 * Answers one V2 call, or null when the sandbox closed while a delay fault held it. The order keeps a
 * failing call from changing state: an immediate fault first, then routing, the secret, the body, the
 * `Idempotency-Key` (taken before a delay, so a retry meanwhile is outstanding), then the route. Unlike
 * V1's, a held call goes on when its client hangs up: PortOne does not cancel a request the client left,
 * and a retry with the same key learns its outcome.
 */
export const answerV2Call: AnswerCall = async (state, router, call, hold) => {
  const fault = state.faults.draw();
  if (fault && fault.delayMs === 0 && fault.status !== null) return v2FaultReply(fault.status);
  const match = router.match(call.method, call.url.pathname);
  if (!match) return v2Fail(404, 'NOT_FOUND', `지원하지 않는 API입니다: ${call.method} ${call.url.pathname}`);
  const authorization = call.headers.authorization;
  if (!authorised(state, Array.isArray(authorization) ? authorization[0] : authorization)) {
    return v2Fail(401, 'UNAUTHORIZED', v2Messages.unauthorized);
  }
  const decoded = decodeJson(call.bytes);
  if (!decoded.ok) return v2Fail(400, 'INVALID_REQUEST', v2Messages.badJson);

  // PortOne reads the key on POST, PUT, PATCH and DELETE and ignores it on GET.
  const key = call.method === 'GET' ? null : parseIdempotencyKey(call.headers['idempotency-key']);
  if (key === 'invalid') return v2Fail(400, 'INVALID_REQUEST', v2Messages.badKey);
  if (key !== null) {
    const lookup = state.v2.idempotency.begin(key, fingerprintOf(call), state.clock.now());
    if (lookup.kind === 'outstanding')
      return v2Fail(409, 'IDEMPOTENCY_OUTSTANDING_REQUEST', v2Messages.outstanding);
    if (lookup.kind === 'mismatch') return v2Fail(422, 'IDEMPOTENCY_KEY_REUSED', v2Messages.keyReused);
    if (lookup.kind === 'replay') return lookup.reply;
  }

  let reply: Reply | null;
  if (fault && fault.delayMs > 0 && !(await hold(fault.delayMs))) reply = null;
  else if (fault && fault.status !== null) reply = v2FaultReply(fault.status);
  else {
    try {
      reply = await match.route.handler({
        method: match.route.method,
        path: call.url.pathname,
        params: match.params,
        query: parseParams(call.url.searchParams),
        body: decoded.body,
        headers: call.headers,
      });
    } catch (error) {
      reply = toV2Reply(error);
    }
    if (key !== null) state.v2.idempotency.finish(key, reply);
    // The call's effects stand and a retry with the key replays its answer; only this copy is lost.
    return fault?.loseAnswer ? loseAnswer(reply) : reply;
  }
  // A fault did nothing, so the key is free for a retry to do it.
  if (key !== null) state.v2.idempotency.release(key);
  return reply;
};
