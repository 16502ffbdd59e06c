import { createHash } from 'node:crypto';
import { PortOneInvalidRequestError } from './errors';

/** Versioned, so a different derivation one day can never produce a key that means something else. */
const PREFIX = 'cancel-v1-';

/**
 * The `Idempotency-Key` of the refund of one attempt (`attemptId`, PortOne's transactionId) of one order:
 * the same two ids always give the same key, so every retry of that refund, from any Lambda and after
 * any timeout, replays the first cancel instead of making a second. 74 characters: `cancel-v1-` and
 * the SHA-256 of both ids (hex), which keeps the ids themselves out of a header and within 16–256
 * characters whatever their length.
 *
 * One key per attempt means one cancel per attempt: a second, different refund of the same attempt (a
 * later partial refund) needs a key of its own, or PortOne would replay the first.
 *
 * @example
 * cancelIdempotencyKey('order_1001', 'tx_0193…'); // 'cancel-v1-3f1c…' (always the same)
 */
export function cancelIdempotencyKey(orderId: string, attemptId: string): string {
  for (const [name, value] of [
    ['orderId', orderId],
    ['attemptId', attemptId],
  ] as const) {
    if (typeof value !== 'string' || value === '') {
      throw new PortOneInvalidRequestError(`${name} must be a non-empty string`);
    }
  }
  // JSON of the pair, not a plain join: ('a:b', 'c') and ('a', 'b:c') must not share a key.
  const digest = createHash('sha256')
    .update(JSON.stringify([orderId, attemptId]))
    .digest('hex');
  return `${PREFIX}${digest}`;
}
