import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { type Payment, paymentSchema } from '../../shared/iamport/types';
import { canTransition } from '../../shared/orders/transitions';
import { type Order, orderSchema, orderStatuses } from '../../shared/orders/types';
import { type DecideOptions, decide } from '../../shared/payments/decide';
import { attemptFromIamport } from '../../shared/providers/iamportAttempt';
import type { Schema } from '../../shared/validation';
import { FIXED_NOW } from '../helpers/fakes';
import {
  type AttemptKind,
  attemptKinds,
  deliverConcurrently,
  deliverInSequence,
  freshRun,
  invariantViolations,
  MERCHANT_UID,
  moneyViolations,
  ORDER_AMOUNT,
  permute,
  type Scenario,
  scenarioArbitrary,
  scheduled,
  settledOf,
  upToLikeAttempts,
} from './facts';
import { fuzzOptions } from './world';

/** The rules applied to an Iamport (V1) payment, as the V1 provider hands it to the core. */
const decideV1 = (order: Order, payment: Payment, options: DecideOptions) =>
  decide(order, attemptFromIamport(payment), options);

const attempts = (kinds: readonly AttemptKind[]) =>
  fc.array(fc.constantFrom(...kinds), { minLength: 1, maxLength: 4 });

/**
 * Any mix of attempts (honest, tampered, vbank, failed, abandoned, fully cancelled), and a partly
 * cancelled attempt on its own. Not covered: a partly cancelled attempt together with another attempt
 * that holds money. Each notice is decided on its own attempt, so whichever money-holding attempt is
 * heard first keeps the order and the other is refunded as a second charge: no money is kept twice
 * (the money property covers that mix), but which one is kept depends on arrival order. A rule over
 * all of an order's attempts would need a findAll per notice; see docs/decisions.md.
 */
const partial = ['cancelled_partial', 'cancelled_tampered_partial'] as const;
const orderIndependentFacts: fc.Arbitrary<AttemptKind[]> = fc.oneof(
  attempts(attemptKinds.filter((kind) => !(partial as readonly string[]).includes(kind))),
  fc.constantFrom<AttemptKind[]>(['cancelled_partial'], ['cancelled_tampered_partial']),
);
const moneyFacts = attempts(attemptKinds);

/** Sort keys for a permutation of up to 8 deliveries (4 named attempts + 4 extra notices). */
const permutationKeys = fc.array(fc.nat(), { minLength: 8, maxLength: 8 });

async function canonical({ attempts: kinds, deliveries }: Scenario) {
  const run = freshRun(kinds);
  await deliverInSequence(run, deliveries);
  return run;
}

function describeRun(run: ReturnType<typeof freshRun>) {
  const order = run.orders.stored(MERCHANT_UID);
  return {
    history: order.history.map((entry) => `${entry.from} → ${entry.to} ${entry.imp_uid}`),
    cancels: run.iamport.cancels,
  };
}

