import {
  AttemptNotFoundError,
  type AttemptPage,
  type CancelRequest,
  type CancelResult,
  type LedgerWindow,
  type PaymentProvider,
} from '../payments/provider';
// The client's parts by file, not its index: an adapter needs no HTTP client (nor undici) of its own.
import {
  IDEMPOTENCY_OUTSTANDING_REQUEST,
  isTransientPortOneError,
  PortOneInvalidRequestError,
  PortOneNotFoundError,
  PortOneRefusedError,
} from '../portone/errors';
import { cancelIdempotencyKey } from '../portone/idempotency';
import type { PortOneApi } from '../portone/types';
import { type ErrorReading, withNeutralErrors } from './neutralErrors';
import { attemptFromPortOne } from './portoneAttempt';

/**
 * The V2 API as a {@link PaymentProvider}. V2 looks payments up by the paymentId (= our order id): the
 * state it returns is that of the payment's latest attempt, so `findDecisiveAttempt` is one GET and
 * `getAttempt` has nothing to look up by (V2 entry points name the paymentId).
 */
export function portoneProvider(portone: PortOneApi): PaymentProvider {
  return {
    api: 'v2',
    getAttempt: async (attemptId) => {
      throw new AttemptNotFoundError(`PortOne V2 finds payments by paymentId, not by attempt ${attemptId}`);
    },
    findDecisiveAttempt: (paymentId) =>
      neutral(async () => attemptFromPortOne(await portone.getPayment(paymentId))),
    cancel: (request) => cancel(portone, request),
    listAttempts: (window, cursor) => neutral(() => listAttempts(portone, window, cursor)),
  };
}

/** Payments that hold or held money. */
const LISTED_STATUSES = ['PAID', 'PARTIAL_CANCELLED', 'CANCELLED'] as const;
const LIST_PAGE_SIZE = 100;
/** PortOne serves at most 60,000 payments of one query: `(number + 1) * size`. */
const LAST_PAGE = 60_000 / LIST_PAGE_SIZE - 1;

/** `GET /payments`, filtered by the time of each payment's current status; the cursor is the page number. */
async function listAttempts(
  portone: PortOneApi,
  window: LedgerWindow,
  cursor: string | undefined,
): Promise<AttemptPage> {
  const page = cursor === undefined ? 0 : Number(cursor);
  if (!Number.isInteger(page) || page < 0 || page > LAST_PAGE) {
    throw new PortOneInvalidRequestError(`not a V2 ledger cursor: ${cursor}`);
  }
  const { items } = await portone.listPayments({
    from: window.from,
    until: window.until,
    status: LISTED_STATUSES,
    pageNumber: page,
    pageSize: LIST_PAGE_SIZE,
  });
  const more = items.length === LIST_PAGE_SIZE && page < LAST_PAGE;
  return { attempts: items.map(attemptFromPortOne), ...(more ? { next: String(page + 1) } : {}) };
}

const portoneErrors: ErrorReading = {
  notFound: (error) => error instanceof PortOneNotFoundError || error instanceof PortOneInvalidRequestError,
  transient: isTransientPortOneError,
};

const neutral = <T>(work: () => Promise<T>) => withNeutralErrors(portoneErrors, work);

/** V2's checksum is `currentCancellableAmount`; the key makes a retry after a timeout replay the first cancel. */
function cancel(portone: PortOneApi, request: CancelRequest): Promise<CancelResult> {
  return neutral(() => cancelOnce(portone, request));
}

async function cancelOnce(portone: PortOneApi, request: CancelRequest): Promise<CancelResult> {
  try {
    const { cancellation } = await portone.cancelPayment({
      paymentId: request.orderId,
      reason: request.reason,
      amount: request.amount,
      currentCancellableAmount: request.checksum,
      idempotencyKey: cancelIdempotencyKey(request.orderId, request.attemptId),
    });
    if (cancellation.status === 'SUCCEEDED') return { kind: 'cancelled', cancellationId: cancellation.id };
    // REQUESTED: the PG finishes it later (and says so by webhook); the claim stays open until then.
    if (cancellation.status === 'REQUESTED') return { kind: 'pending' };
    return { kind: 'refused', message: `cancellation ${cancellation.status}` };
  } catch (error) {
    if (error instanceof PortOneRefusedError && error.portOneType === 'PAYMENT_ALREADY_CANCELLED') {
      return { kind: 'already_cancelled' };
    }
    // Refused for good; the one refusal that is transient (the same key still running) is retried later.
    if (error instanceof PortOneRefusedError && error.portOneType !== IDEMPOTENCY_OUTSTANDING_REQUEST) {
      return { kind: 'refused', message: error.portOneMessage };
    }
    throw error;
  }
}
