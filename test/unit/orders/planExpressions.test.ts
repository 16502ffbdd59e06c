import { describe, expect, it } from 'vitest';
import { toConditionParts, toUpdateParts } from '../../../shared/orders/dynamodb/planExpressions';
import { removeEventPlans } from '../../../shared/orders/outboxPlans';
import { transitionFromPendingPlan } from '../../../shared/orders/writePlans';
import { FIXED_NOW } from '../../helpers/fakes';

describe('Function: toUpdateParts (write plan → DynamoDB expressions)', () => {
  it('writes the hot path as one blind update conditioned on status, version, amount, currency and API', () => {
    const plan = transitionFromPendingPlan(
      'order_1',
      { amount: 14_000, currency: 'KRW' },
      { to: 'paid', source: 'complete', patch: { imp_uid: 'imp_1' } },
      FIXED_NOW,
      true,
    );

    const parts = toUpdateParts(plan);
    // The expressions with every placeholder replaced by what it stands for.
    const named = (text: string) =>
      text
        .replace(/#n\d+/g, (slot) => parts.ExpressionAttributeNames[slot] ?? slot)
        .replace(/:v\d+/g, (slot) => JSON.stringify(parts.ExpressionAttributeValues?.[slot]));

    expect(named(parts.ConditionExpression)).toBe(
      'status = "pending" AND version = 1 AND amount = 14000 AND currency = "KRW" AND attribute_exists(outbox) AND attribute_not_exists(api)',
    );
    // A V2 attempt settles only a V2 order (and a V1 attempt only one without `api`, as above).
    const v2 = toUpdateParts(
      transitionFromPendingPlan(
        'order_1',
        { amount: 14_000, currency: 'KRW', api: 'v2' },
        { to: 'paid', source: 'complete', patch: { transaction_id: 'tx_1' } },
        FIXED_NOW,
        true,
      ),
    );
    expect(Object.values(v2.ExpressionAttributeNames)).toContain('api');
    expect(Object.values(v2.ExpressionAttributeValues ?? {})).toContain('v2');
    expect(named(parts.UpdateExpression)).toContain('history = list_append(if_not_exists(history, []), [{');
    expect(named(parts.UpdateExpression)).toContain('revision = if_not_exists(revision, 0) + 1');
    expect(named(parts.UpdateExpression)).toContain('outbox.v2 = {"id":"order_1:2"');
    expect(named(parts.UpdateExpression)).toMatch(/ REMOVE check_due_at, check_attempt, check_bucket$/);
  });

  it('never puts an attribute name or a map key into the expression text', () => {
    const [plan] = removeEventPlans('v2 OR true', true);
    if (!plan) throw new Error('no plan');

    const parts = toUpdateParts(plan);

    expect(`${parts.UpdateExpression} ${parts.ConditionExpression}`).not.toMatch(/outbox|v2|true/);
    expect(Object.values(parts.ExpressionAttributeNames)).toEqual([
      'outbox',
      'v2 OR true',
      'outbox_bucket',
      'outbox_since',
    ]);
  });

  it('leaves out the values map when a condition has no value (DynamoDB refuses an empty one)', () => {
    expect(toConditionParts({ kind: 'absent' })).toEqual({
      ConditionExpression: 'attribute_not_exists(#n0)',
      ExpressionAttributeNames: { '#n0': 'merchant_uid' },
    });
  });
});
