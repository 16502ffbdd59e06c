import type { Server } from 'node:http';
import { z } from 'zod';
import { apiRouter } from './apiCall';
import type { WebhookFormat } from './payment';
import { Router } from './router';
import { controlAdminRoutes } from './routes/admin';
import { controlPaymentRoutes } from './routes/control';
import { createSandboxServer } from './server';
import { createSandboxState, type SandboxState } from './state';
import { v2ApiRouter } from './v2/api';
import {
  demoV2ApiSecret,
  demoV2MerchantId,
  demoV2StoreId,
  demoV2WebhookSecret,
  type V2WebhookFormat,
  type V2WebhookVersion,
  v2WebhookVersions,
} from './v2/config';
import { controlV2Routes } from './v2/control';
import { createV2Server } from './v2/server';
import { httpUrl } from './validate';
import { sdkRoutes, windowRoutes } from './window/routes';

export { messages } from './envelope';
export { faultError, type InProcessOptions, inProcessIamport } from './inProcess';
export { cancelFromConsole, completeCheckout, depositVbank, notify } from './operations';
export type { CancelHistoryEntry, IamportPayment, PaymentStatus, WebhookFormat } from './payment';
export { checkPrepared, type Prepared } from './prepare';
export { seedPayment } from './seed';
export type { RequestLogEntry, SandboxConfig, SandboxState } from './state';
export type { V2Config, V2WebhookFormat, V2WebhookVersion } from './v2/config';
export { demoV2ApiSecret, demoV2StoreId, demoV2WebhookSecret } from './v2/config';
export { type FetchLike, inProcessPortOneFetch } from './v2/inProcess';
export { cancelV2, checkoutV2, depositV2, notifyV2, preRegisterV2 } from './v2/operations';
export type { V2PaymentRecord } from './v2/store';
export type * from './v2/types';
export { viewV2Payment } from './v2/view';
export { type V2WebhookAttempt, type V2WebhookDelivery, v2RetryDelaysMinutes } from './v2/webhooks';
export type { WebhookDelivery } from './webhooks';
export type { RequestPayResponse } from './window/response';

/**
 * Iamport's public demo key pair (docs/iamport-v1.md §8); any client configured for the demo account
 * works as is.
 */
export const demoApiKey = 'imp_apikey';
export const demoApiSecret =
  'ekKoeW8RyKuT0zgaZsUtXXTLQ4AhPFW3ZGseDA6bkA5lamv9OqDMnxyeB9wqOsuO9W3Mx9YSJ4dTqJ3f';

export interface SandboxOptions {
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 0 (a random free port) */
  port?: number;
  /** The only accepted key pair. @default demoApiKey */
  apiKey?: string;
  /** @default demoApiSecret */
  apiSecret?: string;
  /** The console's notification URL; without it only payments with a `notice_url` notify. */
  webhookUrl?: string;
  /** @default 'json' */
  webhookFormat?: WebhookFormat;
  /** Wall clock in ms; the sandbox clock is this plus whatever the tests advanced. @default Date.now */
  now?: () => number;
  /** `message` of the 401 envelope; Iamport's exact text is undocumented. @default 'Unauthorized' */
  unauthorizedMessage?: string;
  /** Port of the PortOne V2 API (`v2Url`), on `host`. @default 0 (a random free port) */
  v2Port?: number;
  /** The only accepted `Authorization: PortOne <secret>`. @default demoV2ApiSecret */
  v2ApiSecret?: string;
  /** The store every V2 payment belongs to. @default demoV2StoreId */
  v2StoreId?: string;
  /** The console's V2 webhook URL; without it no V2 notices are sent. */
  v2WebhookUrl?: string;
  /** `whsec_…`, the Standard Webhooks secret V2 notices are signed with. @default demoV2WebhookSecret */
  v2WebhookSecret?: string;
  /** @default '2024-04-25' */
  v2WebhookVersion?: V2WebhookVersion;
  /** Only for version `2024-01-01` (`2024-04-25` is JSON only). @default 'json' */
  v2WebhookFormat?: V2WebhookFormat;
}

export interface SandboxHandle {
  /** e.g. `http://127.0.0.1:41234`, no trailing slash; use it as IAMPORT_BASE_URL. */
  url: string;
  port: number;
  /**
   * The PortOne V2 API's origin, e.g. `http://127.0.0.1:41235` (another port of the same process and
   * state): a V2 client's base URL, answering `/payments/{paymentId}` exactly. Control routes stay on `url`.
   */
  v2Url: string;
  v2Port: number;
  /** Stops listening, drops open connections and aborts webhook deliveries still in flight. */
  close(): Promise<void>;
  clock: {
    /** Sandbox time in ms. */
    now(): number;
    advance(seconds: number): void;
    set(ms: number): void;
  };
  /** Resolves when every queued webhook delivery has settled (answered, failed or timed out). */
  idle(): Promise<void>;
  /** The in-memory store, for in-process tests and a payment-window page. */
  state: SandboxState;
}

