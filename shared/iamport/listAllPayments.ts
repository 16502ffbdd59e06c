import { IamportError, IamportMalformedResponseError, IamportNotFoundError } from './errors';
import type { IamportApi, KnownPaymentStatus, Payment } from './types';

/** Attempts per findAll page while walking: one request covers every realistic merchant_uid. */
export const LIST_ALL_PAGE_LIMIT = 100;
/** Pages walked before giving up: 1,000 attempts for one order is abuse or a bug, not a payment. */
export const LIST_ALL_MAX_PAGES = 10;

/**
 * Every payment attempt Iamport holds for one `merchant_uid` (optionally in one status), oldest first;
 * `[]` when Iamport has none (its findAll answers 404 for that, which is an answer here, not an error).
 *
 * Walks `findAll` in `started` order so an attempt created during the walk lands on the last page instead
 * of shifting the pages already read; attempts seen twice are kept once. It never returns a truncated list:
 * more than {@link LIST_ALL_MAX_PAGES} pages throws an `IamportError`, and a `next` that does not move
 * forward throws `IamportMalformedResponseError`. Works with any `IamportApi`, fakes included.
 *
 * @example
 * const attempts = await listAllPayments(client, 'order_1');
 * const paid = attempts.find((payment) => payment.status === 'paid');
 */
export async function listAllPayments(
  api: Pick<IamportApi, 'findAllPayments'>,
  merchantUid: string,
  status?: KnownPaymentStatus,
): Promise<Payment[]> {
  const byImpUid = new Map<string, Payment>();
  let page = 1;
  for (let walked = 1; ; walked++) {
    const result = await api
      .findAllPayments(merchantUid, { status, page, limit: LIST_ALL_PAGE_LIMIT, sorting: 'started' })
      .catch((error: unknown) => {
        // Only the first page may be empty; a later page vanishing is not "no payments".
        if (page === 1 && error instanceof IamportNotFoundError) return undefined;
        throw error;
      });
    if (result === undefined) return [];
    for (const payment of result.list) {
      if (!byImpUid.has(payment.imp_uid)) byImpUid.set(payment.imp_uid, payment);
    }
    if (result.next === 0) return [...byImpUid.values()];
    if (result.next <= page) {
      throw new IamportMalformedResponseError(
        `findAllPayments: page ${page} points back to page ${result.next}`,
      );
    }
    if (walked >= LIST_ALL_MAX_PAGES) {
      throw new IamportError(`findAllPayments: more than ${LIST_ALL_MAX_PAGES} pages for one merchant_uid`);
    }
    page = result.next;
  }
}
