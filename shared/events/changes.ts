import * as v from 'valibot';
import { OUTBOX_BUCKET } from '../orders/indexes';
import { nonEmpty } from '../validation';

/**
 * Change records of the orders table, as DynamoDB Streams hands them to Lambda (view type
 * `NEW_IMAGE`) and as the local change feed (`local/changeFeed.ts`) emits them: the delivery function
 * reads only these fields, validated here (docs/design.md §6b).
 */

/**
 * The event source mapping's filter (serverless.yml, `filterPatterns`, checked equal by
 * test/deploy): only writes whose new image still has an event waiting, i.e. carries the outbox
 * index key. Removing the last delivered event removes that key, so the delivery's own writes end the
 * chain; every write that adds an event passes.
 */
export const UNDELIVERED_EVENT_FILTER = {
  eventName: ['INSERT', 'MODIFY'],
  dynamodb: { NewImage: { outbox_bucket: { S: [OUTBOX_BUCKET] } } },
} as const;

/** What a stream record must carry for the delivery: which order changed, and where in the shard. */
export const changeRecordSchema = v.object({
  eventName: v.picklist(['INSERT', 'MODIFY', 'REMOVE']),
  dynamodb: v.object({
    Keys: v.object({ merchant_uid: v.object({ S: nonEmpty }) }),
    NewImage: v.optional(v.record(v.string(), v.unknown())),
    OldImage: v.optional(v.record(v.string(), v.unknown())),
    /** Lambda's `itemIdentifier` for a partial batch failure. */
    SequenceNumber: nonEmpty,
  }),
});
export type ChangeRecord = v.InferOutput<typeof changeRecordSchema>;

/**
 * Whether `record` matches a filter pattern, as Lambda's event filtering reads the subset used here:
 * a pattern object's keys must all match, a list matches any of its values, nested objects match
 * nested fields. The local change feed filters with it, and the delivery checks each record with it
 * (a record a filter let through by mistake costs nothing).
 */
export function matchesFilter(pattern: unknown, value: unknown): boolean {
  if (Array.isArray(pattern)) return pattern.some((candidate) => candidate === value);
  if (typeof pattern !== 'object' || pattern === null) return pattern === value;
  if (typeof value !== 'object' || value === null) return false;
  const fields = value as Record<string, unknown>;
  return Object.entries(pattern).every(([key, inner]) => matchesFilter(inner, fields[key]));
}
