import { randomInt } from 'node:crypto';
import type { IamportPayment, WebhookFormat } from './payment';

/**
 * One payment attempt plus what Iamport keeps about it but never shows: when it last changed (for the
 * `updated` sortings) and where its notices go.
 */
export interface PaymentRecord {
  payment: IamportPayment;
  /** Creation order; breaks ties between attempts started in the same second. */
  readonly seq: number;
  updatedAt: number;
  /** Order of the latest change; breaks ties between updates in the same second. */
  updateSeq: number;
  /** The SDK's per-payment `notice_url`: replaces the configured webhook URL for this payment. */
  noticeUrl: string | null;
  webhookFormat: WebhookFormat | null;
}

export interface RecordMeta {
  noticeUrl?: string | null | undefined;
  webhookFormat?: WebhookFormat | null | undefined;
}

export class PaymentStore {
  private readonly records = new Map<string, PaymentRecord>();
  private seq = 0;
  private updateSeq = 0;

  /** `imp_` + 12 digits, the shape of real imp_uids; unique within this store. */
  newImpUid(): string {
    for (;;) {
      const candidate = `imp_${String(randomInt(1, 1_000_000_000_000)).padStart(12, '0')}`;
      if (!this.records.has(candidate)) return candidate;
    }
  }

  insert(payment: IamportPayment, meta: RecordMeta, now: number): PaymentRecord {
    this.seq += 1;
    this.updateSeq += 1;
    const record: PaymentRecord = {
      payment,
      seq: this.seq,
      updatedAt: now,
      updateSeq: this.updateSeq,
      noticeUrl: meta.noticeUrl ?? null,
      webhookFormat: meta.webhookFormat ?? null,
    };
    this.records.set(payment.imp_uid, record);
    return record;
  }

  /** Call after every state change of a record, so `updated` sortings see it. */
  touch(record: PaymentRecord, now: number): void {
    this.updateSeq += 1;
    record.updatedAt = now;
    record.updateSeq = this.updateSeq;
  }

  get(impUid: string): PaymentRecord | undefined {
    return this.records.get(impUid);
  }

  byMerchantUid(merchantUid: string): PaymentRecord[] {
    return this.all().filter((r) => r.payment.merchant_uid === merchantUid);
  }

  all(): PaymentRecord[] {
    return [...this.records.values()];
  }

  clear(): void {
    this.records.clear();
  }
}
