import {
  IamportNotFoundError,
  IamportRefusedError,
  IamportUnavailableError,
} from '../../shared/iamport/errors';
import { cancelBody, prepareBody } from '../../shared/iamport/requests';
import type {
  CancelPaymentRequest,
  FindAllOptions,
  IamportApi,
  KnownPaymentStatus,
  Payment,
  PaymentPage,
  PaymentSorting,
  Prepared,
  PreparePaymentRequest,
} from '../../shared/iamport/types';
import { FIXED_UNIX, turn } from './fixtures';
// ---------------------------------------------------------------------------------------------------
// FakeIamport
// ---------------------------------------------------------------------------------------------------

export type IamportMethod = keyof IamportApi;

/** Messages as the sandbox (and, where known, Iamport) words them. */
export const IAMPORT_MESSAGES = {
  paymentNotFound: '존재하지 않는 결제정보입니다.',
  preparedNotFound: '사전등록된 결제정보가 존재하지 않습니다.',
  prepareDuplicate: '결제정보 사전등록에 실패하였습니다(이미 등록된 merchant_uid입니다).',
  cancelNotFound: '취소할 결제건이 존재하지 않습니다.',
  alreadyCancelled: '이미 전액취소된 주문입니다.',
  checksumMismatch: '[checksum] 요청하신 취소가능잔액(checksum)이 실제 취소가능잔액과 일치하지 않습니다.',
  cancelTooMuch: '취소요청금액이 취소가능잔액보다 큽니다.',
  notCancellable: '결제완료 상태인 결제건만 취소할 수 있습니다.',
} as const;

interface ScriptedFailure {
  error: () => Error;
  /** The call takes effect at Iamport and only the answer is lost (a timeout after the work was done). */
  afterEffect: boolean;
}

export interface FailOptions {
  /** The error to throw; an `IamportUnavailableError` (HTTP 503) by default. */
  error?: () => Error;
  /** Apply the call first, then fail: the request reached Iamport but its answer never came back. */
  afterEffect?: boolean;
}

/** A cancel as the fake received it, and whether Iamport accepted it. */
export interface CancelCall {
  request: CancelPaymentRequest;
  outcome: 'cancelled' | 'refused' | 'failed';
  cancellation_id?: string;
}

/**
 * `IamportApi` over a map of payments by imp_uid. Cancels are applied as Iamport applies them:
 * a fully cancelled payment is refused with "이미 전액취소된 주문입니다.", a `checksum` other than
 * `amount - cancel_amount` is refused (code 1), and an accepted cancel moves the payment to `cancelled`
 * with its `cancel_amount` and a `cancel_history` entry carrying a fresh `cancellation_id`.
 * `failNext()` scripts errors per method; `calls` counts every call, failed or not.
 */
export class FakeIamport implements IamportApi {
  readonly calls: Record<IamportMethod, number> = {
    getPayment: 0,
    findPayment: 0,
    findAllPayments: 0,
    cancelPayment: 0,
    preparePayment: 0,
    getPrepared: 0,
  };
  /** Every `cancelPayment` call in order, with what became of it. */
  readonly cancels: CancelCall[] = [];
  /** Every `preparePayment` request in order. */
  readonly prepares: PreparePaymentRequest[] = [];
  private readonly payments = new Map<string, Payment>();
  private readonly prepared = new Map<string, Prepared>();
  private readonly failures = new Map<IamportMethod, ScriptedFailure[]>();
  private cancellationSeq = 0;
  /** Iamport's clock in unix seconds; cancels are stamped with it. */
  nowSeconds = FIXED_UNIX;

  constructor(...payments: Payment[]) {
    this.add(...payments);
  }

  /** Adds or replaces payments (a buyer finishing the window, a vbank deposit, an admin action). */
  add(...payments: Payment[]): this {
    for (const payment of payments) this.payments.set(payment.imp_uid, structuredClone(payment));
    return this;
  }

