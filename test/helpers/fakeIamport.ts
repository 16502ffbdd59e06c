import * as v from 'valibot';
import {
  cancelFromConsole,
  createSandbox,
  faultError,
  inProcessIamport,
  messages,
  type SandboxState,
  seedPayment,
} from '../../sandbox/index';
import { IamportRefusedError } from '../../shared/iamport/errors';
import {
  type CancelPaymentRequest,
  type IamportApi,
  type Payment,
  type Prepared,
  type PreparePaymentRequest,
  paymentSchema,
} from '../../shared/iamport/types';
import { FIXED_NOW, turn } from './fixtures';

export type IamportMethod = keyof IamportApi;

/** The sandbox's wordings, under the name the tests know. */
export const IAMPORT_MESSAGES = messages;

export interface FailOptions {
  /** The error to throw; by default what the client throws when the sandbox answers HTTP 503. */
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
 * A recorder around the sandbox's in-process `IamportApi` (`sandbox/inProcess.ts`), as undici's MockAgent
 * is a Dispatcher: every answer (shapes, sorting, paging, 404s, cancel and prepare refusals, hidden
 * test-channel payments) and every refusal of a bad request is the sandbox's and the real client's. The
 * fake adds what tests read and stage: `calls` per method (failed or not), `asked` ids, the `cancels` and
 * `prepares` logs, and `failNext()` faults per method. `state` is the sandbox itself, on a clock fixed at
 * FIXED_NOW: its `faults` apply as over HTTP.
 */
export class FakeIamport implements IamportApi {
  readonly calls: Record<IamportMethod, number> = {
    getPayment: 0,
    findPayment: 0,
    findAllPayments: 0,
    listPaymentsByStatus: 0,
    cancelPayment: 0,
    preparePayment: 0,
    getPrepared: 0,
  };
  /** `method id` for every call, in order. */
  readonly asked: string[] = [];
  /** Every `cancelPayment` call in order, with what became of it. */
  readonly cancels: CancelCall[] = [];
  /** Every `preparePayment` request in order. */
  readonly prepares: PreparePaymentRequest[] = [];
  readonly state: SandboxState = createSandbox({ now: () => FIXED_NOW.getTime() });
  private includingSandbox = false;
  private api = inProcessIamport(this.state);
  private readonly failures = new Map<IamportMethod, Required<FailOptions>[]>();

  constructor(...payments: Payment[]) {
    this.add(...payments);
  }

  /** Like the client's `includeSandbox` (production sets it to `acceptSandboxPayments`). @default false */
  get includeSandbox(): boolean {
    return this.includingSandbox;
  }
  set includeSandbox(include: boolean) {
    this.includingSandbox = include;
    this.api = inProcessIamport(this.state, { includeSandbox: include });
  }

  /** Iamport's clock in unix seconds (the sandbox clock); cancels are stamped with it. */
  get nowSeconds(): number {
    return this.state.clock.nowSeconds();
  }
  set nowSeconds(seconds: number) {
    this.state.clock.set(seconds * 1000);
  }

  /** Every call to Iamport, failed or not. */
  get totalCalls(): number {
    return Object.values(this.calls).reduce((sum, count) => sum + count, 0);
  }

  /** Adds or replaces payments (a buyer finishing the window, a vbank deposit, an admin action). */
  add(...payments: Payment[]): this {
    for (const payment of payments) seedPayment(this.state, payment);
    return this;
  }

  /** Registers a prepared amount as if another system had already called prepare. */
  addPrepared(prepared: Prepared): this {
    const entry = { ...prepared, currency: prepared.currency ?? null };
    if (!this.state.prepared.register(entry)) this.state.prepared.update(entry);
    return this;
  }

  /** The payment as Iamport now holds it, as the client reads it (uncounted). */
  payment(impUid: string): Payment {
    return v.parse(paymentSchema, this.record(impUid).payment);
  }

  /** The `cancellation_id`s the sandbox issued for `impUid`'s cancels (random, as Iamport's), in order. */
  cancellationIds(impUid: string): string[] {
    return this.record(impUid).payment.cancel_history.map((entry) => entry.cancellation_id);
  }

  /** Cancels accepted by Iamport. */
  get successfulCancels(): CancelCall[] {
    return this.cancels.filter((call) => call.outcome === 'cancelled');
  }

  /** A cancel made in Iamport's admin console (the sandbox's): no checksum, not an API call. */
  cancelFromConsole(impUid: string, amount?: number): Payment {
    const outcome = cancelFromConsole(this.state, this.record(impUid), { amount, notify: true });
    if (!outcome.ok) throw new Error(`console cancel of ${impUid} refused: ${outcome.message}`);
    return this.payment(impUid);
  }

  /** Makes the next `times` calls of `method` fail (after the calls already scripted). */
  failNext(method: IamportMethod, times = 1, options: FailOptions = {}): this {
    const failure = {
      error: options.error ?? (() => faultError(method)),
      afterEffect: options.afterEffect ?? false,
    };
    const queue = this.failures.get(method) ?? [];
    this.failures.set(method, [...queue, ...Array.from({ length: times }, () => failure)]);
    return this;
  }

  getPayment: IamportApi['getPayment'] = (impUid) =>
    this.call('getPayment', impUid, () => this.api.getPayment(impUid));

  findPayment: IamportApi['findPayment'] = (merchantUid, status) =>
    this.call('findPayment', merchantUid, () => this.api.findPayment(merchantUid, status));

  findAllPayments: IamportApi['findAllPayments'] = (merchantUid, options) =>
    this.call('findAllPayments', merchantUid, () => this.api.findAllPayments(merchantUid, options));

  listPaymentsByStatus: IamportApi['listPaymentsByStatus'] = (status, options) =>
    this.call('listPaymentsByStatus', status, () => this.api.listPaymentsByStatus(status, options));

  getPrepared: IamportApi['getPrepared'] = (merchantUid) =>
    this.call('getPrepared', merchantUid, () => this.api.getPrepared(merchantUid));

  preparePayment: IamportApi['preparePayment'] = (request) => {
    this.prepares.push({ ...request });
    return this.call('preparePayment', request.merchant_uid, () => this.api.preparePayment(request));
  };

  cancelPayment: IamportApi['cancelPayment'] = (request) => {
    const record: CancelCall = { request: { ...request }, outcome: 'failed' };
    this.cancels.push(record);
    return this.call('cancelPayment', request.imp_uid, async () => {
      try {
        const payment = await this.api.cancelPayment(request);
        record.outcome = 'cancelled';
        const cancellationId = payment.cancel_history?.at(-1)?.cancellation_id;
        if (cancellationId) record.cancellation_id = cancellationId;
        return payment;
      } catch (error) {
        if (error instanceof IamportRefusedError) record.outcome = 'refused';
        throw error;
      }
    });
  };

  private async call<T>(method: IamportMethod, id: string, work: () => Promise<T>): Promise<T> {
    this.calls[method] += 1;
    this.asked.push(`${method} ${id}`);
    const failure = this.failures.get(method)?.shift();
    if (failure === undefined) return work();
    if (!failure.afterEffect) {
      await turn();
      throw failure.error();
    }
    await work();
    throw failure.error();
  }

  private record(impUid: string) {
    const record = this.state.payments.get(impUid);
    if (!record) throw new Error(`no payment ${impUid} in the fake`);
    return record;
  }
}
