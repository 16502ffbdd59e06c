import type { Order } from './types';

/**
 * One conditional write on one order item, as plain data: what to set, what to remove, and what the
 * stored item must satisfy first. The rules are decided once, in `writePlans.ts` and `outboxPlans.ts`;
 * each store only carries a plan out (DynamoDB translates it into expressions, the test double applies
 * it to a map), so the two cannot drift apart.
 */
export type WritePlan = PutPlan | UpdatePlan;

/** The whole new item, written only if the condition holds. */
export interface PutPlan {
  readonly kind: 'put';
  readonly item: Order;
  readonly condition: Condition;
  readonly refused?: Refused;
}

export interface UpdatePlan {
  readonly kind: 'update';
  readonly set: readonly Assignment[];
  readonly remove: readonly Path[];
  readonly condition: Condition;
  readonly refused?: Refused;
}

/**
 * What the caller needs when the condition does not hold. `stored`: the item as it stood when it was
 * refused, because the caller decides on it next (a duplicate notice, a repeated registration).
 * DynamoDB answers it in the refusal itself (`ReturnValuesOnConditionCheckFailure: ALL_OLD`), one round
 * trip; an engine that ignores that (dynalite) costs the store a consistent read instead. Without it,
 * a refusal is only a refusal.
 */
export type Refused = 'stored';

/** A document path: an attribute, then keys into its map (`['outbox', 'v2']`). */
export type Path = readonly [string, ...string[]];

/**
 * The assignments a blind write needs besides plain values: each one reads only the attribute it
 * writes, so no read of the item has to come first.
 */
export type Assignment =
  | { readonly op: 'set'; readonly path: Path; readonly value: unknown }
  /** Keeps a value that is already there (the oldest waiting event's time). */
  | { readonly op: 'setIfAbsent'; readonly path: Path; readonly value: unknown }
  /** Appends to a list, starting one if there is none. */
  | { readonly op: 'append'; readonly path: Path; readonly items: readonly unknown[] }
  /** Adds to a number, a missing one counting as 0. */
  | { readonly op: 'increment'; readonly path: Path; readonly by: number };

/** Stored attributes a condition may require to equal a value. */
export type Expected = Partial<
  Pick<Order, 'status' | 'amount' | 'currency' | 'version' | 'check_due_at' | 'api'>
>;

/** What the stored item must satisfy for the write to apply; otherwise nothing changes. */
export type Condition =
  /** No item with this key yet. */
  | { readonly kind: 'absent' }
  /** The item exists at this revision; an item without one (written by the merchant) counts as 0. */
  | { readonly kind: 'revision'; readonly revision: number }
  /**
   * The item exists, each attribute of `equals` holds exactly that value, each of `exists` is there and
   * each of `missing` is not.
   */
  | {
      readonly kind: 'equals';
      readonly equals: Expected;
      readonly exists: readonly (keyof Order)[];
      readonly missing?: readonly (keyof Order)[];
    }
  /** The outbox holds the event under `key`; with `only`, and nothing else. */
  | { readonly kind: 'outboxEntry'; readonly key: string; readonly only: boolean }
  /** The item is in the outbox index but no event waits any more. */
  | { readonly kind: 'outboxIdle' };
