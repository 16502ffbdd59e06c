import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { matchesFilter, UNDELIVERED_EVENT_FILTER } from '../shared/events/changes';
import { type LocalDynamo, startLocalDynamo } from './dynamo';
import { asRecord, type DynamoCall, type Intercepted, startDynamoProxy } from './dynamoProxy';

/**
 * DynamoDB Streams for dynalite, which has none: the local change feed (docs/architecture.md, "Events
 * after the request"). Every write to a watched table that succeeds becomes a stream record of the
 * shape Lambda hands the delivery function
 * (`{eventName, dynamodb: {Keys, NewImage, SequenceNumber, StreamViewType: 'NEW_IMAGE'}}`), filtered
 * with the same pattern as the deployed event source mapping, and is handed to the same handler in
 * batches, with Lambda's stream semantics kept small:
 *
 * - one lane per hash of the key (a shard), each one batch at a time, so an item's records stay in order;
 * - a partial batch answer (`batchItemFailures`) retries from that record; a thrown error halves the
 *   batch (bisect on error); after `maxRetryAttempts` the record goes to `onFailure` (the deployed
 *   on-failure queue) and the lane moves on. The event stays in the outbox, for the sweeper.
 *
 * The writes come from one of two sources (below): dynalite's engine, when dynalite runs in this
 * process (`startLocalDynamoWithStream`), or a proxy in front of a dynalite elsewhere
 * (`startChangeFeed`). Records are not kept: a record nobody could take is lost, as one past its age
 * on AWS.
 */
export interface ChangeStreamOptions {
  /** Tables whose writes become records (the orders table); more with `watch`. */
  tables?: readonly string[];
  lanes?: number;
  batchSize?: number;
  maxRetryAttempts?: number;
  /** First wait before a retry, doubling, at most 2 s. */
  retryDelayMs?: number;
  /** A record given up on (the deployed on-failure destination). Defaults to a console line. */
  onFailure?: (record: StreamRecord, reason: string) => void;
}

export interface ChangeFeedOptions extends ChangeStreamOptions {
  /** The dynalite endpoint. */
  target: string;
  host?: string;
  port?: number;
}

/** One record as DynamoDB Streams hands it to Lambda (view type NEW_IMAGE). */
export interface StreamRecord {
  eventID: string;
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  eventVersion: '1.1';
  eventSource: 'aws:dynamodb';
  awsRegion: string;
  eventSourceARN: string;
  dynamodb: {
    ApproximateCreationDateTime: number;
    Keys: Record<string, unknown>;
    NewImage?: Record<string, unknown>;
    SequenceNumber: string;
    SizeBytes: number;
    StreamViewType: 'NEW_IMAGE';
  };
}

/** The handler as the feed invokes it: in process, or through serverless-offline's invoke API. */
export type StreamHandler = (event: { Records: StreamRecord[] }) => Promise<unknown>;

/** The stream of the watched tables: its records, handed to one handler with Lambda's semantics. */
export interface ChangeStream {
  /** Begins handing records to `handler`; records written before wait for it. */
  start(handler: StreamHandler): void;
  /** Watches one more table (a stream enabled on it). */
  watch(table: string): void;
  /**
   * Stops handing records out (a batch under way finishes); new ones wait in their lanes, in order,
   * as a shard keeps them while its consumer is elsewhere. `release` hands them out again. The
   * benchmarks use it to measure the request path without the delivery on the same cores.
   */
  hold(): void;
  release(): void;
  /** Resolves once every record emitted so far was handled or given up on (while held: after `release`). */
  settled(): Promise<void>;
  readonly stats: { emitted: number; invocations: number; retried: number; failed: number };
  close(): Promise<void>;
}

/** The stream seen through a proxy in front of dynalite: every client must use its endpoint. */
export interface ChangeFeed extends ChangeStream {
  /** The endpoint to give every DynamoDB client (DYNAMODB_ENDPOINT). */
  endpoint: string;
}

/** How the stream learns of a successful write to an item of a watched table. */
type Emit = (table: string, eventName: StreamRecord['eventName'], keys: unknown, image: unknown) => void;

const REGION = 'ap-northeast-2';
const responseSchema = z.object({
  batchItemFailures: z.array(z.object({ itemIdentifier: z.string() })).nullish(),
});

