import { iamportApiOver } from './calls';
import { IamportUnauthorizedError } from './errors';
import { createDefaultDispatcher, type IamportClientOptions, resolveOptions } from './options';
import { createTokenCache } from './tokenCache';
import { createTransport, type IamportRequest } from './transport';
import { type IamportApi, tokenResponseSchema } from './types';

/** The Iamport V1 client: the {@link IamportApi} calls plus token access and shutdown. */
export interface IamportClient extends IamportApi {
  /** A valid access token: cached, or fetched once for all concurrent callers. */
  getToken(): Promise<string>;
  /**
   * Closes the client's own connection pool (an injected dispatcher stays open: its owner closes it) and
   * drops the token. Idempotent.
   */
  close(): Promise<void>;
}

/**
 * Creates an Iamport (PortOne V1) REST client. Build one per process (at module scope in a handler) so the
 * token and the keep-alive connections are shared by every invocation of a warm Lambda.
 *
 * Every call checks the `{code, message, response}` envelope and validates `response`, and fails with a
 * typed error: `IamportNotFoundError` (404), `IamportUnauthorizedError` (401 after one token refresh),
 * `IamportRefusedError` (`code != 0`), `IamportUnavailableError` (timeout, connection error, 5xx, 408, 429:
 * safe to retry later), `IamportMalformedResponseError` (unreadable answer) or `IamportInvalidRequestError`
 * (refused locally, nothing sent). Ids are sent as single encoded path segments.
 *
 * @example
 * // Module scope: one client, one token and one connection pool per Lambda process.
 * const iamport = createIamportClient({ baseUrl: 'https://api.iamport.kr', apiKey, apiSecret });
 * const payment = await iamport.getPayment(impUid); // typed Payment, or a typed IamportError
 */
export function createIamportClient(options: IamportClientOptions): IamportClient {
  const config = resolveOptions(options);
  const dispatcher = options.dispatcher ?? createDefaultDispatcher(config);
  const { origin, basePath, timeoutMs } = config;
  const send = createTransport({ dispatcher, origin, basePath, timeoutMs });
  const tokens = createTokenCache({
    safetyMarginSeconds: config.tokenSafetyMarginSeconds,
    now: config.now,
    fetchToken: () =>
      send({
        operation: 'getToken',
        method: 'POST',
        path: '/users/getToken',
        body: { imp_key: config.apiKey, imp_secret: config.apiSecret },
        schema: tokenResponseSchema,
      }),
  });

  /**
   * Sends with the cached token; on a 401 (the token may have expired at Iamport between our check and its
   * own), refreshes once and retries once. A second 401 is a configuration problem and is thrown.
   * Retrying a POST here is safe: a 401 means Iamport did nothing with the first one.
   */
  async function authorized<T>(request: Omit<IamportRequest<T>, 'token'>): Promise<T> {
    const token = await tokens.get();
    try {
      return await send({ ...request, token });
    } catch (error) {
      if (!(error instanceof IamportUnauthorizedError)) throw error;
      tokens.invalidate(token);
      return send({ ...request, token: await tokens.get() });
    }
  }

  let closing: Promise<void> | undefined;
  const client: IamportClient = {
    ...iamportApiOver(authorized, { includeSandbox: config.includeSandbox }),
    getToken: () => tokens.get(),
    close: () => {
      // Idempotent: shutdown paths (a SIGTERM hook, a test's afterEach) may both call it.
      closing ??= (async () => {
        tokens.clear();
        if (options.dispatcher === undefined) await dispatcher.close();
      })();
      return closing;
    },
  };
  return client;
}
