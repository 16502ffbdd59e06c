import { z } from 'zod';
import { fail, messages, ok, SandboxError } from '../envelope';
import { paginate, sortRecords } from '../listing';
import type { IamportPayment } from '../payment';
import type { Route } from '../router';
import type { SandboxState } from '../state';
import type { PaymentRecord } from '../store';
import { booleanParam, parseInput } from '../validate';
import { assertPageInRange, pagingSchema, sortingSchema, statusSegment } from './lookup';

const includeSandboxSchema = z.looseObject({ include_sandbox: booleanParam(z.boolean().default(false)) });

const idList = z.preprocess(
  (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
  z.array(z.string().min(1)),
);
const multiSchema = z.looseObject({ imp_uid: idList, merchant_uid: idList });
const maxMultiIds = 100;

const notFound = () => fail(404, -1, messages.paymentNotFound);

/** Lookups of `GET /payments/...`; the status listing lives in `statusListing.ts`. */
export function paymentRoutes(state: SandboxState): Route[] {
  const attempts = (merchantUid: string, status: string | undefined): PaymentRecord[] =>
    state.payments
      .byMerchantUid(merchantUid)
      .filter((r) => status === undefined || r.payment.status === status);

  const latest = (merchantUid: string): PaymentRecord | undefined =>
    sortRecords(state.payments.byMerchantUid(merchantUid), '-started')[0];

  return [
    ...['/payments/find/:merchant_uid', '/payments/find/:merchant_uid/:payment_status'].map(
      (pattern): Route => ({
        method: 'GET',
        pattern,
        handler: ({ params, query }) => {
          const status = statusSegment(params.payment_status);
          const { sorting } = parseInput(sortingSchema, query);
          const first = sortRecords(attempts(params.merchant_uid ?? '', status), sorting)[0];
          return first ? ok(first.payment) : notFound();
        },
      }),
    ),
    ...['/payments/findAll/:merchant_uid', '/payments/findAll/:merchant_uid/:payment_status'].map(
      (pattern): Route => ({
        method: 'GET',
        pattern,
        handler: ({ params, query }) => {
          const status = statusSegment(params.payment_status);
          const { sorting, page, limit } = parseInput(pagingSchema, query);
          const list = sortRecords(attempts(params.merchant_uid ?? '', status), sorting);
          if (list.length === 0) return notFound();
          assertPageInRange(page, list.length, limit);
          return ok(
            paginate(
              list.map((r) => r.payment),
              page,
              limit,
            ),
          );
        },
      }),
    ),
    {
      method: 'GET',
      pattern: '/payments',
      handler: ({ query }) => {
        const { imp_uid, merchant_uid } = parseInput(multiSchema, query);
        if (imp_uid.length + merchant_uid.length === 0) {
          throw new SandboxError(400, -1, '파라미터 누락: imp_uid[] 또는 merchant_uid[]');
        }
        if (imp_uid.length + merchant_uid.length > maxMultiIds) {
          throw new SandboxError(400, -1, `한 번에 최대 ${maxMultiIds}건까지 조회할 수 있습니다.`);
        }
        const found = new Map<string, IamportPayment>();
        let missing = 0;
        const lookups = [...imp_uid.map((id) => state.payments.get(id)), ...merchant_uid.map(latest)];
        for (const record of lookups) {
          if (record === undefined) missing += 1;
          else found.set(record.payment.imp_uid, record.payment);
        }
        if (found.size === 0) return notFound();
        return ok([...found.values()], missing > 0 ? 207 : 200);
      },
    },
    {
      method: 'GET',
      pattern: '/payments/:imp_uid',
      handler: ({ params, query }) => {
        const { include_sandbox } = parseInput(includeSandboxSchema, query);
        const record = state.payments.get(params.imp_uid ?? '');
        // Test-channel payments are hidden unless asked for (PortOne's 2026-01-26 anti-abuse change).
        if (!record || (record.payment.sandbox && !include_sandbox)) return notFound();
        return ok(record.payment);
      },
    },
  ];
}
