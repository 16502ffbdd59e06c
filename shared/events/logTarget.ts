import type { EventTarget } from './types';

/** The one logger method used; a Powertools `Logger` fits. */
export interface InfoLogger {
  info(message: string, attributes: Record<string, unknown>): void;
}

/**
 * A target that only logs each event, for `npm start` without a bus or an endpoint. It logs the
 * identifiers and the status, not the whole event, like the rest of the code. Never fails.
 *
 * @example
 * ```ts
 * const target = createLogTarget(createLogger('events'));
 * await target.deliver(event); // {"message":"event emitted","type":"order.paid","id":"order_1:2",…}
 * ```
 */
export function createLogTarget(logger: InfoLogger): EventTarget {
  return {
    name: 'log',
    async deliver(event) {
      logger.info('event emitted', {
        type: event.type,
        id: event.id,
        merchant_uid: event.merchant_uid,
        status: event.status,
      });
    },
  };
}