// Strict, so that a misspelt option (`webhookURL`) fails at start instead of being ignored.
const optionsSchema = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.int().min(0).max(65_535).default(0),
  apiKey: z.string().min(1).default(demoApiKey),
  apiSecret: z.string().min(1).default(demoApiSecret),
  webhookUrl: httpUrl.optional(),
  webhookFormat: z.enum(['json', 'form']).default('json'),
  unauthorizedMessage: z.string().min(1).default('Unauthorized'),
  now: z.custom<() => number>((v) => typeof v === 'function', 'must be a function returning ms').optional(),
  v2Port: z.int().min(0).max(65_535).default(0),
  v2ApiSecret: z.string().min(1).default(demoV2ApiSecret),
  v2StoreId: z.string().min(1).default(demoV2StoreId),
  v2WebhookUrl: httpUrl.optional(),
  v2WebhookSecret: z.string().startsWith('whsec_').default(demoV2WebhookSecret),
  v2WebhookVersion: z.enum(v2WebhookVersions).default('2024-04-25'),
  v2WebhookFormat: z.enum(['json', 'form']).default('json'),
});

type ParsedOptions = z.output<typeof optionsSchema>;

function parseOptions(options: SandboxOptions, caller: string): ParsedOptions {
  const parsed = optionsSchema.safeParse(options);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new TypeError(`${caller}: invalid option ${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}`);
}

function stateOf(o: ParsedOptions): SandboxState {
  return createSandboxState({
    credentials: { apiKey: o.apiKey, apiSecret: o.apiSecret },
    config: { webhookUrl: o.webhookUrl ?? null, webhookFormat: o.webhookFormat },
    now: o.now ?? Date.now,
    unauthorizedMessage: o.unauthorizedMessage,
    v2: {
      apiSecret: o.v2ApiSecret,
      storeId: o.v2StoreId,
      merchantId: demoV2MerchantId,
      pgMerchantId: 'INIpayTest',
      webhookUrl: o.v2WebhookUrl ?? null,
      webhookSecret: o.v2WebhookSecret,
      webhookVersion: o.v2WebhookVersion,
      webhookFormat: o.v2WebhookFormat,
    },
  });
}

/**
 * The sandbox without a server: its in-memory state, which `inProcessIamport` answers from. Takes the
 * options of {@link startSandbox}; `host` and `port` go unused. Webhooks are still sent for real.
 */
export function createSandbox(options: SandboxOptions = {}): SandboxState {
  return stateOf(parseOptions(options, 'createSandbox'));
}

/** Listens on `port` (0 = a free one) and resolves with the port taken. */
async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : port;
}

/**
 * Starts the Iamport sandbox: an api.iamport.kr look-alike, the `/__sandbox` control API, and the JS
 * SDK (`/v1/iamport.js`) with its payment window (`/__sandbox/window`); and on a second port (`v2Url`)
 * an api.portone.io look-alike (PortOne V2) over the same state, controlled under `/__sandbox/v2`.
 *
 * @example
 * const sandbox = await startSandbox({ webhookUrl: 'http://127.0.0.1:3000/payments/webhook' });
 * const res = await fetch(`${sandbox.url}/__sandbox/payments`, {
 *   method: 'POST',
 *   headers: { 'content-type': 'application/json' },
 *   body: JSON.stringify({ merchant_uid: 'order_1', amount: 1000 }),
 * });
 * await sandbox.idle();
 * await sandbox.close();
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<SandboxHandle> {
  const o = parseOptions(options, 'startSandbox');
  const state = stateOf(o);
  const api = apiRouter(state);
  const control = new Router([
    ...windowRoutes(state),
    ...controlPaymentRoutes(state),
    ...controlAdminRoutes(state),
    ...controlV2Routes(state),
  ]);
  const sandbox = createSandboxServer(state, { api, control, cdn: new Router(sdkRoutes()) });
  const v2 = createV2Server(state, v2ApiRouter(state));

  const port = await listen(sandbox.server, o.port, o.host);
  let v2Port: number;
  try {
    v2Port = await listen(v2.server, o.v2Port, o.host);
  } catch (error) {
    await sandbox.shutdown();
    throw error;
  }
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    v2Url: `http://${host}:${v2Port}`,
    v2Port,
    close() {
      closing ??= Promise.all([sandbox.shutdown(), v2.shutdown()]).then(async () => {
        state.v2.webhooks.close();
        await state.webhooks.close();
      });
      return closing;
    },
    clock: {
      now: () => state.clock.now(),
      advance: (seconds) => state.clock.advance(seconds),
      set: (ms) => state.clock.set(ms),
    },
    idle: () => state.webhooks.idle(),
    state,
  };
}
