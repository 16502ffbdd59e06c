import { z } from 'zod';
import type { Reply } from '../envelope';
import type { Route } from '../router';
import type { SandboxState } from '../state';
import { V2Error, v2Messages } from './errors';
import { cancelV2, preRegisterV2 } from './operations';
import type { V2PaymentRecord } from './store';
import {
  filterStatusOf,
  type V2CancelPaymentResponse,
  type V2GetPaymentsResponse,
  type V2PreRegisterPaymentResponse,
  v2FilterStatuses,
} from './types';
import { parseV2, v2Amount, v2Currency } from './validate';
import { viewV2Payment } from './view';

// Loose, like PortOne's API: fields the sandbox does not act on (refundAccount, requester, …) pass.
const cancelSchema = z.looseObject({
  storeId: z.string().min(1).optional(),
  amount: v2Amount.positive().optional(),
  taxFreeAmount: v2Amount.optional(),
  vatAmount: v2Amount.optional(),
  reason: z.string().min(1),
  requester: z.enum(['CUSTOMER', 'ADMIN']).optional(),
  currentCancellableAmount: v2Amount.optional(),
  skipWebhook: z.boolean().optional(),
});

const preRegisterSchema = z.looseObject({
  storeId: z.string().min(1).optional(),
  totalAmount: v2Amount.optional(),
  taxFreeAmount: v2Amount.optional(),
  currency: v2Currency.optional(),
});

const storeQuery = z.looseObject({ storeId: z.string().min(1).optional() });

/** `GET /payments`' input: JSON in the `requestBody` query parameter (as the SDK sends it) or the body. */
const listSchema = z.looseObject({
  page: z
    .looseObject({ number: z.int().min(0).default(0), size: z.int().min(1).max(1000).default(10) })
    .optional(),
  filter: z
    .looseObject({
      storeId: z.string().min(1).optional(),
      timestampType: z.enum(['CREATED_AT', 'STATUS_CHANGED_AT']).default('STATUS_CHANGED_AT'),
      from: z.iso.datetime({ offset: true }).optional(),
      until: z.iso.datetime({ offset: true }).optional(),
      status: z.array(z.enum(v2FilterStatuses)).optional(),
      isTest: z.boolean().optional(),
    })
    .optional(),
});
const listQuery = z.looseObject({ requestBody: z.string().optional() });
const maxListWindowMs = 90 * 86_400_000;
/** PortOne's bound: `(number + 1) * size` may not exceed 60,000. */
const maxListDepth = 60_000;

function listInput(query: unknown, body: unknown): z.output<typeof listSchema> {
  const { requestBody } = parseV2(listQuery, query);
  if (requestBody === undefined) return parseV2(listSchema, body ?? {});
  let parsed: unknown;
  try {
    parsed = JSON.parse(requestBody);
  } catch {
    throw new V2Error(400, 'INVALID_REQUEST', '잘못된 요청입니다: requestBody (not JSON)');
  }
  return parseV2(listSchema, parsed);
}

/** The V2 API's routes (OpenAPI paths, exactly): the server or the in-process API answers with them. */
export function v2ApiRoutes(state: SandboxState): Route[] {
  /** One store is configured; another `storeId` is a store this secret may not touch. */
  const checkStore = (storeId: string | undefined): void => {
    if (storeId !== undefined && storeId !== state.v2.config.storeId) {
      throw new V2Error(403, 'FORBIDDEN', v2Messages.forbiddenStore);
    }
  };
  const find = (paymentId: string | undefined): V2PaymentRecord => {
    const record = state.v2.payments.get(paymentId ?? '');
    if (record === undefined) throw new V2Error(404, 'PAYMENT_NOT_FOUND', v2Messages.paymentNotFound);
    return record;
  };

  return [
    {
      // Newest status change first; ties by paymentId, so pages never overlap or skip.
      method: 'GET',
      pattern: '/payments',
      handler: ({ query, body }): Reply => {
        const input = listInput(query, body);
        const filter = input.filter;
        checkStore(filter?.storeId);
        const until = filter?.until === undefined ? state.clock.now() : Date.parse(filter.until);
        const from = filter?.from === undefined ? until - maxListWindowMs : Date.parse(filter.from);
        const { number, size } = input.page ?? { number: 0, size: 10 };
        if ((number + 1) * size > maxListDepth) {
          throw new V2Error(400, 'INVALID_REQUEST', '잘못된 요청입니다: page ((number + 1) * size > 60000)');
        }
        const at = (r: V2PaymentRecord): number =>
          filter?.timestampType === 'CREATED_AT' ? r.requestedAt : r.statusChangedAt;
        const matching = state.v2.payments
          .all()
          .filter(
            (r) =>
              at(r) >= from &&
              at(r) < until &&
              (filter?.status === undefined || filter.status.includes(filterStatusOf(r.status))) &&
              (filter?.isTest === undefined || filter.isTest === (r.channel === 'TEST')),
          )
          .sort((a, b) => at(b) - at(a) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        const items = matching.slice(number * size, (number + 1) * size);
        const answer: V2GetPaymentsResponse = {
          items: items.map((r) => viewV2Payment(r, state.v2.config)),
          page: { number, size, totalCount: matching.length },
        };
        return { status: 200, body: answer };
      },
    },
    {
      method: 'GET',
      pattern: '/payments/:paymentId',
      handler: ({ params, query }): Reply => {
        checkStore(parseV2(storeQuery, query).storeId);
        return { status: 200, body: viewV2Payment(find(params.paymentId), state.v2.config) };
      },
    },
    {
      method: 'POST',
      pattern: '/payments/:paymentId/cancel',
      handler: ({ params, body }): Reply => {
        const input = parseV2(cancelSchema, body);
        checkStore(input.storeId);
        const cancellation = cancelV2(state, find(params.paymentId), {
          amount: input.amount,
          taxFreeAmount: input.taxFreeAmount,
          vatAmount: input.vatAmount,
          currentCancellableAmount: input.currentCancellableAmount,
          reason: input.reason,
          trigger: 'API',
          notify: input.skipWebhook !== true,
        });
        const answer: V2CancelPaymentResponse = { cancellation };
        return { status: 200, body: answer };
      },
    },
    {
      method: 'POST',
      pattern: '/payments/:paymentId/pre-register',
      handler: ({ params, body }): Reply => {
        const input = parseV2(preRegisterSchema, body);
        checkStore(input.storeId);
        preRegisterV2(state, params.paymentId ?? '', input);
        const answer: V2PreRegisterPaymentResponse = {};
        return { status: 200, body: answer };
      },
    },
  ];
}
