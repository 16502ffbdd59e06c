import { IamportNotFoundError, IamportUnavailableError } from '../iamport/errors';
import type { IamportApi, KnownPaymentStatus, Payment, PaymentPage } from '../iamport/types';
import { isAcceptable } from '../payments/decide';
import { attemptFromIamport } from './iamportAttempt';

/**
 * Attempts per findAll page (Iamport allows up to 1,000): a hundred hold every attempt of a real
 * checkout in one request and keep the answer small.
 */
export const ATTEMPT_PAGE_LIMIT = 100;
/**
 * Pages read per status once one page is not enough (1,000 attempts in one status). Past it the
 * search stops looking in that status, so an attempt buried deeper is not found by its merchant_uid
 * alone; its imp_uid (the PC callback, a webhook) still finds it.
 */
export const ATTEMPT_MAX_PAGES = 10;
/** Wall time for one search; spent, the search gives up as "Iamport unavailable" (retried later). */
export const ATTEMPT_SEARCH_BUDGET_MS = 8_000;

export interface AttemptSearchOptions {
  acceptSandboxPayments: boolean;
  /** @default ATTEMPT_SEARCH_BUDGET_MS */
  budgetMs?: number;
  /** @default Date.now */
  clock?: () => number;
}

/** What an attempt is worth to the order, best first: money held, money returned, money awaited. */
const worth: readonly { status: KnownPaymentStatus; matches(payment: Payment): boolean }[] = [
  { status: 'paid', matches: (payment) => payment.status === 'paid' },
  { status: 'cancelled', matches: (payment) => payment.status === 'cancelled' },
  {
    status: 'ready',
    matches: (payment) => payment.status === 'ready' && payment.pay_method === 'vbank',
  },
];

/**
 * With only a merchant_uid, the attempt that decides the order: among the attempts the order may
 * accept (test-channel ones only where the stage accepts them), a `paid` one, else a cancelled one,
 * else an issued vbank, else the latest; the newest of each kind. `find` alone returns the most
 * recently *started* attempt whatever its status (docs/iamport-v1.md §3), so it is not enough.
 *
 * One findAll call when the merchant_uid has at most {@link ATTEMPT_PAGE_LIMIT} attempts (every real
 * checkout). With more (failed windows anyone can open with the public merchant code), noise must not
 * push money out of sight: each kind is then looked up by its own status, newest first, at most
 * {@link ATTEMPT_MAX_PAGES} pages each, within {@link ATTEMPT_SEARCH_BUDGET_MS}.
 * Throws IamportNotFoundError when the merchant_uid has no attempt at all.
 */
export async function findBestAttempt(
  iamport: IamportApi,
  merchantUid: string,
  options: AttemptSearchOptions,
): Promise<Payment> {
  const clock = options.clock ?? Date.now;
  const budgetMs = options.budgetMs ?? ATTEMPT_SEARCH_BUDGET_MS;
  const deadline = clock() + budgetMs;
  const acceptable = (payment: Payment) => isAcceptable(attemptFromIamport(payment), options);
  const first = await readPage(iamport, merchantUid, undefined, 1);
  if (first === undefined)
    throw new IamportNotFoundError(`findBestAttempt: no attempt for this merchant_uid`);
  // An empty page is how some answers say "none"; keep one path (find's answer) for callers.
  const latest = first.list.find(acceptable) ?? first.list[0];
  if (latest === undefined) return iamport.findPayment(merchantUid);
  for (const kind of worth) {
    // The first page holds the newest attempts: a match there is the newest of its kind.
    const onFirstPage = first.list.find((payment) => kind.matches(payment) && acceptable(payment));
    if (onFirstPage) return onFirstPage;
    if (first.next === 0) continue;
    for (let page = 1; page <= ATTEMPT_MAX_PAGES; page++) {
      if (clock() > deadline) {
        throw new IamportUnavailableError(
          `findBestAttempt: searching one merchant_uid's attempts took over ${budgetMs} ms`,
        );
      }
      const result = await readPage(iamport, merchantUid, kind.status, page);
      const found = result?.list.find((payment) => kind.matches(payment) && acceptable(payment));
      if (found) return found;
      if (result === undefined || result.next === 0) break;
    }
  }
  return latest;
}

/** A page of attempts, newest first; `undefined` when there is none (findAll's 404). */
async function readPage(
  iamport: IamportApi,
  merchantUid: string,
  status: KnownPaymentStatus | undefined,
  page: number,
): Promise<PaymentPage | undefined> {
  try {
    return await iamport.findAllPayments(merchantUid, {
      ...(status ? { status } : {}),
      sorting: '-started',
      limit: ATTEMPT_PAGE_LIMIT,
      ...(page > 1 ? { page } : {}),
    });
  } catch (error) {
    if (error instanceof IamportNotFoundError) return undefined;
    throw error;
  }
}
