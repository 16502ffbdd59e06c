import type { Reply } from '../envelope';
import type { V2ErrorBody } from './types';

/**
 * A V2 refusal: PortOne V2 answers errors with a real HTTP status and `{type, message}` (the OpenAPI's
 * `*Error` schemas), never V1's `{code, message, response}` envelope.
 */
export class V2Error extends Error {
  override readonly name = 'V2Error';
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export function v2Fail(status: number, type: string, message: string): Reply {
  const body: V2ErrorBody = { type, message };
  return { status, body };
}

/** A thrown `V2Error` as its answer; anything else is a bug of ours, a 500. */
export function toV2Reply(error: unknown): Reply {
  if (error instanceof V2Error) return v2Fail(error.status, error.type, error.message);
  console.error('[portone-sandbox] unexpected error', error);
  return v2Fail(500, 'INTERNAL_SERVER_ERROR', 'sandbox internal error');
}

/**
 * The sandbox's wording: the OpenAPI gives each error's `type` but not its `message`, so these are ours
 * (Korean, as PortOne's API answers; README "V2 errors").
 */
export const v2Messages = {
  unauthorized: '인증 정보가 올바르지 않습니다. (Authorization: PortOne <API Secret>)',
  paymentNotFound: '결제 건이 존재하지 않습니다.',
  forbiddenStore: '접근 권한이 없는 상점입니다.',
  notPaid: '결제가 완료되지 않았습니다.',
  alreadyCancelled: '이미 취소된 결제입니다.',
  consistencyBroken: '취소 가능 금액(currentCancellableAmount)이 실제 취소 가능 잔액과 일치하지 않습니다.',
  exceedsCancellable: '취소 금액이 취소 가능 금액을 초과합니다.',
  taxFreeExceeds: '면세 취소 금액이 취소 가능한 면세 금액을 초과합니다.',
  alreadyPaid: '이미 결제가 완료된 결제 건입니다.',
  notWaitingForDeposit: '입금 대기 중인 가상계좌 결제 건이 아닙니다.',
  outstanding: '같은 멱등 키(Idempotency-Key)의 요청이 아직 처리 중입니다. 잠시 후 다시 시도해 주세요.',
  keyReused: '같은 멱등 키(Idempotency-Key)로 다른 요청을 보낼 수 없습니다.',
  badKey: 'Idempotency-Key는 16~256자의 ASCII 문자열이어야 합니다.',
  badJson: '요청 본문이 올바른 JSON 객체가 아닙니다.',
  bodyTooLarge: '요청 본문이 너무 큽니다. (최대 1MB)',
} as const;
