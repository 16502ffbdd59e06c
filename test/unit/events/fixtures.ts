import type { OrderEvent } from '../../../shared/events/types';

/** 24 random bytes, `whsec_` + base64: the shape merchants are given. */
export const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
/** A second key, for rotation: 32 bytes. */
export const NEXT_SECRET = `whsec_${Buffer.alloc(32, 0xa5).toString('base64')}`;

/** The base64 part of a secret: what must never show up in a message or a log. */
export const keyText = (secret: string) => secret.replace(/^whsec_/, '');

/** An `order.paid` event as the outbox records it. */
export function anEvent(overrides: Partial<OrderEvent> = {}): OrderEvent {
  return {
    id: 'order_1001:2',
    type: 'order.paid',
    merchant_uid: 'order_1001',
    imp_uid: 'imp_448280090638',
    amount: 14000,
    currency: 'KRW',
    status: 'paid',
    previous_status: 'pending',
    version: 2,
    occurred_at: '2025-03-01T09:30:00.000Z',
    ...overrides,
  };
}
