/**
 * `POST /payments/prepare` registrations and the check the JS SDK applies before it opens a PG window.
 * The check lives here, apart from any route, so the control API and a future payment-window page
 * refuse a mismatched checkout with the same rule and the same words.
 */
export interface Prepared {
  merchant_uid: string;
  amount: number;
  /** null = the currency is not checked, as Iamport documents. */
  currency: string | null;
}

export class PrepareRegistry {
  private readonly entries = new Map<string, Prepared>();

  /** false when the merchant_uid is already registered (Iamport refuses; PUT changes it). */
  register(entry: Prepared): boolean {
    if (this.entries.has(entry.merchant_uid)) return false;
    this.entries.set(entry.merchant_uid, { ...entry });
    return true;
  }

  /** false when the merchant_uid was never registered. */
  update(entry: Prepared): boolean {
    if (!this.entries.has(entry.merchant_uid)) return false;
    this.entries.set(entry.merchant_uid, { ...entry });
    return true;
  }

  get(merchantUid: string): Prepared | undefined {
    const entry = this.entries.get(merchantUid);
    return entry ? { ...entry } : undefined;
  }

  clear(): void {
    this.entries.clear();
  }
}

export interface CheckoutAttempt {
  merchant_uid: string;
  amount: number;
  currency: string;
}

/**
 * Returns the refusal message when the attempt disagrees with the registration, or null when it may
 * proceed. Without a registration everything proceeds: prepare is opt-in.
 */
export function checkPrepared(prepared: Prepared | undefined, attempt: CheckoutAttempt): string | null {
  if (!prepared) return null;
  if (prepared.amount !== attempt.amount) {
    return `사전등록된 결제정보와 금액이 일치하지 않습니다. (merchant_uid: ${attempt.merchant_uid}, 사전등록 금액: ${prepared.amount}, 요청 금액: ${attempt.amount})`;
  }
  if (prepared.currency !== null && prepared.currency !== attempt.currency) {
    return `사전등록된 결제정보와 통화가 일치하지 않습니다. (merchant_uid: ${attempt.merchant_uid}, 사전등록 통화: ${prepared.currency}, 요청 통화: ${attempt.currency})`;
  }
  return null;
}
