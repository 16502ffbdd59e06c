import type { EventTarget, OrderEvent } from '../../shared/events/types';

/** An event target that records what it accepted and can be told to fail the next n deliveries. */
export class RecordingTarget implements EventTarget {
  readonly name = 'recording';
  readonly received: OrderEvent[] = [];
  failNext = 0;
  async deliver(event: OrderEvent): Promise<void> {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('merchant endpoint down');
    }
    this.received.push(structuredClone(event));
  }
  of(merchantUid: string) {
    return this.received.filter((event) => event.merchant_uid === merchantUid);
  }
}
