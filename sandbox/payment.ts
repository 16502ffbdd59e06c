import { randomBytes, randomInt } from 'node:crypto';

/**
 * The payment object exactly as `GET /payments/{imp_uid}` returns it: every field of the V1 spec's
 * `PaymentAnnotation`, integer unix seconds with 0 for "not happened", null where a PG gives nothing.
 */
export const paymentStatuses = ['ready', 'paid', 'cancelled', 'failed'] as const;
export type PaymentStatus = (typeof paymentStatuses)[number];
export type WebhookFormat = 'json' | 'form';

export interface CancelHistoryEntry {
  pg_tid: string;
  amount: number;
  cancelled_at: number;
  reason: string;
  cancellation_id: string;
  receipt_url: string;
}

/** Only fixed-type (unlimited) virtual accounts fill this; an ordinary vbank deposit leaves it empty. */
export interface DepositHistoryEntry {
  pg_tid: string;
  amount: number;
  depositor_name: string;
  deposited_at: number;
}

export interface IamportPayment {
  imp_uid: string;
  merchant_uid: string;
  pay_method: string;
  channel: string;
  pg_provider: string;
  emb_pg_provider: string | null;
  pg_tid: string;
  pg_id: string;
  sandbox: boolean;
  escrow: boolean;
  apply_num: string | null;
  bank_code: string | null;
  bank_name: string | null;
  card_code: string | null;
  card_name: string | null;
  card_issuer_code: string | null;
  card_issuer_name: string | null;
  card_publisher_code: string | null;
  card_publisher_name: string | null;
  card_quota: number;
  card_number: string | null;
  card_type: number | null;
  vbank_code: string | null;
  vbank_name: string | null;
  vbank_num: string | null;
  vbank_holder: string | null;
  vbank_date: number;
  vbank_issued_at: number;
  name: string | null;
  amount: number;
  cancel_amount: number;
  currency: string;
  buyer_name: string | null;
  buyer_email: string | null;
  buyer_tel: string | null;
  buyer_addr: string | null;
  buyer_postcode: string | null;
  custom_data: string | null;
  user_agent: string | null;
  status: PaymentStatus;
  started_at: number;
  paid_at: number;
  failed_at: number;
  cancelled_at: number;
  fail_reason: string | null;
  cancel_reason: string | null;
  receipt_url: string | null;
  cancel_history: CancelHistoryEntry[];
  deposit_history: DepositHistoryEntry[];
  cancel_receipt_urls: string[];
  cash_receipt_issued: boolean;
  customer_uid: string | null;
  customer_uid_usage: string | null;
  promotion: { id: string; discount: number } | null;
}

/** What a buyer's finished payment window decides; everything else gets realistic test values. */
export interface NewPayment {
  merchant_uid: string;
  amount: number;
  status: 'paid' | 'ready' | 'failed';
  pay_method: string;
  currency: string;
  sandbox: boolean;
  channel: 'pc' | 'mobile' | 'api';
  name?: string | undefined;
  pg_provider?: string | undefined;
  buyer_name?: string | null | undefined;
  buyer_email?: string | null | undefined;
  buyer_tel?: string | null | undefined;
  buyer_addr?: string | null | undefined;
  buyer_postcode?: string | null | undefined;
  custom_data?: string | null | undefined;
  fail_reason?: string | undefined;
  /** Deposit deadline (unix seconds) of an issued virtual account; default three days after issue. */
  vbank_date?: number | undefined;
}

const receiptBase = 'https://receipts.sandbox.invalid';
const digits = (n: number): string => Array.from({ length: n }, () => String(randomInt(10))).join('');
export const newPgTid = (): string => `sbx_${randomBytes(10).toString('hex')}`;
export const receiptUrl = (id: string): string => `${receiptBase}/${id}`;

/** Card data exists only once a card was approved. */
function cardDetails(approved: boolean) {
  return {
    apply_num: approved ? digits(8) : null,
    card_code: approved ? '361' : null,
    card_name: approved ? 'BC카드' : null,
    card_number: approved ? `910020******${digits(4)}` : null,
    card_type: approved ? 0 : null,
  };
}

function vbankDetails(now: number, due: number | undefined) {
  return {
    vbank_code: '004',
    vbank_name: 'KB국민은행',
    vbank_num: `${digits(6)}-${digits(2)}-${digits(6)}`,
    vbank_holder: '(주)아임포트샌드박스',
    vbank_date: due ?? now + 3 * 86_400,
    vbank_issued_at: now,
  };
}

export function buildPayment(impUid: string, input: NewPayment, now: number): IamportPayment {
  const paid = input.status === 'paid';
  const card = cardDetails(paid && input.pay_method === 'card');
  const vbank =
    input.pay_method === 'vbank' && input.status !== 'failed' ? vbankDetails(now, input.vbank_date) : null;
  const trans = input.pay_method === 'trans' && paid;
  return {
    imp_uid: impUid,
    merchant_uid: input.merchant_uid,
    pay_method: input.pay_method,
    channel: input.channel,
    pg_provider: input.pg_provider ?? 'html5_inicis',
    emb_pg_provider: null,
    pg_tid: newPgTid(),
    pg_id: 'INIpayTest',
    sandbox: input.sandbox,
    escrow: false,
    ...card,
    bank_code: trans ? '004' : null,
    bank_name: trans ? 'KB국민은행' : null,
    card_issuer_code: null,
    card_issuer_name: null,
    card_publisher_code: null,
    card_publisher_name: null,
    card_quota: 0,
    vbank_code: vbank?.vbank_code ?? null,
    vbank_name: vbank?.vbank_name ?? null,
    vbank_num: vbank?.vbank_num ?? null,
    vbank_holder: vbank?.vbank_holder ?? null,
    vbank_date: vbank?.vbank_date ?? 0,
    vbank_issued_at: vbank?.vbank_issued_at ?? 0,
    name: input.name ?? '샌드박스 테스트 상품',
    amount: input.amount,
    cancel_amount: 0,
    currency: input.currency,
    buyer_name: input.buyer_name === undefined ? '홍길동' : input.buyer_name,
    buyer_email: input.buyer_email === undefined ? 'buyer@example.com' : input.buyer_email,
    buyer_tel: input.buyer_tel === undefined ? '010-1234-5678' : input.buyer_tel,
    buyer_addr: input.buyer_addr === undefined ? '서울특별시 강남구 테헤란로 1' : input.buyer_addr,
    buyer_postcode: input.buyer_postcode === undefined ? '06236' : input.buyer_postcode,
    custom_data: input.custom_data ?? null,
    user_agent: 'Mozilla/5.0 (iamport-sandbox)',
    status: input.status,
    started_at: now,
    paid_at: paid ? now : 0,
    failed_at: input.status === 'failed' ? now : 0,
    cancelled_at: 0,
    fail_reason: input.status === 'failed' ? (input.fail_reason ?? '사용자가 결제를 취소하셨습니다') : null,
    cancel_reason: null,
    receipt_url: paid ? receiptUrl(impUid) : null,
    cancel_history: [],
    deposit_history: [],
    cancel_receipt_urls: [],
    cash_receipt_issued: false,
    customer_uid: null,
    customer_uid_usage: null,
    promotion: null,
  };
}
