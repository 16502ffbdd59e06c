import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import dynalite from 'dynalite';

/** One item written by dynalite's engine, once the write is stored (AttributeValue maps). */
export interface ItemWrite {
  table: string;
  /** The item's key attributes. */
  keys: Record<string, unknown>;
  /** Undefined when the item did not exist before the write. */
  oldImage: Record<string, unknown> | undefined;
  /** Undefined when the write deleted the item. */
  newImage: Record<string, unknown> | undefined;
}

type Callback<T = undefined> = (error?: Error | null, value?: T) => void;

/** The part of dynalite's store (`dynalite/db`) its item writes go through. */
interface ItemDb {
  get(key: string, callback: Callback<unknown>): void;
  put(key: string, value: unknown, callback: Callback): void;
  del(key: string, callback: Callback): void;
}
interface Store {
  getItemDb(table: string): ItemDb;
  getTable(
    table: string,
    checkStatus: boolean,
    callback: Callback<{ KeySchema: { AttributeName: string }[] }>,
  ): void;
}
interface StoreModule {
  create(options: unknown): Store;
}

const require = createRequire(import.meta.url);

/**
 * dynalite that reports every item write its engine stores, whichever client, port or operation made
 * it (PutItem, UpdateItem, DeleteItem, BatchWriteItem): what DynamoDB Streams sees on AWS. Every item
 * write action of dynalite 4 reads the item, then puts or deletes it under the item's lock; the hook
 * reads the item before too (one in-memory read), and reports once the put or delete is stored and
 * before dynalite answers, so reports follow the order of the writes and precede their answers.
 * Deleting a table removes its items without a report, as on AWS (a stream emits no REMOVE for it).
 */
export function createWatchedDynalite(
  options: Record<string, unknown>,
  onWrite: (write: ItemWrite) => void,
): Server {
  // dynalite keeps its store private: it is caught as dynalite builds it, through the module dynalite uses.
  const storeModule = require('dynalite/db') as StoreModule;
  const create = storeModule.create;
  let store: Store | undefined;
  storeModule.create = (storeOptions) => {
    store = create(storeOptions);
    return store;
  };
  let server: Server;
  try {
    server = dynalite(options);
  } finally {
    storeModule.create = create;
  }
  if (!store) throw new Error('dynalite built no store through dynalite/db: the write hook needs dynalite 4');
  watchItemWrites(store, onWrite);
  return server;
}

function watchItemWrites(store: Store, onWrite: (write: ItemWrite) => void): void {
  const watched = new WeakSet<ItemDb>();
  const keyNames = new Map<string, readonly string[]>();
  const withKeyNames = (table: string, next: (names: readonly string[]) => void, fail: Callback) => {
    const known = keyNames.get(table);
    if (known) return next(known);
    store.getTable(table, false, (error, description) => {
      if (error || !description) return fail(error ?? new Error(`no table ${table}`));
      const names = description.KeySchema.map((key) => key.AttributeName);
      keyNames.set(table, names);
      next(names);
    });
  };
  const report = (
    table: string,
    names: readonly string[],
    oldImage: Record<string, unknown> | undefined,
    newImage: Record<string, unknown> | undefined,
  ) => {
    const item = newImage ?? oldImage;
    if (!item) return;
    try {
      onWrite({
        table,
        keys: Object.fromEntries(names.map((name) => [name, item[name]])),
        oldImage,
        newImage,
      });
    } catch (error) {
      // The write is stored: a failing listener must not keep it from being answered (or hold its lock).
      console.error('[dynalite writes] listener failed:', error);
    }
  };
  const getItemDb = store.getItemDb;
  store.getItemDb = (table) => {
    const itemDb = getItemDb(table);
    if (watched.has(itemDb)) return itemDb;
    watched.add(itemDb);
    const { get, put, del } = itemDb;
    /** Reads the item, makes the write, and reports it once it is stored. */
    const reported = (
      key: string,
      newImage: Record<string, unknown> | undefined,
      write: (done: Callback) => void,
      callback: Callback,
    ) =>
      withKeyNames(
        table,
        (names) =>
          get.call(itemDb, key, (_notFound, old) =>
            write((error) => {
              if (!error) report(table, names, asItem(old), newImage);
              callback(error);
            }),
          ),
        callback,
      );
    itemDb.put = (key, value, callback) =>
      reported(key, asItem(value), (done) => put.call(itemDb, key, value, done), callback);
    itemDb.del = (key, callback) => reported(key, undefined, (done) => del.call(itemDb, key, done), callback);
    return itemDb;
  };
}

function asItem(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
