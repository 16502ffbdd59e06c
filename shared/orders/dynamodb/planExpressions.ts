import type { Assignment, Condition, Path, PutPlan, Refused, UpdatePlan } from '../writePlan';

/**
 * Translates write plans into DynamoDB expressions, with a placeholder for every attribute name and
 * map key, so reserved words (`status`, `name`) and user-chosen keys never reach the expression text.
 * @internal
 */
export interface ConditionParts {
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  /** Absent when empty: DynamoDB refuses an empty map. */
  ExpressionAttributeValues?: Record<string, unknown>;
}

export interface UpdateParts extends ConditionParts, RefusalParts {
  UpdateExpression: string;
}

/** What a refused condition answers with (DynamoDB's ALL_OLD: the item as it stood; docs/decisions.md). */
export interface RefusalParts {
  ReturnValuesOnConditionCheckFailure?: 'ALL_OLD';
}

const PK = 'merchant_uid';

export function toUpdateParts(plan: UpdatePlan): UpdateParts {
  const slots = placeholders();
  const assignments = plan.set.map((assignment) => assign(slots, assignment));
  const removals = plan.remove.map(slots.path);
  const clauses = [
    ...(assignments.length > 0 ? [`SET ${assignments.join(', ')}`] : []),
    ...(removals.length > 0 ? [`REMOVE ${removals.join(', ')}`] : []),
  ];
  const condition = conditionExpression(slots, plan.condition);
  return { UpdateExpression: clauses.join(' '), ...slots.parts(condition), ...refusalParts(plan.refused) };
}

export function toPutParts(plan: PutPlan): ConditionParts & RefusalParts {
  return { ...toConditionParts(plan.condition), ...refusalParts(plan.refused) };
}

export function toConditionParts(condition: Condition): ConditionParts {
  const slots = placeholders();
  return slots.parts(conditionExpression(slots, condition));
}

function refusalParts(refused: Refused | undefined): RefusalParts {
  return refused === 'stored' ? { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } : {};
}

type Slots = ReturnType<typeof placeholders>;

function placeholders() {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const byName = new Map<string, string>();
  const name = (attribute: string): string => {
    let slot = byName.get(attribute);
    if (slot === undefined) {
      slot = `#n${byName.size}`;
      byName.set(attribute, slot);
      names[slot] = attribute;
    }
    return slot;
  };
  return {
    name,
    path: (path: Path): string => path.map(name).join('.'),
    value: (value: unknown): string => {
      const slot = `:v${Object.keys(values).length}`;
      values[slot] = value;
      return slot;
    },
    parts: (expression: string): ConditionParts => ({
      ConditionExpression: expression,
      ExpressionAttributeNames: names,
      ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
    }),
  };
}

function assign(slots: Slots, assignment: Assignment): string {
  const path = slots.path(assignment.path);
  switch (assignment.op) {
    case 'set':
      return `${path} = ${slots.value(assignment.value)}`;
    case 'setIfAbsent':
      return `${path} = if_not_exists(${path}, ${slots.value(assignment.value)})`;
    case 'append':
      return `${path} = list_append(if_not_exists(${path}, ${slots.value([])}), ${slots.value(assignment.items)})`;
    case 'increment':
      return `${path} = if_not_exists(${path}, ${slots.value(0)}) + ${slots.value(assignment.by)}`;
  }
}

function conditionExpression(slots: Slots, condition: Condition): string {
  switch (condition.kind) {
    case 'absent':
      return `attribute_not_exists(${slots.name(PK)})`;
    case 'revision': {
      // The merchant_uid check stops an update from creating an item that was deleted meanwhile.
      const [pk, rev, value] = [slots.name(PK), slots.name('revision'), slots.value(condition.revision)];
      return condition.revision === 0
        ? `attribute_exists(${pk}) AND (attribute_not_exists(${rev}) OR ${rev} = ${value})`
        : `attribute_exists(${pk}) AND ${rev} = ${value}`;
    }
    case 'equals': {
      const terms = [
        ...Object.entries(condition.equals)
          .filter(([, value]) => value !== undefined)
          .map(([attribute, value]) => `${slots.name(attribute)} = ${slots.value(value)}`),
        ...condition.exists.map((attribute) => `attribute_exists(${slots.name(attribute)})`),
        ...(condition.missing ?? []).map((attribute) => `attribute_not_exists(${slots.name(attribute)})`),
      ];
      return terms.length > 0 ? terms.join(' AND ') : `attribute_exists(${slots.name(PK)})`;
    }
    case 'outboxEntry': {
      const entry = `attribute_exists(${slots.path(['outbox', condition.key])})`;
      return condition.only ? `${entry} AND size(${slots.name('outbox')}) = ${slots.value(1)}` : entry;
    }
    case 'outboxIdle': {
      const outbox = slots.name('outbox');
      return `attribute_exists(${slots.name('outbox_bucket')}) AND (attribute_not_exists(${outbox}) OR size(${outbox}) = ${slots.value(0)})`;
    }
  }
}
