import { describe, expect, it } from 'vitest';
import { IamportNotFoundError, IamportUnavailableError } from '../../../shared/iamport/errors';
import type { Payment } from '../../../shared/iamport/types';
import {
  ATTEMPT_MAX_PAGES,
  ATTEMPT_PAGE_LIMIT,
  findBestAttempt,
} from '../../../shared/providers/findBestAttempt';
import { aPayment, aVbankPayment, FakeIamport } from '../../helpers/fakes';

/** The nth attempt for order_1001, started n minutes after the first. */
function attempt(n: number, overrides: Partial<Payment>): Payment {
  return aPayment({ imp_uid: `imp_10000000000${n}`, started_at: 1_759_990_000 + n * 60, ...overrides });
}

/** A stage that refuses test-channel payments (production), and one that accepts them. */
const refusing = { acceptSandboxPayments: false };
const accepting = { acceptSandboxPayments: true };

/** `count` attempts numbered from `from`, started after every attempt of {@link attempt}. */
function many(from: number, count: number, overrides: Partial<Payment>): Payment[] {
  return Array.from({ length: count }, (_, i) =>
    aPayment({
      imp_uid: `imp_2${String(from + i).padStart(11, '0')}`,
      started_at: 1_760_000_000 + (from + i) * 60,
      paid_at: 0,
      ...overrides,
    }),
  );
}