describe('fuzz: verification state machine', () => {
  it('every order of the same notices ends in the same state (status, deciding payment, refunds, balances)', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArbitrary(orderIndependentFacts), permutationKeys, async (scenario, keys) => {
        const expected = upToLikeAttempts(
          settledOf(await canonical(scenario), scenario.attempts),
          scenario.attempts,
        );
        const run = freshRun(scenario.attempts);
        await deliverInSequence(run, permute(scenario.deliveries, keys));
        expect(upToLikeAttempts(settledOf(run, scenario.attempts), scenario.attempts)).toStrictEqual(
          expected,
        );
      }),
      fuzzOptions(300),
    );
  });

  it('concurrent notices, however their Iamport and store calls interleave, end as if one came after the other', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArbitrary(orderIndependentFacts), fc.scheduler(), async (scenario, s) => {
        const expected = upToLikeAttempts(
          settledOf(await canonical(scenario), scenario.attempts),
          scenario.attempts,
        );
        const run = freshRun(scenario.attempts, scheduled(s));
        await deliverConcurrently(s, run, scenario.deliveries);
        expect(
          upToLikeAttempts(settledOf(run, scenario.attempts), scenario.attempts),
          String(s),
        ).toStrictEqual(expected);
        expect(invariantViolations(run), String(s)).toStrictEqual([]);
      }),
      fuzzOptions(200),
    );
  });

  it('whatever the facts and interleaving: history moves forward, one cancel per payment, refunds finish', async () => {
    await fc.assert(
      fc.asyncProperty(
        scenarioArbitrary(attempts(attemptKinds), { everyAttemptNamed: false }),
        permutationKeys,
        fc.scheduler(),
        async (scenario, keys, s) => {
          const sequential = freshRun(scenario.attempts);
          await deliverInSequence(sequential, permute(scenario.deliveries, keys));
          expect(invariantViolations(sequential), JSON.stringify(describeRun(sequential))).toStrictEqual([]);

          const concurrent = freshRun(scenario.attempts, scheduled(s));
          await deliverConcurrently(s, concurrent, scenario.deliveries);
          expect(invariantViolations(concurrent), String(s)).toStrictEqual([]);
        },
      ),
      fuzzOptions(300),
    );
  });

  it('no payment the notices named keeps money it should not: no second charge, no tampered amount', async () => {
    await fc.assert(
      fc.asyncProperty(
        scenarioArbitrary(moneyFacts),
        permutationKeys,
        fc.scheduler(),
        async (scenario, keys, s) => {
          const sequential = freshRun(scenario.attempts);
          await deliverInSequence(sequential, permute(scenario.deliveries, keys));
          expect(moneyViolations(sequential, scenario.attempts, scenario.deliveries)).toStrictEqual([]);

          const concurrent = freshRun(scenario.attempts, scheduled(s));
          await deliverConcurrently(s, concurrent, scenario.deliveries);
          expect(
            moneyViolations(concurrent, scenario.attempts, scenario.deliveries),
            String(s),
          ).toStrictEqual([]);
        },
      ),
      fuzzOptions(200),
    );
  });

  it('hearing every notice again changes nothing: no write, no cancel', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArbitrary(attempts(attemptKinds)), permutationKeys, async (scenario, keys) => {
        const run = await canonical(scenario);
        const settled = settledOf(run, scenario.attempts);
        const writes = run.orders.writes;
        const cancels = run.iamport.cancels.length;

        await deliverInSequence(run, permute(scenario.deliveries, keys));

        expect(settledOf(run, scenario.attempts)).toStrictEqual(settled);
        expect(run.orders.writes).toBe(writes);
        expect(run.iamport.cancels.length).toBe(cancels);
      }),
      fuzzOptions(200),
    );
  });
});

// ---------------------------------------------------------------------------------------------------
// decide: total over everything the schemas let through
// ---------------------------------------------------------------------------------------------------

const IMP = 'imp_decide0001';
const text = fc.string({ maxLength: 12 });
const money = fc.oneof(
  fc.constantFrom(0, 100, ORDER_AMOUNT, 4_000, 0.1, 0.30000000000000004, 1e12, Number.MAX_SAFE_INTEGER),
  fc.integer({ min: 0, max: 100_000 }),
  fc.double({ min: 0, max: 1e15, noNaN: true, noDefaultInfinity: true }),
);
const unix = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2_000_000_000 }));
const nullish = <T>(arbitrary: fc.Arbitrary<T>) =>
  fc.oneof(arbitrary, fc.constant(null), fc.constant(undefined));

const paymentInput = fc.record(
  {
    imp_uid: fc.oneof(fc.constant(IMP), fc.string({ minLength: 1, maxLength: 12 })),
    merchant_uid: fc.constant(MERCHANT_UID),
    amount: money,
    cancel_amount: money,
    currency: fc.oneof(fc.constantFrom('KRW', 'USD'), fc.string({ minLength: 1, maxLength: 4 })),
    status: fc.oneof(
      { arbitrary: fc.constantFrom('ready', 'paid', 'cancelled', 'failed'), weight: 5 },
      { arbitrary: fc.string({ minLength: 1, maxLength: 8 }), weight: 1 },
    ),
    sandbox: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
    pay_method: nullish(fc.oneof(fc.constantFrom('card', 'vbank', 'trans', 'point'), text)),
    vbank_code: nullish(text),
    vbank_name: nullish(text),
    vbank_num: nullish(text),
    vbank_holder: nullish(text),
    vbank_date: nullish(unix),
    started_at: nullish(unix),
    paid_at: nullish(unix),
    cancel_history: nullish(
      fc.array(
        fc.record({
          amount: money,
          cancelled_at: unix,
          cancellation_id: nullish(text),
          pg_tid: nullish(text),
        }),
        { maxLength: 3 },
      ),
    ),
  },
  { requiredKeys: ['imp_uid', 'merchant_uid', 'amount', 'status'] },
);

