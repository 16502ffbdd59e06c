/**
 * Iamport answers every call with `{code, message, response}`; the sandbox does the same so that
 * clients exercise their `code !== 0` branches against it. Control routes answer with bare JSON on
 * success but reuse the envelope for errors, so one error parser works for both.
 */
export interface Envelope<T> {
  code: number;
  message: string | null;
  response: T | null;
}

/** What a route hands back to the server; the body is sent as JSON unless `contentType` is set. */
export interface Reply {
  status: number;
  body: unknown;
  /** For the payment window's page, scripts and font: `body` is a string or bytes sent as is, with this type. */
  contentType?: string;
  /** A `lose_answer` fault: the call was handled, and this answer is never sent (the connection closes). */
  lost?: true;
}

/** The reply of a call whose answer a `lose_answer` fault drops: the call's effects stand. */
export const loseAnswer = (reply: Reply): Reply => ({ ...reply, lost: true });

export function ok<T>(response: T, status = 200): Reply {
  const body: Envelope<T> = { code: 0, message: null, response };
  return { status, body };
}

export function fail(status: number, code: number, message: string): Reply {
  const body: Envelope<null> = { code, message, response: null };
  return { status, body };
}

export function bare(body: unknown, status = 200): Reply {
  return { status, body };
}

/** A page, script, stylesheet or font file (the payment window and the JS SDK look-alike). */
export function content(body: string | Buffer, contentType: string, status = 200): Reply {
  return { status, body, contentType };
}

/** Thrown anywhere below a route; the server turns it into an envelope with this status and code. */
export class SandboxError extends Error {
  readonly status: number;
  readonly code: number;
  constructor(status: number, code: number, message: string) {
    super(message);
    this.name = 'SandboxError';
    this.status = status;
    this.code = code;
  }
}

/** Iamport's own wording where a source gave it; the README lists which ones are our choice. */
export const messages = {
  paymentNotFound: '존재하지 않는 결제정보입니다.',
  preparedNotFound: '사전등록된 결제정보가 존재하지 않습니다.',
  prepareDuplicate: '결제정보 사전등록에 실패하였습니다(이미 등록된 merchant_uid입니다).',
  cancelNotFound: '취소할 결제건이 존재하지 않습니다.',
  alreadyCancelled: '이미 전액취소된 주문입니다.',
  unsupportedStatus: '지원되지 않는 상태값입니다.',
  missingKeys: 'imp_key, imp_secret 파라메터가 누락되었습니다.',
  badKeys: 'imp_key, imp_secret 인증에 실패하였습니다.',
  cancelTargetMissing: 'imp_uid 또는 merchant_uid 중 하나는 지정해주셔야합니다.',
  checksumMismatch: '[checksum] 요청하신 취소가능잔액(checksum)이 실제 취소가능잔액과 일치하지 않습니다.',
  cancelTooMuch:
    '취소요청금액이 취소가능잔액보다 큽니다. (requested cancel amount is bigger than cancelable amount)',
  notCancellable: '결제완료 상태인 결제건만 취소할 수 있습니다.',
  refundAccountMissing:
    '가상계좌 환불에는 환불계좌 정보(refund_holder, refund_bank, refund_account)가 필요합니다.',
  bodyTooLarge: '요청 본문이 너무 큽니다. (최대 1MB)',
  badJson: '요청 본문이 올바른 JSON이 아닙니다.',
} as const;
