import { IamportRefusedError } from '../iamport/errors';
import type { IamportApi } from '../iamport/types';
import { apiOf } from '../orders/attemptIds';
import type { NewOrder, OrderStore } from '../orders/store';
import type { Order } from '../orders/types';
import { PortOneRefusedError } from '../portone/errors';
import type { PortOneApi } from '../portone/types';
import { MAX_DELAY_SECONDS, type RetryQueue } from '../queue/types';
import { SWEEP_GRACE_SECONDS } from '../reconcile/schedule';

export interface RegisterDeps {
  orders: OrderStore;
  iamport: Pick<IamportApi, 'preparePayment' | 'getPrepared'>;
  /** PortOne V2, where this stage serves it: a V2 order's amount is pre-registered there. */
  portone?: Pick<PortOneApi, 'preRegisterPayment'>;
  queue: RetryQueue;
  /** When the lost-result check runs after registration (`RECONCILE_AFTER_SECONDS`). */
  reconcileAfterSeconds: number;
  now?: () => Date;
  /** Told when the check could not be queued; the sweeper covers the order anyway. */
  onScheduleFailure?: (error: unknown) => void;
}

export type RegisterOutcome =
  | { kind: 'created'; order: Order }
  | { kind: 'repeated'; order: Order }
  | { kind: 'conflict'; order: Order }
  | { kind: 'prepared_conflict'; order: Order; preparedAmount: number }
  /** A V2 order on a stage that serves V1 alone: nothing stored. */
  | { kind: 'api_not_served' };

/**
 * `POST /orders`: stores the amount the merchant expects, then registers it with Iamport's prepare
 * API so the payment window refuses any other amount. The store is written first: it is our truth,
 * and a repeat of the same request retries the registration if Iamport was unreachable.
 */
export async function registerOrder(deps: RegisterDeps, input: NewOrder): Promise<RegisterOutcome> {
  const api = input.api ?? 'v1';
  if (api === 'v2' && !deps.portone) return { kind: 'api_not_served' };
  const now = deps.now ?? (() => new Date());
  const at = now();
  const checkAt = Math.floor(at.getTime() / 1000) + deps.reconcileAfterSeconds;
  // The index's due time trails the queued check, so the sweeper only acts if the message is lost.
  const { created, order } = await deps.orders.create(input, at, checkAt + SWEEP_GRACE_SECONDS);
  if (created) await scheduleFirstCheck(deps, input.merchant_uid, checkAt);
  if (
    !created &&
    (order.amount !== input.amount || order.currency !== input.currency || apiOf(order) !== api)
  ) {
    return { kind: 'conflict', order };
  }
  // Prepare only matters before payment; a settled order needs no window guard.
  if (order.status === 'pending') {
    if (api === 'v2' && deps.portone) {
      await preRegister(deps.portone, input);
    } else {
      const preparedAmount = await prepare(deps.iamport, input);
      if (preparedAmount !== undefined) return { kind: 'prepared_conflict', order, preparedAmount };
    }
  }
  return { kind: created ? 'created' : 'repeated', order };
}

/** Returns the amount Iamport holds when it differs from ours; undefined when registered as ours. */
async function prepare(iamport: RegisterDeps['iamport'], input: NewOrder): Promise<number | undefined> {
  try {
    await iamport.preparePayment({
      merchant_uid: input.merchant_uid,
      amount: input.amount,
      currency: input.currency,
    });
    return undefined;
  } catch (error) {
    // A duplicate registration is refused with code 1: fine if it holds our amount.
    if (!(error instanceof IamportRefusedError)) throw error;
    const prepared = await iamport.getPrepared(input.merchant_uid);
    return prepared.amount === input.amount ? undefined : prepared.amount;
  }
}

/**
 * V2's pre-registration: the payment window then refuses any other amount. Already paid means the
 * buyer was quicker than the repeat of this request: the verification judges that payment.
 */
async function preRegister(portone: NonNullable<RegisterDeps['portone']>, input: NewOrder): Promise<void> {
  try {
    await portone.preRegisterPayment({
      paymentId: input.merchant_uid,
      totalAmount: input.amount,
      currency: 'KRW',
    });
  } catch (error) {
    if (error instanceof PortOneRefusedError && error.portOneType === 'ALREADY_PAID') return;
    throw error;
  }
}

/**
 * The lost-result check (docs/design.md §6): catches the buyer who paid while both redirect and webhook
 * were lost.
 */
async function scheduleFirstCheck(deps: RegisterDeps, merchantUid: string, checkAt: number): Promise<void> {
  const longWait = deps.reconcileAfterSeconds > MAX_DELAY_SECONDS;
  try {
    await deps.queue.send(
      {
        merchant_uid: merchantUid,
        reason: 'lost_result_check',
        attempt: 1,
        ...(longWait ? { not_before: checkAt } : {}),
      },
      Math.min(deps.reconcileAfterSeconds, MAX_DELAY_SECONDS),
    );
  } catch (error) {
    deps.onScheduleFailure?.(error);
  }
}