  /** Registers a prepared amount as if another system had already called prepare. */
  addPrepared(prepared: Prepared): this {
    this.prepared.set(prepared.merchant_uid, { ...prepared });
    return this;
  }

  /** The payment as Iamport now holds it (uncounted). */
  payment(impUid: string): Payment {
    const payment = this.payments.get(impUid);
    if (!payment) throw new Error(`no payment ${impUid} in the fake`);
    return structuredClone(payment);
  }

  /** Makes the next `times` calls of `method` fail (after the calls already scripted). */
  failNext(method: IamportMethod, times = 1, options: FailOptions = {}): this {
    const error =
      options.error ?? (() => new IamportUnavailableError(`${method}: HTTP 503`, { httpStatus: 503 }));
    const queue = this.failures.get(method) ?? [];
    for (let i = 0; i < times; i++) queue.push({ error, afterEffect: options.afterEffect ?? false });
    this.failures.set(method, queue);
    return this;
  }

  /** Cancels accepted by Iamport. */
  get successfulCancels(): CancelCall[] {
    return this.cancels.filter((call) => call.outcome === 'cancelled');
  }

  /** A cancel made in Iamport's admin console: no checksum, not counted as an API call. */
  cancelFromConsole(impUid: string, amount?: number): Payment {
    const payment = this.payments.get(impUid);
    if (!payment) throw new Error(`no payment ${impUid} in the fake`);
    return structuredClone(this.applyCancel(payment, amount ?? 0, 'console'));
  }

  async getPayment(impUid: string): Promise<Payment> {
    return this.call('getPayment', () => {
      const payment = this.payments.get(impUid);
      if (!payment) throw notFound('getPayment', IAMPORT_MESSAGES.paymentNotFound);
      return structuredClone(payment);
    });
  }

  async findPayment(merchantUid: string, status?: KnownPaymentStatus): Promise<Payment> {
    return this.call('findPayment', () => {
      const first = this.attempts(merchantUid, status, '-started')[0];
      if (!first) throw notFound('findPayment', IAMPORT_MESSAGES.paymentNotFound);
      return structuredClone(first);
    });
  }

  async findAllPayments(merchantUid: string, options: FindAllOptions = {}): Promise<PaymentPage> {
    return this.call('findAllPayments', () => {
      const list = this.attempts(merchantUid, options.status, options.sorting ?? '-started');
      // Like the sandbox: no attempt at all is a 404, not an empty page.
      if (list.length === 0) throw notFound('findAllPayments', IAMPORT_MESSAGES.paymentNotFound);
      const page = options.page ?? 1;
      const limit = options.limit ?? 20;
      const start = (page - 1) * limit;
      return {
        total: list.length,
        previous: page > 1 ? page - 1 : 0,
        next: start + limit < list.length ? page + 1 : 0,
        list: list.slice(start, start + limit).map((payment) => structuredClone(payment)),
      };
    });
  }

  async cancelPayment(request: CancelPaymentRequest): Promise<Payment> {
    const record: CancelCall = { request: { ...request }, outcome: 'failed' };
    this.cancels.push(record);
    return this.call('cancelPayment', () => {
      // The real client refuses a request that could only be wrong before anything is sent.
      cancelBody(request);
      const payment = this.payments.get(request.imp_uid);
      if (!payment) throw refused(IAMPORT_MESSAGES.cancelNotFound);
      const balance = money(payment.amount - payment.cancel_amount);
      // In this order, so that a retried full cancel is "already cancelled" whatever its checksum.
      const refusal =
        payment.status === 'cancelled' && balance <= 0
          ? IAMPORT_MESSAGES.alreadyCancelled
          : payment.status !== 'paid' && payment.status !== 'cancelled'
            ? IAMPORT_MESSAGES.notCancellable
            : money(request.checksum) !== balance
              ? IAMPORT_MESSAGES.checksumMismatch
              : request.amount !== undefined && money(request.amount) > balance
                ? IAMPORT_MESSAGES.cancelTooMuch
                : undefined;
      if (refusal) {
        record.outcome = 'refused';
        throw refused(refusal);
      }
      const after = this.applyCancel(payment, request.amount ?? 0, request.reason);
      record.outcome = 'cancelled';
      const cancellationId = after.cancel_history?.at(-1)?.cancellation_id;
      if (cancellationId) record.cancellation_id = cancellationId;
      return structuredClone(after);
    });
  }

