import type { SandboxState } from '../state';
import { V2Error } from '../v2/errors';
import { checkCheckout, checkoutV2, type V2CheckoutInput } from '../v2/operations';
import type { WindowOrder } from './checkout';
import { tamperedAmount } from './checkout';
import type { WindowMode, WindowOutcome } from './request';
import { customDataText } from './request';
import type { V2PayRequest } from './v2Request';
import {
  type V2PaymentResponse,
  type V2WindowError,
  v2RedirectUrlOf,
  v2RefusalOf,
  v2ResponseOf,
  v2WindowErrors,
} from './v2Response';

/**
 * The payment window opened by the V2 browser SDK (`PortOne.requestPayment`): the same window and
 * outcomes as V1's, recording V2 payments through the same `checkoutV2` as `POST /__sandbox/v2/payments`.
 */
export interface V2Delivery {
  response: V2PaymentResponse;
  /** Set in redirect mode only. */
  redirect_url: string | null;
}

export interface V2OpenAnswer {
  order: WindowOrder;
  /** PortOne refuses a wrong store, a paid paymentId or a pre-registration mismatch before any PG window. */
  refusal: V2Delivery | null;
}

export interface V2FinishAnswer {
  /** false for "network lost": the attempt exists, but the promise never resolves and no redirect happens. */
  delivered: boolean;
  txId: string | null;
  response: V2PaymentResponse | null;
  redirect_url: string | null;
}

function deliver(mode: WindowMode, request: V2PayRequest, response: V2PaymentResponse): V2Delivery {
  const redirect =
    mode === 'redirect' && request.redirectUrl !== undefined
      ? v2RedirectUrlOf(request.redirectUrl, response)
      : null;
  return { response, redirect_url: redirect };
}

const refused = (mode: WindowMode, request: V2PayRequest, error: V2WindowError): V2Delivery =>
  deliver(mode, request, v2RefusalOf(request.paymentId, error));

/** PortOne's refusals of a checkout, in the browser's terms. */
function windowErrorOf(error: V2Error): V2WindowError {
  if (error.type === 'ALREADY_PAID') return v2WindowErrors.alreadyPaid(error.message);
  return v2WindowErrors.preRegisteredMismatch(error.message);
}

/** A store other than the sandbox's: refused before anything else. */
const storeRefusal = (state: SandboxState, request: V2PayRequest): V2WindowError | null =>
  request.storeId === state.v2.config.storeId ? null : v2WindowErrors.storeNotFound(request.storeId);

/** What the checkout refuses before any attempt: the store, then `checkCheckout`'s rules. */
function refusalOf(state: SandboxState, request: V2PayRequest): V2WindowError | null {
  const store = storeRefusal(state, request);
  if (store !== null) return store;
  try {
    checkCheckout(state, {
      paymentId: request.paymentId,
      amount: request.totalAmount,
      taxFree: request.taxFreeAmount ?? 0,
      currency: request.currency,
      status: 'PAID',
    });
    return null;
  } catch (error) {
    if (error instanceof V2Error) return windowErrorOf(error);
    throw error;
  }
}

export function openWindowV2(state: SandboxState, request: V2PayRequest, mode: WindowMode): V2OpenAnswer {
  const refusal = refusalOf(state, request);
  return {
    order: {
      merchant_uid: request.paymentId,
      name: request.orderName,
      amount: request.totalAmount,
      currency: request.currency,
      pay_method: request.payMethod,
      buyer_name: request.customer?.fullName ?? null,
      tampered_amount: tamperedAmount(request.totalAmount),
    },
    refusal: refusal === null ? null : refused(mode, request, refusal),
  };
}

/** The attempt each outcome records. */
function checkoutOf(request: V2PayRequest, outcome: WindowOutcome): V2CheckoutInput {
  const base: V2CheckoutInput = {
    paymentId: request.paymentId,
    amount: request.totalAmount,
    taxFree: request.taxFreeAmount ?? 0,
    currency: request.currency,
    status: 'PAID',
    method: request.payMethod === 'VIRTUAL_ACCOUNT' ? 'VIRTUAL_ACCOUNT' : 'CARD',
    // Like the V1 window: a stack that refuses test-channel payments still verifies these.
    channel: 'LIVE',
    orderName: request.orderName,
    customer: {
      ...(request.customer?.fullName === undefined ? {} : { name: request.customer.fullName }),
      ...(request.customer?.email === undefined ? {} : { email: request.customer.email }),
      ...(request.customer?.phoneNumber === undefined ? {} : { phoneNumber: request.customer.phoneNumber }),
    },
    customData: customDataText(request.customData),
    failReason: undefined,
    expiresAt: undefined,
    noticeUrl: request.noticeUrls?.[0],
    notify: true,
  };
  switch (outcome) {
    case 'paid':
      return base;
    case 'failed':
      return {
        ...base,
        status: 'FAILED',
        failReason: v2WindowErrors.declined.message,
        failPgCode: v2WindowErrors.declined.pgCode,
      };
    case 'closed':
      return {
        ...base,
        status: 'FAILED',
        failReason: v2WindowErrors.closed.message,
        failPgCode: v2WindowErrors.closed.pgCode,
      };
    case 'vbank':
      return { ...base, status: 'VIRTUAL_ACCOUNT_ISSUED', method: 'VIRTUAL_ACCOUNT' };
    case 'tampered':
      return { ...base, amount: tamperedAmount(request.totalAmount), skipPreRegistrationCheck: true };
    case 'network_lost':
      // The payment succeeds; the notice is lost with the promise or the redirect.
      return { ...base, notify: false };
  }
}

const errorOf = (outcome: WindowOutcome): V2WindowError | undefined =>
  outcome === 'closed' ? v2WindowErrors.closed : outcome === 'failed' ? v2WindowErrors.declined : undefined;

export function finishWindowV2(
  state: SandboxState,
  request: V2PayRequest,
  mode: WindowMode,
  outcome: WindowOutcome,
): V2FinishAnswer {
  const store = storeRefusal(state, request);
  if (store !== null) return { delivered: true, txId: null, ...refused(mode, request, store) };
  let record: ReturnType<typeof checkoutV2>;
  try {
    record = checkoutV2(state, checkoutOf(request, outcome));
  } catch (error) {
    if (!(error instanceof V2Error)) throw error;
    return { delivered: true, txId: null, ...refused(mode, request, windowErrorOf(error)) };
  }
  if (outcome === 'network_lost') {
    return { delivered: false, txId: record.transactionId, response: null, redirect_url: null };
  }
  return {
    delivered: true,
    txId: record.transactionId,
    ...deliver(mode, request, v2ResponseOf(record, errorOf(outcome))),
  };
}
