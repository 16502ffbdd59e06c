import { createDeliverEvents } from '../../functions/deliverEvents/deliverEvents';
import type { DispatchDeps } from '../../shared/events/dispatchOutbox';
import { createLogger } from '../../shared/logger';
import type { MemoryOrderStore } from './memoryOrderStore';
import { RecordingTarget } from './recordingTarget';

/**
 * Order events on a memory store, as deployed: the store records each transition's event in its
 * outbox (`withEvents`) and its change feed (`changes()`, records of DynamoDB Streams' shape) hands
 * every change to the delivery function, which sends to a recording target. Deliveries happen when
 * a test asks: `deliver()` drains the feed, as the stream would after the request.
 */
export function memoryEvents(orders: MemoryOrderStore): {
  dispatch: DispatchDeps;
  target: RecordingTarget;
  /** Hands every change recorded so far to the delivery function, until none is left. */
  deliver(): Promise<void>;
} {
  orders.withEvents();
  const target = new RecordingTarget();
  const dispatch: DispatchDeps = { outbox: orders.outbox, targets: [target] };
  const handler = createDeliverEvents({ ...dispatch, orders }, createLogger('test-deliver'));
  return {
    dispatch,
    target,
    async deliver() {
      for (let records = orders.takeChanges(); records.length > 0; records = orders.takeChanges()) {
        const { batchItemFailures } = await handler({ Records: records });
        if (batchItemFailures.length > 0) return;
      }
    },
  };
}
