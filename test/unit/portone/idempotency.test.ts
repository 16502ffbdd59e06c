import { describe, expect, it } from 'vitest';
import { cancelIdempotencyKey, PortOneInvalidRequestError } from '../../../shared/portone';

describe('cancelIdempotencyKey', () => {
  it('is stable: the same refund of the same attempt always gets the same key', () => {
    expect(cancelIdempotencyKey('order_1001', 'tx-1')).toBe(cancelIdempotencyKey('order_1001', 'tx-1'));
    // Pinned: a change here would make retries in flight during a deploy cancel a second time.
    expect(cancelIdempotencyKey('order_1001', 'tx-1')).toBe(
      'cancel-v1-150f57b8cfaa88ebcb8b4a4b45589c73a54e8e0edf677c95ce2b81efd3ddff5d',
    );
  });

  it('differs for another order or another attempt', () => {
    const keys = new Set([
      cancelIdempotencyKey('order_1001', 'tx-1'),
      cancelIdempotencyKey('order_1001', 'tx-2'),
      cancelIdempotencyKey('order_1002', 'tx-1'),
      cancelIdempotencyKey('tx-1', 'order_1001'),
    ]);

    expect(keys.size).toBe(4);
  });

  it('cannot be made to collide by moving a separator between the two ids', () => {
    expect(cancelIdempotencyKey('a:b', 'c')).not.toBe(cancelIdempotencyKey('a', 'b:c'));
    expect(cancelIdempotencyKey('a","b', 'c')).not.toBe(cancelIdempotencyKey('a', 'b","c'));
  });

  it('keeps ids as they are: padded and unpadded ids are different orders', () => {
    expect(cancelIdempotencyKey('order_1 ', 'tx')).not.toBe(cancelIdempotencyKey('order_1', 'tx'));
  });

  it.each([
    ['short ids', 'o', 't'],
    ['long ids', 'o'.repeat(5000), 't'.repeat(5000)],
    ['Hangul ids', '주문-1', '거래-1'],
  ])('is 16–256 visible ASCII characters for %s', (_, orderId, attemptId) => {
    expect(cancelIdempotencyKey(orderId, attemptId)).toMatch(/^cancel-v1-[0-9a-f]{64}$/);
  });

  it.each([
    ['', 'tx'],
    ['order', ''],
    [undefined as unknown as string, 'tx'],
  ])('refuses a missing id (%j, %j)', (orderId, attemptId) => {
    expect(() => cancelIdempotencyKey(orderId, attemptId)).toThrow(PortOneInvalidRequestError);
  });
});
