import { BatchWriteCommand, type DynamoDBDocumentClient, type PutCommand } from '@aws-sdk/lib-dynamodb';
import { Pool } from 'undici';
import { createDynamoOrderStore } from '../../shared/orders/dynamodb/DynamoOrderStore';
import type { NewOrder } from '../../shared/orders/store';
import { mapLimit } from './pool';

/** One order stored as `POST /orders` stores it, paid in the sandbox (no webhook sent). */
export interface SeededPayment {
  merchant_uid: string;
  imp_uid: string;
  amount: number;
}

/**
 * Stores `count` pending orders exactly as our store's `create` writes them (so they carry what the hot
 * path's condition checks), in BatchWriteItem requests of 25 (dynalite is slow per request), and pays each
 * in the sandbox through its control API, as if the buyer had finished the window. No webhook is sent.
 */
export async function seedPaidOrders(
  target: { doc: DynamoDBDocumentClient; ordersTable: string; sandboxUrl: string },
  prefix: string,
  count: number,
): Promise<SeededPayment[]> {
  const items = await orderItems(
    Array.from({ length: count }, (_, i) => ({
      merchant_uid: `${prefix}_${i}`,
      amount: 1000 + (i % 97) * 100,
      currency: 'KRW',
      name: 'bench',
    })),
  );
  const batches = Array.from({ length: Math.ceil(items.length / 25) }, (_, b) =>
    items.slice(b * 25, b * 25 + 25),
  );
  await mapLimit(batches, 4, async (batch) => {
    const { UnprocessedItems } = await target.doc.send(
      new BatchWriteCommand({
        RequestItems: { [target.ordersTable]: batch.map((Item) => ({ PutRequest: { Item } })) },
      }),
    );
    if (UnprocessedItems && Object.keys(UnprocessedItems).length > 0)
      throw new Error('seeding: unprocessed items');
  });
  const sandbox = new Pool(target.sandboxUrl, { connections: 8 });
  try {
    return await mapLimit(items, 8, async (item) => {
      const merchant_uid = String(item.merchant_uid);
      const amount = Number(item.amount);
      const response = await sandbox.request({
        method: 'POST',
        path: '/__sandbox/payments',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ merchant_uid, amount, notify: false }),
      });
      const payment = (await response.body.json()) as { imp_uid?: string };
      if (response.statusCode !== 201 || !payment.imp_uid) {
        throw new Error(`sandbox refused payment ${merchant_uid}: ${response.statusCode}`);
      }
      return { merchant_uid, imp_uid: payment.imp_uid, amount };
    });
  } finally {
    await sandbox.close();
  }
}

/** The items our store's `create` would put, captured instead of sent. */
async function orderItems(orders: NewOrder[]): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  const capture = {
    send: async (command: PutCommand) => {
      if (command.input.Item) items.push(command.input.Item);
      return {};
    },
  } as unknown as DynamoDBDocumentClient;
  const store = createDynamoOrderStore({ doc: capture, tableName: 'capture' });
  const now = new Date();
  for (const order of orders) await store.create(order, now);
  return items;
}

/** Only sandbox payments (no orders), for the client benchmark. */
export async function seedSandboxPayments(
  sandboxUrl: string,
  prefix: string,
  count: number,
): Promise<string[]> {
  const sandbox = new Pool(sandboxUrl, { connections: 8 });
  try {
    return await mapLimit(
      Array.from({ length: count }, (_, i) => i),
      8,
      async (i) => {
        const response = await sandbox.request({
          method: 'POST',
          path: '/__sandbox/payments',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ merchant_uid: `${prefix}_${i}`, amount: 1000 + i, notify: false }),
        });
        const payment = (await response.body.json()) as { imp_uid?: string };
        if (!payment.imp_uid) throw new Error(`sandbox refused payment ${i}: ${response.statusCode}`);
        return payment.imp_uid;
      },
    );
  } finally {
    await sandbox.close();
  }
}
