import type { EventTarget, OrderEvent } from '../../shared/events/types';

/** An event target that records what it accepted and can be told to fail the next n deliveries. */
export class RecordingTarget implements EventTarget {
  readonly name = 'recording';
  readonly received: OrderEvent[] = [];
  failNext = 0;
  /** Refusals still to come for one order's events only (a sweep may meet other orders too). */
  private readonly failing = new Map<string, number>();

  /** Fails the next `times` deliveries of `merchantUid`'s events, whatever else is delivered meanwhile. */
  failNextFor(merchantUid: string, times: number): void {
    this.failing.set(merchantUid, times);
  }

  async deliver(event: OrderEvent): Promise<void> {
    const mine = this.failing.get(event.merchant_uid) ?? 0;
    if (mine > 0) {
      this.failing.set(event.merchant_uid, mine - 1);
      throw new Error('merchant endpoint down');
    }
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
