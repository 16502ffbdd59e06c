import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventBridgeTarget } from '../../shared/events/eventBridgeTarget';
import type { OrderEvent } from '../../shared/events/types';
import { createWebhookTarget } from '../../shared/events/webhookTarget';
import { type FlakyReceiver, flakyEventBridge, startFlakyReceiver } from './eventFaults';

const secret = `whsec_${Buffer.from('event-faults-test-key-0123').toString('base64')}`;
const event = (version: number): OrderEvent => ({
  id: `order_1:${version}`,
  type: 'order.paid',
  merchant_uid: 'order_1',
  imp_uid: 'imp_1',
  amount: 1000,
  currency: 'KRW',
  status: 'paid',
  previous_status: 'pending',
  version,
  occurred_at: new Date().toISOString(),
});

describe('the chaos run’s event targets', () => {
  let receiver: FlakyReceiver;
  beforeAll(async () => {
    receiver = await startFlakyReceiver({ secret, seed: 3, senderTimeoutMs: 200 });
  });
  afterAll(() => receiver.close());

  it('the receiver keeps what our signed webhook target delivers, and refuses another signer', async () => {
    const target = createWebhookTarget({ url: receiver.url, secret, timeoutMs: 200, maxAttempts: 1 });
    const forger = createWebhookTarget({
      url: receiver.url,
      secret: `whsec_${Buffer.from('someone-else-key-4567890123').toString('base64')}`,
      timeoutMs: 200,
      maxAttempts: 1,
    });
    try {
      await target.deliver(event(2));
      await expect(forger.deliver(event(3))).rejects.toThrow();
    } finally {
      await Promise.all([target.close(), forger.close()]);
    }
    expect(receiver.received.of('order_1').map((e) => e.id)).toEqual(['order_1:2']);
    expect(receiver.tally.get('refused: bad signature')).toBe(1);
  });

  it('with faults on, fails deliveries as 5xx, no answer, or a 2xx too late (which the merchant has)', async () => {
    receiver.setFaults(1);
    const target = createWebhookTarget({ url: receiver.url, secret, timeoutMs: 200, maxAttempts: 1 });
    try {
      for (let version = 10; version < 22; version++) {
        await expect(target.deliver(event(version))).rejects.toThrow();
      }
    } finally {
      receiver.setFaults(0);
      await target.close();
    }
    const faults = receiver.tally.entries().filter(([key]) => key.startsWith('fault'));
    expect(faults.map(([key]) => key).sort()).toEqual([
      'fault: 2xx after the deadline',
      'fault: 5xx',
      'fault: no answer (sender timed out)',
    ]);
    // Only the late 2xx reached the merchant.
    const late = receiver.tally.get('fault: 2xx after the deadline');
    expect(receiver.received.of('order_1').length).toBe(1 + late);
  });

  it('EventBridge: faults refuse the entry (partial failure) or fail the call; healthy, the entry is kept', async () => {
    const bus = flakyEventBridge(5);
    const target = createEventBridgeTarget({ client: bus.sender, busName: 'bus', source: 'chaos' });
    bus.setFaults(1);
    for (let version = 2; version < 12; version++)
      await expect(target.deliver(event(version))).rejects.toThrow();
    expect(bus.received.all).toEqual([]);
    bus.setFaults(0);
    await target.deliver(event(12));
    expect(bus.received.all.map((e) => e.id)).toEqual(['order_1:12']);
    expect(bus.tally.entries().some(([key]) => key.startsWith('fault: entry refused'))).toBe(true);
    // The sender is the SDK client's one method the target uses.
    await expect(bus.sender.send(new PutEventsCommand({ Entries: [] }))).resolves.toMatchObject({
      FailedEntryCount: 0,
    });
  });
});
