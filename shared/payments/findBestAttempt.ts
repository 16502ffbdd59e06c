import type { IamportApi, Payment } from '../iamport/types';

/** Attempts read per merchant_uid; a buyer retrying more often than this is not a real checkout. */
const MAX_ATTEMPTS_READ = 100;

/**
 * With only a merchant_uid, the attempt that matters: a `paid` one wins over the latest one, then a cancelled one, then an issued
 * vbank, then the latest; `find` alone returns the most recently *started* attempt whatever its status (docs/iamport-v1.md §3).
 * Throws IamportNotFoundError when the merchant_uid has no attempt at all.
 */
export async function findBestAttempt(iamport: IamportApi, merchantUid: string): Promise<Payment> {
  const page = await iamport.findAllPayments(merchantUid, { sorting: '-started', limit: MAX_ATTEMPTS_READ });
  const latest = page.list[0];
  const paid = page.list.find((payment) => payment.status === 'paid');
  const best =
    paid ??
    page.list.find((payment) => payment.status === 'cancelled') ??
    page.list.find((payment) => payment.status === 'ready' && payment.pay_method === 'vbank') ??
    latest;
  if (best) return best;
  // An empty page is how some answers say "none"; keep one path for callers.
  return iamport.findPayment(merchantUid);
}
