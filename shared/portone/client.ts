import { portOneApiOver } from './calls';
import { createDefaultDispatcher, type PortOneClientOptions, resolveOptions } from './options';
import { createTransport } from './transport';
import type { PortOneApi } from './types';

/** The PortOne V2 client: the {@link PortOneApi} calls plus shutdown. */
export interface PortOneClient extends PortOneApi {
  /**
   * Closes the client's own connection pool (an injected dispatcher stays open: its owner closes it).
   * Idempotent.
   */
  close(): Promise<void>;
}

/**
 * Creates a PortOne V2 REST client. Build one per process (at module scope in a handler) so the
 * keep-alive connections are shared by every invocation of a warm Lambda. There is no token step: every
 * request carries `Authorization: PortOne <secret>`.
 *
 * Every answer is validated, and every failure is a typed error: `PortOneNotFoundError` (404
 * `PAYMENT_NOT_FOUND`), `PortOneUnauthorizedError` (401, 403), `PortOneRefusedError` (another 4xx, with
 * PortOne's `type` and message), `PortOneUnavailableError` (timeout, connection error, 408, 429, 5xx),
 * `PortOneMalformedResponseError` (an unreadable answer) or `PortOneInvalidRequestError` (refused
 * locally, nothing sent). `isTransientPortOneError` tells which are worth retrying later.
 *
 * @example
 * // Module scope: one client and one connection pool per Lambda process.
 * const portone = createPortOneClient({ secret, storeId });
 * const payment = await portone.getPayment(paymentId); // a validated Payment, or a typed PortOneError
 */
export function createPortOneClient(options: PortOneClientOptions): PortOneClient {
  const config = resolveOptions(options);
  const dispatcher = options.dispatcher ?? createDefaultDispatcher(config);
  const send = createTransport({ ...config, dispatcher });

  let closing: Promise<void> | undefined;
  return {
    ...portOneApiOver(send, { storeId: config.storeId }),
    close: () => {
      // Idempotent: shutdown paths (a SIGTERM hook, a test's afterEach) may both call it.
      closing ??= options.dispatcher === undefined ? dispatcher.close() : Promise.resolve();
      return closing;
    },
  };
}
