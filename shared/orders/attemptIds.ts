import type { Order, OrderApi } from './types';

/**
 * Where an order keeps the id of a payment attempt: V1 as `imp_uid`, V2 as `transaction_id`, the names
 * each API's merchants read in `GET /orders` and the events. Every reader and writer goes through here.
 */
export type AttemptRef =
  | { imp_uid: string; transaction_id?: never }
  | { transaction_id: string; imp_uid?: never };

export function attemptRef(api: OrderApi, id: string): AttemptRef {
  return api === 'v2' ? { transaction_id: id } : { imp_uid: id };
}

/** The attempt id an item (order, refund, history or outbox entry) names, whichever name it goes by. */
export function attemptIdOf(item: {
  imp_uid?: string | null;
  transaction_id?: string | null;
}): string | undefined {
  return item.imp_uid ?? item.transaction_id ?? undefined;
}

/** The API of a refund or entry, by the name its attempt goes by. */
export function apiOfRef(item: { transaction_id?: string | null }): OrderApi {
  return item.transaction_id ? 'v2' : 'v1';
}

/** An order's API; orders written before V2 have none and are V1. */
export function apiOf(order: Pick<Order, 'api'>): OrderApi {
  return order.api ?? 'v1';
}
