import { pathSegment } from './paths';
import { cancelBody, findAllQuery, prepareBody, statusListQuery } from './requests';
import type { IamportRequest } from './transport';
import {
  type IamportApi,
  type KnownPaymentStatus,
  paymentPageSchema,
  paymentSchema,
  preparedSchema,
} from './types';

/** One call, built and checked, before a sender adds the token. @internal */
export type UnsentRequest<T> = Omit<IamportRequest<T>, 'token'>;

/** Sends one checked call; resolves with its validated `response` or throws an `IamportError`. @internal */
export type SendChecked = <T>(request: UnsentRequest<T>) => Promise<T>;

export interface CallOptions {
  /** Asks `GET /payments/{imp_uid}` for test-channel payments too (`include_sandbox=true`). */
  includeSandbox: boolean;
}

/**
 * The {@link IamportApi} calls exactly as the client makes them: every caller-supplied id checked and sent as
 * one encoded path segment, bodies and queries built field by field (a bad one is refused before anything is
 * sent), answers validated by the endpoint's schema. Kept apart from the HTTP transport so that another
 * sender (the sandbox's in-process API) refuses, builds and parses every call the way the client does.
 * @internal
 */
export function iamportApiOver(send: SendChecked, options: CallOptions): IamportApi {
  return {
    getPayment: async (impUid) =>
      send({
        operation: 'getPayment',
        method: 'GET',
        path: `/payments/${pathSegment(impUid, 'imp_uid')}`,
        query: options.includeSandbox ? { include_sandbox: 'true' } : undefined,
        schema: paymentSchema,
      }),

    findPayment: async (merchantUid, status) =>
      send({
        operation: 'findPayment',
        method: 'GET',
        path: `/payments/find/${pathSegment(merchantUid, 'merchant_uid')}${statusSuffix(status)}`,
        schema: paymentSchema,
      }),

    findAllPayments: async (merchantUid, findOptions = {}) =>
      send({
        operation: 'findAllPayments',
        method: 'GET',
        path: `/payments/findAll/${pathSegment(merchantUid, 'merchant_uid')}${statusSuffix(findOptions.status)}`,
        query: findAllQuery(findOptions),
        schema: paymentPageSchema,
      }),

    listPaymentsByStatus: async (status, listOptions) =>
      send({
        operation: 'listPaymentsByStatus',
        method: 'GET',
        path: `/payments/status/${pathSegment(status, 'status')}`,
        query: statusListQuery(listOptions),
        schema: paymentPageSchema,
      }),

    cancelPayment: async (request) =>
      send({
        operation: 'cancelPayment',
        method: 'POST',
        path: '/payments/cancel',
        body: cancelBody(request),
        schema: paymentSchema,
      }),

    preparePayment: async (request) =>
      send({
        operation: 'preparePayment',
        method: 'POST',
        path: '/payments/prepare',
        body: prepareBody(request),
        schema: preparedSchema,
      }),

    getPrepared: async (merchantUid) =>
      send({
        operation: 'getPrepared',
        method: 'GET',
        path: `/payments/prepare/${pathSegment(merchantUid, 'merchant_uid')}`,
        schema: preparedSchema,
      }),
  };
}

/** `/{status}` when a status filter is given; the status is encoded like any other caller value. */
function statusSuffix(status: KnownPaymentStatus | undefined): string {
  return status === undefined ? '' : `/${pathSegment(status, 'status')}`;
}
