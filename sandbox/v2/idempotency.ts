import type { Reply } from '../envelope';

/** PortOne keeps an idempotent answer for 3 hours (REST V2 overview, "멱등 키"). */
export const idempotencyLifetimeMs = 3 * 3600 * 1000;

/** 16–256 ASCII characters, optionally sent as an RFC 8941 string (`"key"`), as PortOne documents. */
export function parseIdempotencyKey(header: string | string[] | undefined): string | null | 'invalid' {
  const raw = Array.isArray(header) ? header[0] : header;
  if (raw === undefined) return null;
  const trimmed = raw.trim();
  // An RFC 8941 string has its `"` and `\` escaped; the key is what they stand for.
  const key = /^".*"$/.test(trimmed) ? trimmed.slice(1, -1).replace(/\\(["\\])/g, '$1') : trimmed;
  return /^[\x20-\x7e]{16,256}$/.test(key) ? key : 'invalid';
}

export type IdempotencyLookup =
  | { kind: 'new' }
  | { kind: 'outstanding' }
  | { kind: 'replay'; reply: Reply }
  | { kind: 'mismatch' };

interface Entry {
  /** Method, path and body: what "the same request" means for a retry. */
  fingerprint: string;
  reply: Reply | null;
  expiresAt: number;
}

/**
 * Answers kept by `Idempotency-Key`. A key is taken when its first request starts (so a retry meanwhile
 * is `IDEMPOTENCY_OUTSTANDING_REQUEST`), filled with the answer when it ends, and forgotten 3 hours after
 * it was taken, on the sandbox clock. A request that failed before doing anything (a fault) releases it.
 */
export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  begin(key: string, fingerprint: string, now: number): IdempotencyLookup {
    this.sweep(now);
    const existing = this.entries.get(key);
    if (existing !== undefined && existing.expiresAt > now) {
      if (existing.fingerprint !== fingerprint) return { kind: 'mismatch' };
      return existing.reply === null ? { kind: 'outstanding' } : { kind: 'replay', reply: existing.reply };
    }
    this.entries.set(key, { fingerprint, reply: null, expiresAt: now + idempotencyLifetimeMs });
    return { kind: 'new' };
  }

  /** Where `key` stands: for tests and debugging; `begin` is what the API uses. */
  status(key: string, now: number): 'unknown' | 'outstanding' | 'answered' {
    const entry = this.entries.get(key);
    if (entry === undefined || entry.expiresAt <= now) return 'unknown';
    return entry.reply === null ? 'outstanding' : 'answered';
  }

  finish(key: string, reply: Reply): void {
    const entry = this.entries.get(key);
    if (entry !== undefined) entry.reply = reply;
  }

  /** Forgets expired answers, so a sandbox left running for days keeps only 3 hours of them. */
  private sweep(now: number): void {
    for (const [key, entry] of this.entries)
      if (entry.expiresAt <= now && entry.reply !== null) this.entries.delete(key);
  }

  release(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
