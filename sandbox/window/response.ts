import type { IamportPayment } from '../payment';
import type { PayRequest } from './request';

/**
 * What `IMP.request_pay` hands its callback (the SDK docs' RequestPayResponse, V1). The page must not
 * trust it (docs/iamport-v1.md §7): it only carries `imp_uid` to the merchant's server, which asks the API.
 */
export interface RequestPayResponse {
  success: boolean;
  error_code: string | null;
  error_msg: string | null;
  imp_uid: string | null;
  merchant_uid: string;
  pay_method: string | null;
  paid_amount: number;
  status: string | null;
  name: string | null;
  pg_provider: string | null;
  pg_tid: string | null;
  buyer_name: string | null;
  buyer_email: string | null;
  buyer_tel: string | null;
  buyer_addr: string | null;
  buyer_postcode: string | null;
  custom_data: unknown;
  paid_at: number;
  receipt_url: string | null;
  apply_num: string | null;
  card_name: string | null;
  card_number: string | null;
  card_quota: number;
  vbank_num: string | null;
  vbank_name: string | null;
  vbank_holder: string | null;
  vbank_date: number;
  currency: string;
}

export interface WindowError {
  code: string;
  message: string;
}

/**
 * Error codes are the sandbox's own: the sources document `error_code` only as "present on failure".
 * `error_msg` of a closed window is the text PGs such as KG Inicis give.
 */
export const windowErrors = {
  declined: { code: 'PAY_FAILED', message: '[샌드박스] 카드 승인이 거절되었습니다. (card declined)' },
  closed: { code: 'USER_CANCEL', message: '사용자가 결제를 취소하셨습니다' },
  prepareMismatch: (message: string): WindowError => ({ code: 'PREPARE_MISMATCH', message }),
  invalidRequest: (message: string): WindowError => ({ code: 'INVALID_REQUEST', message }),
} as const;

/** A finished attempt as the callback sees it; `success` is true for paid and for an issued vbank. */
export function responseOf(
  payment: IamportPayment,
  request: PayRequest,
  error?: WindowError,
): RequestPayResponse {
  const success = payment.status === 'paid' || (payment.status === 'ready' && payment.pay_method === 'vbank');
  return {
    success,
    error_code: success ? null : (error?.code ?? windowErrors.declined.code),
    error_msg: success ? null : (error?.message ?? payment.fail_reason),
    imp_uid: payment.imp_uid,
    merchant_uid: payment.merchant_uid,
    pay_method: payment.pay_method,
    paid_amount: success ? payment.amount : 0,
    status: payment.status,
    name: payment.name,
    pg_provider: payment.pg_provider,
    pg_tid: payment.pg_tid,
    buyer_name: payment.buyer_name,
    buyer_email: payment.buyer_email,
    buyer_tel: payment.buyer_tel,
    buyer_addr: payment.buyer_addr,
    buyer_postcode: payment.buyer_postcode,
    custom_data: request.custom_data ?? null,
    paid_at: payment.paid_at,
    receipt_url: payment.receipt_url,
    apply_num: payment.apply_num,
    card_name: payment.card_name,
    card_number: payment.card_number,
    card_quota: payment.card_quota,
    vbank_num: payment.vbank_num,
    vbank_name: payment.vbank_name,
    vbank_holder: payment.vbank_holder,
    vbank_date: payment.vbank_date,
    currency: payment.currency,
  };
}

/** Refused before any attempt exists (a prepare mismatch, a bad request): there is no imp_uid. */
export function refusalOf(request: { merchant_uid: string; currency?: string }, error: WindowError) {
  const response: RequestPayResponse = {
    success: false,
    error_code: error.code,
    error_msg: error.message,
    imp_uid: null,
    merchant_uid: request.merchant_uid,
    pay_method: null,
    paid_amount: 0,
    status: null,
    name: null,
    pg_provider: null,
    pg_tid: null,
    buyer_name: null,
    buyer_email: null,
    buyer_tel: null,
    buyer_addr: null,
    buyer_postcode: null,
    custom_data: null,
    paid_at: 0,
    receipt_url: null,
    apply_num: null,
    card_name: null,
    card_number: null,
    card_quota: 0,
    vbank_num: null,
    vbank_name: null,
    vbank_holder: null,
    vbank_date: 0,
    currency: request.currency ?? 'KRW',
  };
  return response;
}

/**
 * Where the mobile window ends: `m_redirect_url` plus `imp_uid` and `merchant_uid`, and `error_code`
 * and `error_msg` only on failure (current V1 docs, docs/iamport-v1.md §7). The legacy `imp_success` is not
 * sent: the docs deprecate it and the new-module PGs no longer send it. The merchant's own query
 * parameters are kept; `imp_uid` is left out when no attempt exists (a prepare mismatch).
 */
export function redirectUrlOf(mRedirectUrl: string, response: RequestPayResponse): string {
  const target = new URL(mRedirectUrl);
  if (response.imp_uid !== null) target.searchParams.set('imp_uid', response.imp_uid);
  target.searchParams.set('merchant_uid', response.merchant_uid);
  if (!response.success) {
    target.searchParams.set('error_code', response.error_code ?? '');
    target.searchParams.set('error_msg', response.error_msg ?? '');
  }
  return target.toString();
}
