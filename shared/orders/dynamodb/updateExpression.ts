/**
 * Builds DynamoDB update expressions from plain objects with placeholder names for every attribute,
 * so reserved words (`status`, `name`) and user-chosen keys never reach the expression text.
 * @internal
 */
export interface UpdateParts {
  UpdateExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, unknown>;
}

/** SET clauses written by hand (list_append, counters) with their own placeholders. */
export interface RawAssignments {
  assignments: string[];
  names: Record<string, string>;
  values: Record<string, unknown>;
}

export function buildUpdate(
  set: Record<string, unknown>,
  remove: readonly string[] = [],
  raw: RawAssignments = { assignments: [], names: {}, values: {} },
): UpdateParts {
  const names: Record<string, string> = { ...raw.names };
  const values: Record<string, unknown> = { ...raw.values };
  const assignments: string[] = [...raw.assignments];
  let index = 0;
  for (const [attribute, value] of Object.entries(set)) {
    if (value === undefined) continue;
    const key = `a${index++}`;
    names[`#${key}`] = attribute;
    values[`:${key}`] = value;
    assignments.push(`#${key} = :${key}`);
  }
  const removals = remove.map((attribute) => {
    const key = `a${index++}`;
    names[`#${key}`] = attribute;
    return `#${key}`;
  });
  const clauses = [`SET ${assignments.join(', ')}`];
  if (removals.length > 0) clauses.push(`REMOVE ${removals.join(', ')}`);
  return {
    UpdateExpression: clauses.join(' '),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}
