import { z } from 'zod';
import { product } from './catalog';

/**
 * The demo shop's back end, as a merchant's would be: it decides the price, registers the order with
 * the API's back-office routes (`POST /orders`, IAM-authorised when deployed, so never called from a
 * browser), and reads orders back for its pages. It remembers which orders it created so that its
 * pages show those and nothing else.
 */
export interface ShopReply {
  status: number;
  body: unknown;
}

export interface BackendOptions {
  apiUrl: string;
  sandboxUrl: string;
}

/** Orders listed by the orders view; older ones drop off (the API keeps them). */
const MAX_LISTED = 100;
/** serverless-offline starts a handler's worker on first use, which can take seconds. */
const API_TIMEOUT_MS = 30_000;

/**
 * serverless-offline starts a fresh worker (a cold start of a second or more) for every concurrent
 * call of a function, so the list reads a few orders at a time rather than all at once.
 */
const LIST_CONCURRENCY = 3;

async function mapWithLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

// Iamport's prepare takes at most 40 characters; the guide's own ids are `merchant_` + a timestamp, the
// V2 sample's 16 hex digits.
const merchantUidSchema = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/);
const registerSchema = z.object({ merchant_uid: merchantUidSchema, api: z.enum(['v1', 'v2']).default('v1') });
const orderSchema = z.looseObject({
  merchant_uid: z.string(),
  status: z.string(),
  api: z.enum(['v1', 'v2']).optional(),
  imp_uid: z.string().optional(),
});

/** The sandbox's deposit call for an order awaiting a deposit, or undefined. */
function depositPathOf(order: z.output<typeof orderSchema>): string | undefined {
  if (order.status !== 'vbank_issued') return undefined;
  if (order.api === 'v2') return `/__sandbox/v2/payments/${encodeURIComponent(order.merchant_uid)}/deposit`;
  return order.imp_uid === undefined
    ? undefined
    : `/__sandbox/payments/${encodeURIComponent(order.imp_uid)}/deposit`;
}

const error = (status: number, code: string, message: string): ShopReply => ({
  status,
  body: { error: { code, message } },
});

export function createBackend(options: BackendOptions) {
  const created: string[] = [];

  async function call(base: string, path: string, init: RequestInit = {}): Promise<ShopReply> {
    try {
      const response = await fetch(`${base}${path}`, {
        ...init,
        headers: { 'content-type': 'application/json' },
        signal: AbortSignal.timeout(API_TIMEOUT_MS),
      });
      const text = await response.text();
      return { status: response.status, body: text === '' ? null : JSON.parse(text) };
    } catch (cause) {
      const message = cause instanceof Error ? cause.message : String(cause);
      return error(502, 'UPSTREAM_UNREACHABLE', `${base}${path}: ${message}`);
    }
  }

  const getOrder = (merchantUid: string) =>
    call(options.apiUrl, `/orders/${encodeURIComponent(merchantUid)}`);

  const known = (merchantUid: string): boolean => created.includes(merchantUid);

  async function order(merchantUid: string): Promise<ShopReply> {
    if (!known(merchantUid)) return error(404, 'ORDER_NOT_FOUND', 'not an order of this shop');
    return getOrder(merchantUid);
  }

  return {
    product(): ShopReply {
      return { status: 200, body: product };
    },

    /** `GET /api/item`: the product in the shape PortOne's V2 sample page reads (`{id, name, price, currency}`). */
    item(): ShopReply {
      return {
        status: 200,
        body: { id: product.id, name: product.orderName, price: product.amount, currency: product.currency },
      };
    },

    /**
     * `POST /api/orders {merchant_uid, api?}`: the amount and name are the catalog's, never the browser's.
     * A V2 order's merchant_uid is its paymentId; registering it pre-registers the amount at PortOne.
     */
    async register(body: unknown): Promise<ShopReply> {
      const input = registerSchema.safeParse(body);
      if (!input.success) {
        return error(400, 'INVALID_INPUT', 'merchant_uid: 1–40 letters, digits, _ or -; api: v1 or v2');
      }
      const uid = input.data.merchant_uid;
      const reply = await call(options.apiUrl, '/orders', {
        method: 'POST',
        body: JSON.stringify({
          merchant_uid: uid,
          amount: product.amount,
          currency: product.currency,
          name: product.orderName,
          ...(input.data.api === 'v2' ? { api: 'v2' } : {}),
        }),
      });
      if ((reply.status === 200 || reply.status === 201) && !known(uid)) {
        created.unshift(uid);
        created.length = Math.min(created.length, MAX_LISTED);
      }
      return reply;
    },

    order,

    /** Newest first, each as `GET /orders/{merchant_uid}` answers it (with its history). */
    async list(): Promise<ShopReply> {
      const replies = await mapWithLimit([...created], LIST_CONCURRENCY, getOrder);
      const orders = replies.filter((reply) => reply.status === 200).map((reply) => reply.body);
      return { status: 200, body: { orders } };
    },

    /**
     * Sandbox only: the buyer pays into the issued virtual account (`/__sandbox/.../deposit`, V1 by
     * imp_uid, V2 by paymentId), so a person can watch the deposit webhook settle the order. Real
     * PortOne has no such call.
     */
    async deposit(merchantUid: string): Promise<ShopReply> {
      const found = await order(merchantUid);
      if (found.status !== 200) return found;
      const current = orderSchema.safeParse(found.body);
      const path = current.success ? depositPathOf(current.data) : undefined;
      if (path === undefined) {
        return error(409, 'NOT_AWAITING_DEPOSIT', 'the order has no virtual account awaiting a deposit');
      }
      return call(options.sandboxUrl, path, { method: 'POST', body: '{}' });
    },
  };
}

export type Backend = ReturnType<typeof createBackend>;
