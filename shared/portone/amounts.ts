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
