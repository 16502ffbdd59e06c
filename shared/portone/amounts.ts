import { PortOneInvalidRequestError } from './errors';

/**
 * Refuses an amount that is not a whole number of won within the safe-integer range. KRW has no minor
 * unit, PortOne takes integers, and `JSON.stringify` would write `NaN` or `Infinity` as `null`, which a
 * cancel reads as "the whole balance". `min` is 0 or 1 depending on whether 0 means anything.
 * @internal
 */
export function requireKrw(value: number, name: string, min: 0 | 1): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new PortOneInvalidRequestError(`${name} must be a whole number of KRW`);
  }
  if (value < min) throw new PortOneInvalidRequestError(`${name} must be at least ${min}`);
}

/**
 * An optional amount that, when given, must be whole KRW from `min` up to `limit` (the balance or total it
 * is part of). Returns whether it was given, so the caller adds it to the body only then.
 * @internal
 */
export function optionalKrwWithin(
  value: number | undefined,
  name: string,
  min: 0 | 1,
  limit: { value: number; name: string },
): value is number {
  if (value === undefined) return false;
  requireKrw(value, name, min);
  if (value > limit.value) throw new PortOneInvalidRequestError(`${name} must not exceed ${limit.name}`);
  return true;
}
