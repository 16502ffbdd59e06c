import type { IncomingMessage } from 'node:http';
import { messages, SandboxError } from './envelope';
import { parseParams } from './params';

/** Iamport's requests are tiny; the cap keeps a misbehaving client from filling the sandbox's memory. */
export const maxBodyBytes = 1024 * 1024;
// Past this we stop draining and drop the connection instead of reading an endless upload.
const drainCapBytes = 16 * maxBodyBytes;

export type RawBody = { ok: true; bytes: Buffer } | { ok: false; reason: 'too_large' };

/**
 * Reads the whole body. An oversized body is still drained (up to a cap) so that the client gets a
 * clean 413 answer instead of a connection reset in the middle of its upload.
 */
export function readBody(req: IncomingMessage, limit = maxBodyBytes): Promise<RawBody> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    let tooLarge = Number.isFinite(declared) && declared > limit;
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > drainCapBytes) {
        req.destroy();
        return;
      }
      if (!tooLarge && size > limit) {
        tooLarge = true;
        chunks.length = 0;
      }
      if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () =>
      resolve(tooLarge ? { ok: false, reason: 'too_large' } : { ok: true, bytes: Buffer.concat(chunks) }),
    );
    req.on('error', reject);
    req.on('close', () => {
      if (!req.complete) reject(new Error('request aborted by the client'));
    });
  });
}

function parseJson(text: string): unknown {
  try {
    const value: unknown = JSON.parse(text);
    return value;
  } catch {
    throw new SandboxError(400, -1, messages.badJson);
  }
}

/**
 * JSON or form-urlencoded, as every Iamport operation `consumes` both. A body without a usable
 * content type is sniffed: `{`/`[` means JSON, anything else is read as a form.
 */
export function decodeBody(bytes: Buffer, contentType: string | undefined): unknown {
  const text = bytes.toString('utf8');
  if (text.trim() === '') return {};
  const mime = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (mime === 'application/json' || mime.endsWith('+json')) return parseJson(text);
  if (mime === 'application/x-www-form-urlencoded') return parseParams(new URLSearchParams(text));
  const first = text.trimStart()[0];
  return first === '{' || first === '[' ? parseJson(text) : parseParams(new URLSearchParams(text));
}
