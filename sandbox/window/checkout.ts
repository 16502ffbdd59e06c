import { type CheckoutInput, completeCheckout } from '../operations';
import { checkPrepared } from '../prepare';
import type { SandboxState } from '../state';
import {
  customDataOf,
  noticeUrlOf,
  type PayRequest,
  providerOf,
  type WindowMode,
  type WindowOutcome,
} from './request';
import {
  type RequestPayResponse,
  redirectUrlOf,
  refusalOf,
  responseOf,
  type WindowError,
  windowErrors,
} from './response';

/** What reaches the merchant: the callback's `rsp` (iframe) or the browser's next URL (redirect). */
export interface Delivery {
  rsp: RequestPayResponse;
  /** Set in redirect mode only. */
  redirect_url: string | null;
}

/** What the window shows before the tester chooses. */
export interface WindowOrder {
  merchant_uid: string;
  name: string | null;
  amount: number;
  currency: string;
  pay_method: string;
  buyer_name: string | null;
  /** What the "different amount" outcome pays, so the button can say it. */
  tampered_amount: number;
}

export interface OpenAnswer {
  order: WindowOrder;
  /** Iamport refuses a prepared merchant_uid with another amount before any PG window opens. */
  refusal: Delivery | null;
}

export interface FinishAnswer {
  /** false for "network lost": the attempt exists, but neither callback nor redirect happens. */
  delivered: boolean;
  imp_uid: string | null;
  rsp: RequestPayResponse | null;
  redirect_url: string | null;
}

/** A tamperer pays less: ₩100 instead of the price (or ten times a price of ₩100 or less). */
export const tamperedAmount = (amount: number): number => (amount > 100 ? 100 : amount * 10);

function deliver(mode: WindowMode, request: PayRequest, rsp: RequestPayResponse): Delivery {
  const redirect =
    mode === 'redirect' && request.m_redirect_url !== undefined
      ? redirectUrlOf(request.m_redirect_url, rsp)
      : null;
  return { rsp, redirect_url: redirect };
}

function refused(mode: WindowMode, request: PayRequest, message: string): Delivery {
  return deliver(mode, request, refusalOf(request, windowErrors.prepareMismatch(message)));
}

export function openWindow(state: SandboxState, request: PayRequest, mode: WindowMode): OpenAnswer {
  const refusal = checkPrepared(state.prepared.get(request.merchant_uid), request);
  return {
    order: {
      merchant_uid: request.merchant_uid,
      name: request.name ?? null,
      amount: request.amount,
      currency: request.currency,
      pay_method: request.pay_method,
      buyer_name: request.buyer_name ?? null,
      tampered_amount: tamperedAmount(request.amount),
    },
    refusal: refusal === null ? null : refused(mode, request, refusal),
  };
}

/** The attempt each outcome records, through the same `completeCheckout` as `POST /__sandbox/payments`. */
function checkoutOf(request: PayRequest, mode: WindowMode, outcome: WindowOutcome): CheckoutInput {
  const base: CheckoutInput = {
    merchant_uid: request.merchant_uid,
    amount: request.amount,
    currency: request.currency,
    pay_method: request.pay_method,
    status: 'paid',
    // Like the control API's default: a stack that refuses test-channel payments still verifies these.
    sandbox: false,
    channel: mode === 'redirect' ? 'mobile' : 'pc',
    name: request.name,
    pg_provider: providerOf(request),
    buyer_name: request.buyer_name,
    buyer_email: request.buyer_email,
    buyer_tel: request.buyer_tel,
    buyer_addr: request.buyer_addr,
    buyer_postcode: request.buyer_postcode,
    custom_data: customDataOf(request),
    noticeUrl: noticeUrlOf(request),
    notify: true,
  };
  switch (outcome) {
    case 'paid':
      return base;
    case 'failed':
      return { ...base, status: 'failed', fail_reason: windowErrors.declined.message };
    case 'closed':
      // KG Inicis (the sandbox's default PG) records a closed window as failed, not as `ready`.
      return { ...base, status: 'failed', fail_reason: windowErrors.closed.message };
    case 'vbank':
      return { ...base, status: 'ready', pay_method: 'vbank' };
    case 'tampered':
      return { ...base, amount: tamperedAmount(request.amount), skipPrepareCheck: true };
    case 'network_lost':
      // The payment succeeds; the notice is lost with the callback or redirect.
      return { ...base, notify: false };
  }
}

const errorOf = (outcome: WindowOutcome): WindowError | undefined =>
  outcome === 'closed' ? windowErrors.closed : outcome === 'failed' ? windowErrors.declined : undefined;

export function finishWindow(
  state: SandboxState,
  request: PayRequest,
  mode: WindowMode,
  outcome: WindowOutcome,
): FinishAnswer {
  const result = completeCheckout(state, checkoutOf(request, mode, outcome));
  if (!result.ok) return { delivered: true, imp_uid: null, ...refused(mode, request, result.message) };
  const payment = result.value.payment;
  if (outcome === 'network_lost') {
    return { delivered: false, imp_uid: payment.imp_uid, rsp: null, redirect_url: null };
  }
  return {
    delivered: true,
    imp_uid: payment.imp_uid,
    ...deliver(mode, request, responseOf(payment, request, errorOf(outcome))),
  };
}
