import { z } from 'zod';
import { messages, SandboxError } from '../envelope';
import { lastPage, sortings } from '../listing';
import { type PaymentStatus, paymentStatuses } from '../payment';
import { numberParam, textParam } from '../validate';

/** Query parameters shared by find, findAll and the status listing. */
export const sortingSchema = z.looseObject({
  sorting: textParam(z.enum(sortings).default('-started')),
});

export const pagingSchema = sortingSchema.extend({
  page: numberParam(z.int().min(1).default(1)),
  limit: numberParam(z.int().min(1).max(1000).default(20)),
});

/** A `{payment_status}` path segment; an unknown value is Iamport's 400 "지원되지 않는 상태값입니다.". */
export function statusSegment(value: string | undefined): PaymentStatus | undefined {
  if (value === undefined) return undefined;
  const status = paymentStatuses.find((s) => s === value);
  if (status === undefined) throw new SandboxError(400, -1, messages.unsupportedStatus);
  return status;
}

/** Iamport documents a 400 for a page beyond the data; page 1 always exists. */
export function assertPageInRange(page: number, total: number, limit: number): void {
  if (page > lastPage(total, limit)) {
    throw new SandboxError(
      400,
      -1,
      `요청하신 page(${page})가 데이터 범위를 벗어났습니다. (마지막 page: ${lastPage(total, limit)})`,
    );
  }
}
