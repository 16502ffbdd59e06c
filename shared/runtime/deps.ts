import type { Config } from '../config';
import type { DispatchDeps } from '../events/dispatchOutbox';
import type { IamportApi } from '../iamport/types';
import type { OrderStore } from '../orders/store';
import type { PortOneApi } from '../portone';
import type { DeadLetterSink } from '../queue/deadLetters';
import type { RetryQueue } from '../queue/types';
import { createOrderStoreFromConfig } from './dynamo';
import { recordsEvents } from './events';
import { createIamportFromConfig } from './iamport';
import { createPortOneFromConfig } from './portone';
import { createDeadLetterSinkFromConfig, createRetryQueueFromConfig } from './queue';

/** The I/O every part of the product runs on. */
export interface Ports {
  iamport: IamportApi;
  /** PortOne V2, on a stage configured for it (`config.portone`); absent on a V1-only stage. */
  portone?: PortOneApi;
  orders: OrderStore;
  queue: RetryQueue;
  deadLetters: DeadLetterSink;
  /**
   * Where the events of transitions go: the configured targets over the order table's outbox. Never
   * built here (the delivery function and the sweeper build it with `createDispatchPorts`); a test
   * stack gives its own, and then the order store records events exactly when it has targets.
   */
  dispatch: DispatchDeps;
}

export type PortName = keyof Ports;

/**
 * The one place dependencies are built: from configuration, each port a function needs and nothing
 * else (a cold start pays for no client it does not use), unless the caller gives it (the test stacks,
 * the chaos run and the benchmarks give what they fake or count, and take the rest as deployed).
 * The order store records events exactly when there is a target to send them to: the stage's
 * configuration says so (no target is built for that), or the dispatcher given has targets (tests).
 * The order view, the delivery function and the sweeper build their few ports from the same builders
 * without this function (`createOrderStoreFromConfig`, `createDispatchPorts`), so that their bundles
 * carry no chunk of a port they never build.
 */
export async function createPorts<K extends Exclude<PortName, 'dispatch'>>(
  config: Config,
  needs: readonly K[],
  given: Partial<Ports> = {},
): Promise<Pick<Ports, K> & Closable> {
  const need = (name: PortName) => (needs as readonly PortName[]).includes(name) && given[name] === undefined;
  // Both may read SSM at a cold start: side by side, not one after the other.
  const [iamport, portone] = await Promise.all([
    need('iamport') ? createIamportFromConfig(config) : undefined,
    need('portone') ? createPortOneFromConfig(config) : undefined,
  ]);
  const ports: Partial<Ports> = {
    ...given,
    ...(iamport ? { iamport } : {}),
    ...(portone ? { portone } : {}),
    ...(need('orders')
      ? {
          orders: createOrderStoreFromConfig(config, { recordEvents: recordsEvents(config, given.dispatch) }),
        }
      : {}),
    ...(need('queue') ? { queue: createRetryQueueFromConfig(config) } : {}),
    ...(need('deadLetters') ? { deadLetters: createDeadLetterSinkFromConfig(config) } : {}),
  };
  for (const name of needs) {
    // V2 is optional: a stage without its configuration serves V1 alone.
    if (ports[name] === undefined && name !== 'portone')
      throw new Error(`createPorts: could not build ${name}`);
  }
  // A function never closes what it built (the next invocation reuses it); a test run does.
  const close = async () => {
    await Promise.all([iamport?.close(), portone?.close()]);
  };
  return { ...(ports as Pick<Ports, K>), close };
}

interface Closable {
  /** Releases what this call built (the Iamport client's sockets), not what it was given. */
  close(): Promise<void>;
}