/** The stream's lanes, batches and retries, fed by `emit`; its sources are below. */
function createChangeStream(
  options: ChangeStreamOptions,
): ChangeStream & { emit: Emit; watches(table: string): boolean } {
  const {
    lanes: laneCount = 4,
    batchSize = 100,
    maxRetryAttempts = 5,
    retryDelayMs = 100,
    onFailure = (record, reason) =>
      console.error(
        `[change feed] gave up on ${record.eventName} ${JSON.stringify(record.dynamodb.Keys)}: ${reason}`,
      ),
  } = options;
  const tables = new Set(options.tables ?? []);
  const stats = { emitted: 0, invocations: 0, retried: 0, failed: 0 };
  let sequence = 0;
  let handler: StreamHandler | undefined;
  let closed = false;
  let held = false;
  const waiters: (() => void)[] = [];
  const lanes = Array.from({ length: laneCount }, () => ({ queue: [] as StreamRecord[], busy: false }));

  const idle = () => lanes.every((lane) => lane.queue.length === 0 && !lane.busy);
  const wake = () => {
    if (!idle()) return;
    for (const resolve of waiters.splice(0)) resolve();
  };

  const emit: Emit = (table, eventName, keys, image) => {
    if (!tables.has(table)) return;
    const keyMap = asRecord(keys);
    if (!keyMap) return;
    const newImage = asRecord(image);
    // Every write takes a sequence number, as on a shard; the ones the filter drops leave gaps.
    sequence += 1;
    // The deployed event source mapping filters before invoking; so does the feed, before it builds the
    // record (the delivery's own writes, which end the chain, cost no more than this check).
    if (!matchesFilter(UNDELIVERED_EVENT_FILTER, { eventName, dynamodb: { NewImage: newImage } })) return;
    const record: StreamRecord = {
      eventID: `local-${sequence}`,
      eventName,
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: REGION,
      eventSourceARN: `arn:aws:dynamodb:${REGION}:000000000000:table/${table}/stream/local`,
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
        Keys: keyMap,
        ...(newImage ? { NewImage: newImage } : {}),
        SequenceNumber: String(sequence).padStart(21, '0'),
        SizeBytes: JSON.stringify(image ?? keys).length,
        StreamViewType: 'NEW_IMAGE',
      },
    };
    stats.emitted += 1;
    const lane = lanes[hash(JSON.stringify(keys)) % lanes.length];
    lane?.queue.push(record);
    // Handed out on a later turn: the write that made the record is answered first, and records
    // written together share a batch.
    if (lane) setImmediate(() => void run(lane));
  };

  async function run(lane: { queue: StreamRecord[]; busy: boolean }) {
    if (lane.busy || !handler) return;
    lane.busy = true;
    const attempts = new Map<string, number>();
    let size = batchSize;
    try {
      while (lane.queue.length > 0 && !closed && !held) {
        const batch = lane.queue.slice(0, size);
        let retryFrom: number;
        let reason: string;
        let bisecting = false;
        try {
          stats.invocations += 1;
          const answer = responseSchema.safeParse(await handler({ Records: batch }));
          const failures = answer.success ? (answer.data?.batchItemFailures ?? []) : undefined;
          const ids = batch.map((record) => record.dynamodb.SequenceNumber);
          // An answer Lambda cannot read fails the whole batch, as an unknown identifier does.
          const indexes = failures?.map((failure) => ids.indexOf(failure.itemIdentifier));
          retryFrom = indexes === undefined || indexes.includes(-1) ? 0 : Math.min(batch.length, ...indexes);
          reason = 'the handler reported it failed';
          size = batchSize;
        } catch (error) {
          // Bisect on error: the next try takes half the batch.
          retryFrom = 0;
          reason = error instanceof Error ? error.message : String(error);
          size = Math.max(1, Math.floor(batch.length / 2));
          bisecting = batch.length > 1;
        }
        lane.queue.splice(0, retryFrom);
        if (retryFrom >= batch.length) continue;
        const head = lane.queue[0];
        if (!head) continue;
        const tries = (attempts.get(head.eventID) ?? 0) + 1;
        attempts.set(head.eventID, tries);
        // A halved batch is a new try of fewer records: the record gives up once it failed alone.
        if (tries > maxRetryAttempts && !bisecting) {
          lane.queue.shift();
          stats.failed += 1;
          onFailure(head, reason);
          continue;
        }
        stats.retried += 1;
        await sleep(Math.min(retryDelayMs * 2 ** (tries - 1), 2000));
      }
    } finally {
      lane.busy = false;
      wake();
    }
  }

  return {
    emit,
    watches: (table) => tables.has(table),
    stats,
    start(next) {
      handler = next;
      for (const lane of lanes) void run(lane);
    },
    watch(table) {
      tables.add(table);
    },
    hold() {
      held = true;
    },
    release() {
      held = false;
      for (const lane of lanes) void run(lane);
    },
    settled: () =>
      idle() || !handler ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve)),
    close: async () => {
      closed = true;
      wake();
    },
  };
}

