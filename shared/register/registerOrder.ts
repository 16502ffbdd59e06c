import { IamportRefusedError } from '../iamport/errors';
import type { IamportApi } from '../iamport/types';
import type { NewOrder, OrderStore } from '../orders/store';
import type { Order } from '../orders/types';
import { MAX_DELAY_SECONDS, type RetryQueue } from '../queue/types';
import { SWEEP_GRACE_SECONDS } from '../reconcile/schedule';

export interface RegisterDeps {
  orders: OrderStore;
  iamport: Pick<IamportApi, 'preparePayment' | 'getPrepared'>;
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
  | { kind: 'prepared_conflict'; order: Order; preparedAmount: number };

/**
 * `POST /orders`: stores the amount the merchant expects, then registers it with Iamport's prepare
 * API so the payment window refuses any other amount. The store is written first: it is our truth,
 * and a repeat of the same request retries the registration if Iamport was unreachable.
 */
export async function registerOrder(deps: RegisterDeps, input: NewOrder): Promise<RegisterOutcome> {
  const now = deps.now ?? (() => new Date());
  const at = now();
  const checkAt = Math.floor(at.getTime() / 1000) + deps.reconcileAfterSeconds;
  // The index's due time trails the queued check, so the sweeper only acts if the message is lost.
  const { created, order } = await deps.orders.create(input, at, checkAt + SWEEP_GRACE_SECONDS);
  if (created) await scheduleFirstCheck(deps, input.merchant_uid, checkAt);
  if (!created && (order.amount !== input.amount || order.currency !== input.currency)) {
    return { kind: 'conflict', order };
  }
  // Prepare only matters before payment; a settled order needs no window guard.
  if (order.status === 'pending') {
    const preparedAmount = await prepare(deps.iamport, input);
    if (preparedAmount !== undefined) return { kind: 'prepared_conflict', order, preparedAmount };
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
