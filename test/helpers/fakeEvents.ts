import { createOrderEvents, type DispatchDeps, type OrderEvents } from '../../shared/events/dispatchOutbox';
import type { MemoryOrderStore } from './memoryOrderStore';
import { RecordingTarget } from './recordingTarget';

/**
 * Order events on a memory store, as deployed: the store records each transition's event in its
 * outbox (`withEvents`) and the dispatcher delivers it to a recording target.
 */
export function memoryEvents(orders: MemoryOrderStore): {
  events: OrderEvents;
  dispatch: DispatchDeps;
  target: RecordingTarget;
} {
  orders.withEvents();
  const target = new RecordingTarget();
  const dispatch: DispatchDeps = { outbox: orders.outbox, targets: [target] };
  return { events: createOrderEvents(dispatch), dispatch, target };
}

/**
 * No events, said out loud: for unit tests of the decision alone, whose store records none (so a
 * round trip count is the decision's). Everything that runs the product whole has them on.
 */
export const noEvents: OrderEvents = {
  async publish() {},
};
