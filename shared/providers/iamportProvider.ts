import {
  IamportInvalidRequestError,
  IamportNotFoundError,
  IamportRefusedError,
  isTransientIamportError,
} from '../iamport/errors';
import type { IamportApi, KnownPaymentStatus } from '../iamport/types';
import type {
  AttemptPage,
  CancelRequest,
  CancelResult,
  LedgerWindow,
  PaymentProvider,
} from '../payments/provider';
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
    listAttempts: (window, cursor) => neutral(() => listAttempts(iamport, window, cursor)),
  };
}

/** V1 keeps a partly cancelled payment `paid` (with `cancel_amount`); a fully cancelled one `cancelled`. */
const LISTED_STATUSES: readonly KnownPaymentStatus[] = ['paid', 'cancelled'];
const LIST_PAGE_LIMIT = 100;

/** `<status index>:<page>`: which status list, and which of its pages, comes next. */
function readCursor(cursor: string | undefined): { status: number; page: number } {
  const match = cursor === undefined ? null : /^(\d+):(\d+)$/.exec(cursor);
  if (cursor !== undefined && match === null)
    throw new IamportInvalidRequestError(`not a V1 ledger cursor: ${cursor}`);
  return { status: Number(match?.[1] ?? 0), page: Number(match?.[2] ?? 1) };
}

/** `GET /payments/status/{status}` for each listed status in turn, by the time of that status. */
async function listAttempts(
  iamport: IamportApi,
  window: LedgerWindow,
  cursor: string | undefined,
): Promise<AttemptPage> {
  const at = readCursor(cursor);
  const status = LISTED_STATUSES[at.status];
  if (status === undefined) return { attempts: [] };
  const list = await iamport.listPaymentsByStatus(status, {
    from: Math.floor(window.from.getTime() / 1000),
    // Iamport's `to` is inclusive; the window's `until` is not.
    to: Math.ceil(window.until.getTime() / 1000) - 1,
    page: at.page,
    limit: LIST_PAGE_LIMIT,
    sorting: 'started',
  });
  const more = at.page * LIST_PAGE_LIMIT < list.total && list.list.length > 0;
  const next = more
    ? `${at.status}:${at.page + 1}`
    : at.status + 1 < LISTED_STATUSES.length
      ? `${at.status + 1}:1`
      : undefined;
  return { attempts: list.list.map(attemptFromIamport), ...(next === undefined ? {} : { next }) };
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
    // No payment by that id, or an id no request could carry: no retry mends it; a person must look
    // (a refund's failure is recorded), rather than the claim staying open behind a 500.
    if (error instanceof IamportNotFoundError || error instanceof IamportInvalidRequestError) {
      return { kind: 'refused', message: error.message };
    }
    throw error;
  }
}