describe('Function: findBestAttempt', () => {
  it('prefers a paid attempt over later failed and ready ones', async () => {
    const iamport = new FakeIamport(
      attempt(1, { status: 'paid' }),
      attempt(2, { status: 'failed', paid_at: 0 }),
      attempt(3, { status: 'ready', paid_at: 0 }),
    );

    const best = await findBestAttempt(iamport, 'order_1001', refusing);

    expect(best.imp_uid).toBe('imp_100000000001');
    expect(iamport.calls.findAllPayments).toBe(1);
    expect(iamport.calls.findPayment).toBe(0);
  });

  it('prefers the latest of several paid attempts', async () => {
    const iamport = new FakeIamport(attempt(1, { status: 'paid' }), attempt(2, { status: 'paid' }));

    expect((await findBestAttempt(iamport, 'order_1001', refusing)).imp_uid).toBe('imp_100000000002');
  });

  it('without a paid attempt, prefers a cancelled one, then an issued vbank, then the latest', async () => {
    const cancelled = new FakeIamport(
      attempt(1, { status: 'cancelled', cancel_amount: 14_000 }),
      aVbankPayment({ imp_uid: 'imp_100000000002', started_at: 1_759_990_120 }),
      attempt(3, { status: 'failed' }),
    );
    const vbank = new FakeIamport(
      aVbankPayment({ imp_uid: 'imp_100000000001', started_at: 1_759_990_060 }),
      attempt(2, { status: 'ready', pay_method: 'card' }),
      attempt(3, { status: 'failed' }),
    );
    const latest = new FakeIamport(attempt(1, { status: 'ready' }), attempt(2, { status: 'failed' }));

    expect((await findBestAttempt(cancelled, 'order_1001', refusing)).imp_uid).toBe('imp_100000000001');
    expect((await findBestAttempt(vbank, 'order_1001', refusing)).imp_uid).toBe('imp_100000000001');
    expect((await findBestAttempt(latest, 'order_1001', refusing)).imp_uid).toBe('imp_100000000002');
  });

  it('ignores attempts of other merchant_uids', async () => {
    const iamport = new FakeIamport(
      attempt(1, { status: 'failed' }),
      attempt(2, { status: 'paid', merchant_uid: 'order_2002' }),
    );

    expect((await findBestAttempt(iamport, 'order_1001', refusing)).imp_uid).toBe('imp_100000000001');
  });

  it('throws IamportNotFoundError when the merchant_uid has no attempt', async () => {
    await expect(findBestAttempt(new FakeIamport(), 'order_1001', refusing)).rejects.toBeInstanceOf(
      IamportNotFoundError,
    );
  });

  it('falls back to find when findAll answers with an empty page', async () => {
    const iamport = new FakeIamport(attempt(1, { status: 'paid' }));
    iamport.findAllPayments = async () => ({ total: 0, previous: 0, next: 0, list: [] });

    const best = await findBestAttempt(iamport, 'order_1001', refusing);

    expect(best.imp_uid).toBe('imp_100000000001');
    expect(iamport.calls.findPayment).toBe(1);
  });

  it('ignores a test-channel attempt where the stage refuses them, even a newer paid one', async () => {
    const attempts = [attempt(1, { status: 'paid' }), attempt(2, { status: 'paid', sandbox: true })];

    expect((await findBestAttempt(new FakeIamport(...attempts), 'order_1001', refusing)).imp_uid).toBe(
      'imp_100000000001',
    );
    expect((await findBestAttempt(new FakeIamport(...attempts), 'order_1001', accepting)).imp_uid).toBe(
      'imp_100000000002',
    );
  });

  it('gives the latest attempt when none may be accepted, so the order is refused, not left', async () => {
    const iamport = new FakeIamport(
      attempt(1, { status: 'paid', sandbox: true }),
      attempt(2, { status: 'failed', sandbox: true }),
    );

    expect((await findBestAttempt(iamport, 'order_1001', refusing)).imp_uid).toBe('imp_100000000002');
  });

  it('finds a paid attempt behind more than a page of newer failed attempts', async () => {
    const iamport = new FakeIamport(
      attempt(1, { status: 'paid' }),
      ...many(1, ATTEMPT_PAGE_LIMIT, { status: 'failed' }),
    );

    const best = await findBestAttempt(iamport, 'order_1001', refusing);

    expect(best.imp_uid).toBe('imp_100000000001');
    // The newest page, then the paid attempts by their own status.
    expect(iamport.calls.findAllPayments).toBe(2);
  });

  it('finds a paid attempt behind pages of newer failed and test-channel paid attempts', async () => {
    const iamport = new FakeIamport(
      attempt(1, { status: 'paid' }),
      ...many(1, 150, { status: 'paid', sandbox: true, paid_at: 1_760_100_000 }),
      ...many(200, ATTEMPT_PAGE_LIMIT, { status: 'failed' }),
    );

    expect((await findBestAttempt(iamport, 'order_1001', refusing)).imp_uid).toBe('imp_100000000001');
    // The newest page, then two pages of paid attempts.
    expect(iamport.calls.findAllPayments).toBe(3);
  });

  it('still prefers a cancelled attempt, then an issued vbank, over pages of failed ones', async () => {
    const cancelled = new FakeIamport(
      attempt(1, { status: 'cancelled', cancel_amount: 14_000 }),
      ...many(1, ATTEMPT_PAGE_LIMIT, { status: 'failed' }),
    );
    const vbank = new FakeIamport(
      aVbankPayment({ imp_uid: 'imp_100000000001', started_at: 1_759_990_060 }),
      ...many(1, ATTEMPT_PAGE_LIMIT, { status: 'ready', pay_method: 'card' }),
    );

    expect((await findBestAttempt(cancelled, 'order_1001', refusing)).imp_uid).toBe('imp_100000000001');
    expect((await findBestAttempt(vbank, 'order_1001', refusing)).imp_uid).toBe('imp_100000000001');
  });

  it(`stops after ${ATTEMPT_MAX_PAGES} pages of one status and decides on what it read`, async () => {
    const buried = ATTEMPT_MAX_PAGES * ATTEMPT_PAGE_LIMIT;
    const iamport = new FakeIamport(
      attempt(1, { status: 'paid' }),
      ...many(1, buried, { status: 'paid', sandbox: true, paid_at: 1_760_100_000 }),
      ...many(buried + 1, 1, { status: 'failed' }),
    );

    const best = await findBestAttempt(iamport, 'order_1001', refusing);

    // The latest acceptable attempt: the order is decided on it, the buried one waits for its imp_uid.
    expect(best.status).toBe('failed');
    // The newest page, 10 pages of paid, then one page each of cancelled and ready (none: 404).
    expect(iamport.calls.findAllPayments).toBe(1 + ATTEMPT_MAX_PAGES + 2);
  });

  it('gives up as unavailable (retried later) when the search outlasts its budget', async () => {
    const iamport = new FakeIamport(
      attempt(1, { status: 'paid' }),
      ...many(1, ATTEMPT_PAGE_LIMIT, { status: 'failed' }),
    );
    let now = 0;
    const slow = {
      ...refusing,
      budgetMs: 1_000,
      clock: () => {
        now += 1_500;
        return now;
      },
    };

    await expect(findBestAttempt(iamport, 'order_1001', slow)).rejects.toBeInstanceOf(
      IamportUnavailableError,
    );
  });
});