const refundInput = fc.record({
  imp_uid: fc.oneof(fc.constant(IMP), text),
  amount: money,
  reason: fc.constantFrom('forgery', 'duplicate_payment'),
  status: fc.constantFrom('requested', 'done', 'failed'),
  requested_at: fc.oneof(
    fc.constantFrom(FIXED_NOW.toISOString(), new Date(0).toISOString(), 'not a date', ''),
    fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
  ),
});

const orderInput = fc.record(
  {
    merchant_uid: fc.constant(MERCHANT_UID),
    amount: money,
    currency: fc.oneof(fc.constantFrom('KRW', 'USD'), fc.string({ minLength: 1, maxLength: 4 })),
    status: fc.constantFrom(...orderStatuses),
    imp_uid: fc.oneof(fc.constant(IMP), text),
    pay_method: text,
    cancel_amount: money,
    created_at: fc.constant(FIXED_NOW.toISOString()),
    updated_at: fc.constant(FIXED_NOW.toISOString()),
    version: fc.nat(10),
    revision: fc.nat(10),
    refunds: fc.array(refundInput, { maxLength: 3 }),
    vbank: fc.record({ num: text, bank: text, holder: text, due: unix }),
  },
  { requiredKeys: ['merchant_uid', 'amount', 'status', 'created_at', 'updated_at'] },
);

function parsed<T>(schema: Schema<T>) {
  return (input: unknown): T | undefined => {
    const result = v.safeParse(schema, input);
    return result.success ? result.output : undefined;
  };
}

const validPayment = paymentInput
  .map(parsed<Payment>(paymentSchema))
  .filter((payment): payment is Payment => payment !== undefined);
const validOrder = orderInput
  .map(parsed<Order>(orderSchema))
  .filter((order): order is Order => order !== undefined);

/** Half the pairs carry the order's own amount and currency, so that matching payments are common too. */
const orderAndPayment = fc
  .tuple(validOrder, validPayment, fc.boolean(), fc.constantFrom(0, 4_000, ORDER_AMOUNT))
  .map(([order, payment, aligned, cancelled]): [Order, Payment] =>
    aligned
      ? [
          order,
          {
            ...payment,
            amount: order.amount,
            currency: order.currency,
            cancel_amount: Math.min(cancelled, order.amount),
          },
        ]
      : [order, payment],
  );

describe('fuzz: decide', () => {
  it('is total, pure, and only proposes what the state machine and the payment allow', () => {
    fc.assert(
      fc.property(
        orderAndPayment,
        fc.boolean(),
        fc.constantFrom(0, 60_000),
        ([order, payment], acceptSandboxPayments, refundLeaseMs) => {
          const options = { acceptSandboxPayments, refundLeaseMs, now: FIXED_NOW };
          const orderBefore = structuredClone(order);
          const paymentBefore = structuredClone(payment);

          const decision = decideV1(order, payment, options);

          expect(decideV1(order, payment, options)).toStrictEqual(decision);
          expect(order).toStrictEqual(orderBefore);
          expect(payment).toStrictEqual(paymentBefore);
          if (payment.sandbox && !acceptSandboxPayments) expect(decision.kind).toBe('sandbox_refused');
          const balance = payment.amount - payment.cancel_amount;
          const refund =
            decision.kind === 'refund'
              ? decision.refund
              : decision.kind === 'transition'
                ? decision.refund
                : undefined;
          if (decision.kind === 'transition') {
            expect(canTransition(order.status, decision.to), `${order.status} → ${decision.to}`).toBe(true);
            expect(decision.patch.imp_uid).toBe(payment.imp_uid);
          }
          if (refund) {
            // Only this payment, only what it still holds, never one already refunded or given up.
            expect(refund.imp_uid).toBe(payment.imp_uid);
            expect(refund.balance).toBe(balance);
            expect(refund.balance).toBeGreaterThan(0);
            const earlier = order.refunds.find((candidate) => candidate.imp_uid === payment.imp_uid);
            expect(earlier === undefined || earlier.status === 'requested').toBe(true);
          }
          if (decision.kind === 'refund_settled') {
            expect(order.refunds.some((candidate) => candidate.imp_uid === payment.imp_uid)).toBe(true);
          }
          const refused = payment.sandbox && !acceptSandboxPayments;
          if (!['ready', 'paid', 'cancelled', 'failed'].includes(payment.status) && !refused) {
            expect(decision.kind).toBe('unchanged');
          }
        },
      ),
      fuzzOptions(2_000),
    );
  });
});
