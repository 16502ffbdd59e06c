import { idSegment } from './ids';
import { cancelBody, listPaymentsQuery, preRegisterBody, requireIdempotencyKey, storeOf } from './requests';
import type { Send } from './transport';
import {
  cancelResponseSchema,
  type PortOneApi,
  paymentPageSchema,
  paymentSchema,
  preRegisterResponseSchema,
} from './types';

export interface CallOptions {
  /** The store every call names unless the call gives its own. */
  storeId: string | undefined;
}

/**
 * The {@link PortOneApi} calls exactly as the client makes them: the paymentId checked and sent as one
 * encoded path segment, bodies built field by field (a bad one is refused before anything is sent),
 * answers validated by the endpoint's schema. Kept apart from the HTTP transport so that another sender
 * (an in-process emulator) refuses, builds and parses every call the way the client does.
 * @internal
 */
export function portOneApiOver(send: Send, options: CallOptions): PortOneApi {
  return {
    getPayment: async (paymentId, { storeId } = {}) => {
      const path = `/payments/${idSegment(paymentId, 'paymentId')}`;
      const store = storeOf(storeId, options.storeId);
      return send({
        operation: 'getPayment',
        method: 'GET',
        path,
        query: store === undefined ? undefined : { storeId: store },
        schema: paymentSchema,
      });
    },

    listPayments: async (request) =>
      send({
        operation: 'listPayments',
        method: 'GET',
        path: '/payments',
        query: listPaymentsQuery(request, storeOf(request.storeId, options.storeId)),
        schema: paymentPageSchema,
      }),

    cancelPayment: async (request) => {
      const path = `/payments/${idSegment(request.paymentId, 'paymentId')}/cancel`;
      requireIdempotencyKey(request.idempotencyKey);
      return send({
        operation: 'cancelPayment',
        method: 'POST',
        path,
        body: cancelBody(request, storeOf(request.storeId, options.storeId)),
        idempotencyKey: request.idempotencyKey,
        schema: cancelResponseSchema,
      });
    },

    preRegisterPayment: async (request) => {
      const path = `/payments/${idSegment(request.paymentId, 'paymentId')}/pre-register`;
      await send({
        operation: 'preRegisterPayment',
        method: 'POST',
        path,
        body: preRegisterBody(request, storeOf(request.storeId, options.storeId)),
        schema: preRegisterResponseSchema,
      });
    },
  };
}