  async preparePayment(request: PreparePaymentRequest): Promise<Prepared> {
    this.prepares.push({ ...request });
    return this.call('preparePayment', () => {
      prepareBody(request);
      if (this.prepared.has(request.merchant_uid)) throw refused(IAMPORT_MESSAGES.prepareDuplicate);
      const prepared: Prepared = {
        merchant_uid: request.merchant_uid,
        amount: request.amount,
        currency: request.currency ?? 'KRW',
      };
      this.prepared.set(request.merchant_uid, prepared);
      return { ...prepared };
    });
  }

  async getPrepared(merchantUid: string): Promise<Prepared> {
    return this.call('getPrepared', () => {
      const prepared = this.prepared.get(merchantUid);
      if (!prepared) throw notFound('getPrepared', IAMPORT_MESSAGES.preparedNotFound);
      return { ...prepared };
    });
  }

  private async call<T>(method: IamportMethod, work: () => T): Promise<T> {
    this.calls[method] += 1;
    const failure = this.failures.get(method)?.shift();
    await turn();
    if (failure && !failure.afterEffect) throw failure.error();
    const result = work();
    if (failure) throw failure.error();
    return result;
  }

  private attempts(merchantUid: string, status: string | undefined, sorting: PaymentSorting): Payment[] {
    const descending = sorting.startsWith('-');
    const field = descending ? sorting.slice(1) : sorting;
    const key = (payment: Payment): number =>
      field === 'paid'
        ? (payment.paid_at ?? 0)
        : field === 'updated'
          ? Math.max(payment.started_at ?? 0, payment.paid_at ?? 0, payment.cancelled_at ?? 0)
          : (payment.started_at ?? 0);
    const indexed = [...this.payments.values()]
      .filter((payment) => payment.merchant_uid === merchantUid && (!status || payment.status === status))
      .map((payment, seq) => ({ payment, seq }));
    const sign = descending ? -1 : 1;
    // Ties (attempts in the same second) keep insertion order in the direction of the sort, as the sandbox.
    indexed.sort((a, b) => sign * (key(a.payment) - key(b.payment) || a.seq - b.seq));
    return indexed.map(({ payment }) => payment);
  }

  private applyCancel(payment: Payment, amount: number, reason: string): Payment {
    const balance = money(payment.amount - payment.cancel_amount);
    const cancelled = amount > 0 ? money(amount) : balance;
    this.cancellationSeq += 1;
    const cancellationId = `cancel_${String(this.cancellationSeq).padStart(6, '0')}`;
    payment.cancel_amount = money(payment.cancel_amount + cancelled);
    payment.status = 'cancelled';
    payment.cancelled_at = this.nowSeconds;
    payment.cancel_reason = reason;
    payment.cancel_history = [
      ...(payment.cancel_history ?? []),
      {
        pg_tid: `cancel_tid_${this.cancellationSeq}`,
        amount: cancelled,
        cancelled_at: this.nowSeconds,
        reason,
        cancellation_id: cancellationId,
        receipt_url: null,
      },
    ];
    return payment;
  }
}

/** Decimal currencies: rounding keeps 0.1 + 0.2 from leaving a phantom balance (as the sandbox does). */
function money(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

function notFound(operation: string, message: string): IamportNotFoundError {
  return new IamportNotFoundError(`${operation}: ${message}`, { httpStatus: 404 });
}

function refused(message: string): IamportRefusedError {
  return new IamportRefusedError(1, message, { httpStatus: 200 });
}
