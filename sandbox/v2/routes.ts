import { z } from 'zod';
import type { Reply } from '../envelope';
import type { Route } from '../router';
import type { SandboxState } from '../state';
import { V2Error, v2Messages } from './errors';
import { cancelV2, preRegisterV2 } from './operations';
import type { V2PaymentRecord } from './store';
import type { V2CancelPaymentResponse, V2PreRegisterPaymentResponse } from './types';
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
