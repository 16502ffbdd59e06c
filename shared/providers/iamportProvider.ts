import {
  IamportInvalidRequestError,
  IamportNotFoundError,
  IamportRefusedError,
  isTransientIamportError,
} from '../iamport/errors';
import type { IamportApi } from '../iamport/types';
import type { CancelRequest, CancelResult, PaymentProvider } from '../payments/provider';
import { findBestAttempt } from './findBestAttempt';
import { attemptFromIamport } from './iamportAttempt';
import { type ErrorReading, withNeutralErrors } from './neutralErrors';

/** Iamport's answer when the payment has no balance left: the refund we wanted already happened. */
const ALREADY_CANCELLED = '이미 전액취소된 주문입니다.';

/** The V1 API as a {@link PaymentProvider}, over any `IamportApi` (the client, or the sandbox in-process). */
export function iamportProvider(iamport: IamportApi): PaymentProvider {
  return {
    api: 'v1',
    getAttempt: (impUid) => neutral(async () => attemptFromIamport(await iamport.getPayment(impUid))),
    findDecisiveAttempt: (merchantUid, options) =>
      neutral(async () =>
        attemptFromIamport(
          await findBestAttempt(iamport, merchantUid, { acceptSandboxPayments: options.acceptTestPayments }),
        ),
      ),
    cancel: (request) => cancel(iamport, request),
  };
}

/** Iamport's failures as the core's: an id that can name no payment is a payment not found. */
const iamportErrors: ErrorReading = {
  notFound: (error) => error instanceof IamportNotFoundError || error instanceof IamportInvalidRequestError,
  transient: isTransientIamportError,
};

const neutral = <T>(work: () => Promise<T>) => withNeutralErrors(iamportErrors, work);

/** `checksum` = the balance we read: if anyone cancelled meanwhile, Iamport refuses instead of refunding twice. */
function cancel(iamport: IamportApi, request: CancelRequest): Promise<CancelResult> {
  return neutral(() => cancelOnce(iamport, request));
}

async function cancelOnce(iamport: IamportApi, request: CancelRequest): Promise<CancelResult> {
  try {
    const after = await iamport.cancelPayment({
      imp_uid: request.attemptId,
      amount: request.amount,
      checksum: request.checksum,
      reason: request.reason,
    });
    const cancellationId = after.cancel_history?.at(-1)?.cancellation_id ?? undefined;
    return { kind: 'cancelled', ...(cancellationId ? { cancellationId } : {}) };
  } catch (error) {
    if (error instanceof IamportRefusedError && error.iamportMessage === ALREADY_CANCELLED) {
      return { kind: 'already_cancelled' };
    }
    if (error instanceof IamportRefusedError) return { kind: 'refused', message: error.iamportMessage };
    throw error;
  }
}
