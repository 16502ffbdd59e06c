import { z } from 'zod';
import { apiRouter } from './apiCall';
import type { WebhookFormat } from './payment';
import { Router } from './router';
import { controlAdminRoutes } from './routes/admin';
import { controlPaymentRoutes } from './routes/control';
import { createSandboxServer } from './server';
import { createSandboxState, type SandboxState } from './state';
import { httpUrl } from './validate';
import { sdkRoutes, windowRoutes } from './window/routes';

export { messages } from './envelope';
export { faultError, type InProcessOptions, inProcessIamport } from './inProcess';
export { cancelFromConsole, completeCheckout, depositVbank, notify } from './operations';
export type { CancelHistoryEntry, IamportPayment, PaymentStatus, WebhookFormat } from './payment';
export { checkPrepared, type Prepared } from './prepare';
export { seedPayment } from './seed';
export type { RequestLogEntry, SandboxConfig, SandboxState } from './state';
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
}

export interface SandboxHandle {
  /** e.g. `http://127.0.0.1:41234`, no trailing slash; use it as IAMPORT_BASE_URL. */
  url: string;
  port: number;
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
  });
}

/**
 * The sandbox without a server: its in-memory state, which `inProcessIamport` answers from. Takes the
 * options of {@link startSandbox}; `host` and `port` go unused. Webhooks are still sent for real.
 */
export function createSandbox(options: SandboxOptions = {}): SandboxState {
  return stateOf(parseOptions(options, 'createSandbox'));
}

/**
 * Starts the Iamport sandbox: an api.iamport.kr look-alike, the `/__sandbox` control API, and the JS
 * SDK (`/v1/iamport.js`) with its payment window (`/__sandbox/window`).
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
  ]);
  const sandbox = createSandboxServer(state, { api, control, cdn: new Router(sdkRoutes()) });

  await new Promise<void>((resolve, reject) => {
    sandbox.server.once('error', reject);
    sandbox.server.listen(o.port, o.host, () => {
      sandbox.server.off('error', reject);
      resolve();
    });
  });
  const address = sandbox.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : o.port;
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    close() {
      closing ??= sandbox.shutdown().then(() => state.webhooks.close());
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
