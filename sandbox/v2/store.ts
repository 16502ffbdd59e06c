import { randomUUID } from 'node:crypto';
import type { V2Cancellation, V2ChannelType, V2Currency, V2Customer, V2Failure, V2Status } from './types';

export type V2MethodKind = 'CARD' | 'VIRTUAL_ACCOUNT';

/**
 * One V2 payment as the sandbox keeps it. V2 names a payment by the merchant's `paymentId`: a new attempt
 * under the same id replaces an unfinished one (with a new `transactionId`), as only one attempt of a
 * `paymentId` can succeed. Times are sandbox-clock ms; money is integers of the currency's smallest unit.
 */
export interface V2PaymentRecord {
  id: string;
  transactionId: string;
  storeId: string;
  status: V2Status;
  channel: V2ChannelType;
  method: V2MethodKind;
  orderName: string;
  currency: V2Currency;
  total: number;
  taxFree: number;
  /** The paid amount (0 until paid); `cancelled` counts down what is left to refund. */
  paid: number;
  cancelled: number;
  cancelledTaxFree: number;
  customer: V2Customer;
  customData: string | undefined;
  pgTxId: string;
  card: { approvalNumber: string; number: string } | null;
  virtualAccount: { accountNumber: string; issuedAt: number; expiredAt: number } | null;
  requestedAt: number;
  updatedAt: number;
  statusChangedAt: number;
  paidAt: number | null;
  failedAt: number | null;
  cancelledAt: number | null;
  failure: V2Failure | null;
  cancellations: V2Cancellation[];
  /** The request's `noticeUrls[0]`: notices about this payment go there instead of the console's URL. */
  noticeUrl?: string | undefined;
}

/** `POST /payments/{paymentId}/pre-register`: what a checkout of that payment must match. */
export interface V2PreRegistration {
  totalAmount: number | null;
  taxFreeAmount: number | null;
  currency: V2Currency | null;
}

export class V2PaymentStore {
  private readonly records = new Map<string, V2PaymentRecord>();
  private readonly preRegistered = new Map<string, V2PreRegistration>();

  /** A UUID, the shape of PortOne's transaction ids; opaque to clients. */
  newTransactionId(): string {
    return randomUUID();
  }

  put(record: V2PaymentRecord): V2PaymentRecord {
    this.records.set(record.id, record);
    return record;
  }

  get(paymentId: string): V2PaymentRecord | undefined {
    return this.records.get(paymentId);
  }

  all(): V2PaymentRecord[] {
    return [...this.records.values()];
  }

  preRegister(paymentId: string, entry: V2PreRegistration): void {
    this.preRegistered.set(paymentId, { ...entry });
  }

  preRegistration(paymentId: string): V2PreRegistration | undefined {
    const entry = this.preRegistered.get(paymentId);
    return entry ? { ...entry } : undefined;
  }

  clear(): void {
    this.records.clear();
    this.preRegistered.clear();
  }
}

/** Changes the status and the two timestamps every change moves. */
export function moveTo(record: V2PaymentRecord, status: V2Status, now: number): void {
  record.status = status;
  record.statusChangedAt = now;
  record.updatedAt = now;
}

export const balanceOf = (record: V2PaymentRecord): number => record.paid - record.cancelled;
export const taxFreeBalanceOf = (record: V2PaymentRecord): number =>
  (record.paid > 0 ? record.taxFree : 0) - record.cancelledTaxFree;
