import { describe, expect, it } from 'vitest';
import { backoffDelay, classifyStatus, parseRetryAfter } from '../../../shared/events/webhookRetry';

describe('classifyStatus', () => {
  it.each([
    [200, 'delivered'],
    [204, 'delivered'],
    [299, 'delivered'],
    [408, 'retry'],
    [409, 'retry'],
    [429, 'retry'],
    [500, 'retry'],
    [599, 'retry'],
    [301, 'reject'],
    [304, 'reject'],
    [400, 'reject'],
    [403, 'reject'],
    [413, 'reject'],
  ] as const)('HTTP %i → %s', (status, verdict) => {
    expect(classifyStatus(status)).toBe(verdict);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-03-01T09:30:00Z');

  it('reads delta-seconds and HTTP dates, a past date as 0', () => {
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter(['3', '9'], now)).toBe(3000);
    expect(parseRetryAfter('Sat, 01 Mar 2025 09:30:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Sat, 01 Mar 2025 09:00:00 GMT', now)).toBe(0);
  });

  it('ignores what is absent or unreadable', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
  });
});

describe('backoffDelay', () => {
  it('doubles per attempt, with the upper half jittered', () => {
    expect([1, 2, 3].map((attempt) => backoffDelay(attempt, 200, () => 0))).toEqual([100, 200, 400]);
    expect([1, 2, 3].map((attempt) => backoffDelay(attempt, 200, () => 1))).toEqual([200, 400, 800]);
    expect(backoffDelay(2, 200, () => 0.5)).toBe(300);
  });
});
