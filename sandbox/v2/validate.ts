import { z } from 'zod';
import { V2Error } from './errors';
import { v2Currencies } from './types';

/** V2 amounts are int64 in the currency's smallest unit: integers, never decimals. */
export const v2Amount = z.int().min(0).max(Number.MAX_SAFE_INTEGER);
export const v2Currency = z.enum(v2Currencies);

/** Parses or throws PortOne's 400 `INVALID_REQUEST`, naming the first bad field. */
export function parseV2<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.map(String).join('.') || 'body';
  const detail =
    issue?.code === 'unrecognized_keys' ? `unknown field ${issue.keys.join(', ')}` : issue?.message;
  throw new V2Error(400, 'INVALID_REQUEST', `잘못된 요청입니다: ${field} (${detail ?? 'invalid'})`);
}
