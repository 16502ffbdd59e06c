import type { Payment } from '../shared/iamport/types';
import { buildPayment, type IamportPayment, paymentStatuses } from './payment';
import type { SandboxState } from './state';
import type { PaymentRecord } from './store';

/**
 * Puts a payment into the sandbox as if it had happened there already, a test's starting point: the fields
 * given (a payment as the client reads it) over what a finished payment window would have recorded. A known
 * imp_uid is changed in place, keeping its creation order, as an attempt that moved on (a deposit, a cancel).
 */
export function seedPayment(state: SandboxState, seed: Payment): PaymentRecord {
  const status = paymentStatuses.find((s) => s === seed.status);
  if (status === undefined) throw new TypeError(`seedPayment: the sandbox has no status ${seed.status}`);
  const window = buildPayment(
    seed.imp_uid,
    {
      merchant_uid: seed.merchant_uid,
      amount: seed.amount,
      currency: seed.currency,
      sandbox: seed.sandbox,
      status: status === 'cancelled' ? 'paid' : status,
      pay_method: seed.pay_method ?? 'card',
      channel: 'pc',
    },
    state.clock.nowSeconds(),
  );
  const payment = overlay(window, seed);
  // The `updated` sortings read when a record last changed; for a seeded one, its latest timestamp.
  const updatedAt = Math.max(payment.started_at, payment.paid_at, payment.failed_at, payment.cancelled_at);
  const existing = state.payments.get(payment.imp_uid);
  if (existing === undefined) return state.payments.insert(payment, {}, updatedAt);
  existing.payment = payment;
  state.payments.touch(existing, updatedAt);
  return existing;
}

/**
 * `seed`'s fields over `base`. Sound without a schema of its own: `paymentSchema` keeps a subset of the
 * sandbox's fields under the same names and JSON types, only nullable where the sandbox always has a value
 * (a timestamp, a list); such a null keeps the base's value.
 */
function overlay(base: IamportPayment, seed: Payment): IamportPayment {
  const merged: IamportPayment = { ...base };
  for (const key of Object.keys(base)) {
    const value: unknown = Reflect.get(seed, key);
    if (value === undefined || (value === null && Reflect.get(base, key) !== null)) continue;
    Reflect.set(merged, key, value);
  }
  return merged;
}
