import { z } from 'zod';
import { ok, SandboxError } from '../envelope';
import { paginate, sortRecords } from '../listing';
import type { IamportPayment } from '../payment';
import type { Route } from '../router';
import type { SandboxState } from '../state';
import { numberParam, parseInput } from '../validate';
import { assertPageInRange, pagingSchema, statusSegment } from './lookup';

const maxWindowSeconds = 90 * 86_400;

const windowSchema = pagingSchema.extend({
  from: numberParam(z.int().nonnegative().optional()),
  to: numberParam(z.int().nonnegative().optional()),
});

/** Iamport filters each payment by the time of its current status, not by when it started. */
function statusTime(p: IamportPayment): number {
  if (p.status === 'paid') return p.paid_at;
  if (p.status === 'cancelled') return p.cancelled_at;
  if (p.status === 'failed') return p.failed_at;
  return p.started_at;
}

/** `GET /payments/status/{all|ready|paid|cancelled|failed}`, the reconciliation listing. */
export function statusRoutes(state: SandboxState): Route[] {
  return [
    {
      method: 'GET',
      pattern: '/payments/status/:payment_status',
      handler: ({ params, query }) => {
        const segment = params.payment_status;
        const status = segment === 'all' ? undefined : statusSegment(segment);
        const input = parseInput(windowSchema, query);
        const to = input.to ?? state.clock.nowSeconds();
        const from = input.from ?? to - maxWindowSeconds;
        if (from > to) throw new SandboxError(400, -1, 'from은 to보다 이후일 수 없습니다.');
        if (to - from > maxWindowSeconds)
          throw new SandboxError(400, -1, '검색기간은 최대 90일까지 가능합니다.');
        const matching = state.payments.all().filter((r) => {
          const at = statusTime(r.payment);
          return (status === undefined || r.payment.status === status) && at >= from && at <= to;
        });
        const list = sortRecords(matching, input.sorting);
        assertPageInRange(input.page, list.length, input.limit);
        return ok(
          paginate(
            list.map((r) => r.payment),
            input.page,
            input.limit,
          ),
        );
      },
    },
  ];
}