/**
 * The stream seen through a proxy in front of dynalite (`dynamoProxy.ts`), for a dynalite in another
 * process (the test run's): every client writes through `endpoint`. An UpdateItem that asked for no
 * values is sent with `ReturnValues: ALL_NEW` and its answer stripped back; a PutItem's image is its
 * item. Writes through another endpoint, BatchWriteItem and transactions are not seen.
 */
export async function startChangeFeed(options: ChangeFeedOptions): Promise<ChangeFeed> {
  const { target } = options;
  const stream = createChangeStream(options);
  const { emit } = stream;

  /** A successful write to a watched table becomes a record, its new image taken from the write. */
  function intercept({ operation, input, engine }: DynamoCall): Intercepted | undefined {
    if (!input || !stream.watches(String(input.TableName))) return undefined;
    const table = String(input.TableName);
    if (operation === 'PutItem')
      return {
        output: async (status) => {
          if (status === 200) emit(table, 'INSERT', await engine.keyOf(table, input.Item), input.Item);
          return undefined;
        },
      };
    if (operation === 'DeleteItem')
      return {
        output: async (status) => {
          if (status === 200) emit(table, 'REMOVE', input.Key, undefined);
          return undefined;
        },
      };
    if (operation !== 'UpdateItem') return undefined;
    // The new image with the write itself: asked for where the caller asked for nothing, then removed.
    const injected = (input.ReturnValues ?? 'NONE') === 'NONE';
    return {
      ...(injected ? { input: { ...input, ReturnValues: 'ALL_NEW' } } : {}),
      output: async (status, output) => {
        if (status !== 200) return undefined;
        const image =
          injected || input.ReturnValues === 'ALL_NEW'
            ? output?.Attributes
            : await engine.readItem(table, input.Key);
        emit(table, 'MODIFY', input.Key, image);
        if (!injected || !output) return undefined;
        const { Attributes: _image, ...rest } = output;
        return rest;
      },
    };
  }

  const proxy = await startDynamoProxy({
    target,
    operations: new Set(['UpdateItem', 'PutItem', 'DeleteItem']),
    intercept,
    ...(options.host ? { host: options.host } : {}),
    ...(options.port === undefined ? {} : { port: options.port }),
  });
  return {
    ...stream,
    endpoint: proxy.endpoint,
    close: async () => {
      await stream.close();
      await proxy.close();
    },
  };
}

/**
 * dynalite with its own stream, as `npm start` and the benchmarks run it: dynalite's engine reports
 * each item write it stores (`dynaliteWrites.ts`), so clients reach dynalite directly (no hop; the
 * stream adds one in-memory read per write inside dynalite, and hands records out after the answer),
 * and every write to a watched table is seen, whichever client, port or operation (BatchWriteItem
 * included) made it.
 */
export async function startLocalDynamoWithStream(
  options: ChangeStreamOptions & { port?: number; host?: string } = {},
): Promise<LocalDynamo & { stream: ChangeStream }> {
  const stream = createChangeStream(options);
  const dynamo = await startLocalDynamo(options.port ?? 0, options.host ?? '127.0.0.1', (write) =>
    stream.emit(
      write.table,
      write.newImage ? (write.oldImage ? 'MODIFY' : 'INSERT') : 'REMOVE',
      write.keys,
      write.newImage,
    ),
  );
  return {
    ...dynamo,
    stream,
    close: async () => {
      await stream.close();
      await dynamo.close();
    },
  };
}

function hash(text: string): number {
  let value = 0;
  for (let i = 0; i < text.length; i++) value = (value * 31 + text.charCodeAt(i)) >>> 0;
  return value;
}
