import { asRecord, type DynamoProxy, startDynamoProxy } from './dynamoProxy';

/**
 * DynamoDB's answer to a refused condition, in front of dynalite. Asked for it with
 * `ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`, DynamoDB puts the item as it stood into the
 * ConditionalCheckFailedException (`{"__type": "…#ConditionalCheckFailedException", "message": …,
 * "Item": {…}}`); dynalite ignores the parameter and answers without `Item`. This proxy answers as
 * DynamoDB does: on such a refusal it reads the item (a consistent GetItem of its own, not counted) and
 * adds it to the error body, so the real SDK deserializes the exception DynamoDB would send. Everything
 * else passes through untouched.
 *
 * It is a test double of the engine, for the tests and the round-trip benchmark (docs/decisions.md,
 * "Duplicates"): `counts` holds the requests its clients sent, by operation. Unlike DynamoDB, the read
 * comes after the refusal, not atomically with it; a writer in between makes the answer newer, never
 * older, which the optimistic lock on `revision` tolerates.
 */
export interface DynamoAnswersProxy extends DynamoProxy {
  /** Refusals answered with the item. */
  readonly itemsReturned: number;
}

const KEYED = new Set(['UpdateItem', 'PutItem', 'DeleteItem']);

/**
 * `honourAllOld: false` answers as dynalite does (a counting pass-through), so one harness counts both
 * engines the same way.
 */
export async function startDynamoAnswersProxy(
  target: string,
  { honourAllOld = true }: { honourAllOld?: boolean } = {},
): Promise<DynamoAnswersProxy> {
  let itemsReturned = 0;
  const proxy = await startDynamoProxy({
    target,
    operations: honourAllOld ? KEYED : new Set(),
    intercept: ({ operation, input, engine }) => {
      if (input?.ReturnValuesOnConditionCheckFailure !== 'ALL_OLD') return undefined;
      return {
        output: async (status, refusal) => {
          if (status !== 400 || !String(refusal?.__type).endsWith('#ConditionalCheckFailedException'))
            return undefined;
          const table = String(input.TableName);
          const key = operation === 'PutItem' ? await engine.keyOf(table, input.Item) : asRecord(input.Key);
          const item = await engine.readItem(table, key);
          if (!item) return undefined;
          itemsReturned += 1;
          return { ...refusal, Item: item };
        },
      };
    },
  });
  return {
    endpoint: proxy.endpoint,
    get counts() {
      return proxy.counts;
    },
    get itemsReturned() {
      return itemsReturned;
    },
    reset() {
      proxy.reset();
      itemsReturned = 0;
    },
    close: () => proxy.close(),
  };
}
