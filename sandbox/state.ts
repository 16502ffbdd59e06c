import { BoundedLog } from './boundedLog';
import { createClock, type SandboxClock } from './clock';
import { FaultInjector } from './faults';
import type { WebhookFormat } from './payment';
import { PrepareRegistry } from './prepare';
import { PaymentStore } from './store';
import { type Credentials, TokenIssuer } from './tokens';
import type { V2Config } from './v2/config';
import { createV2State, type V2State } from './v2/state';
import { WebhookSender, type WebhookTimeouts } from './webhooks';

export interface SandboxConfig {
  /** The console's notification URL; null = none configured, so no notices unless a payment has notice_url. */
  webhookUrl: string | null;
  webhookFormat: WebhookFormat;
}

/** One API call (never a control call), as `GET /__sandbox/requests` lists it. */
export interface RequestLogEntry {
  /** `'v2'` on calls to the V2 API; absent on V1 calls, whose entries keep their original shape. */
  api?: 'v2';
  method: string;
  /** Path without the query string. */
  path: string;
  /** The raw query string without `?`, '' when none. */
  query: string;
  status: number;
  /** A `lose_answer` fault: handled with `status`, and the answer never sent. */
  answer_lost?: true;
  /** Sandbox clock, ms. */
  at: number;
}

export interface SandboxStateOptions {
  credentials: Credentials;
  config: SandboxConfig;
  now: () => number;
  unauthorizedMessage: string;
  webhookTimeouts?: WebhookTimeouts;
  v2: V2Config;
}

/** Everything the emulator remembers. In-process tests and a payment-window page may use it directly. */
export interface SandboxState {
  readonly clock: SandboxClock;
  readonly payments: PaymentStore;
  readonly prepared: PrepareRegistry;
  readonly tokens: TokenIssuer;
  readonly webhooks: WebhookSender;
  readonly faults: FaultInjector;
  readonly requests: BoundedLog<RequestLogEntry>;
  readonly config: SandboxConfig;
  /** The PortOne V2 API's own payments, configuration and webhooks, on the same clock, faults and log. */
  readonly v2: V2State;
  /** Body message of the 401 answer; the sources do not give Iamport's exact one. */
  readonly unauthorizedMessage: string;
  /** Back to the state right after start (V1 and V2): no payments, tokens, registrations, logs or faults; clock unmoved. */
  reset(): void;
}

export function createSandboxState(options: SandboxStateOptions): SandboxState {
  const clock = createClock(options.now);
  const initialConfig = { ...options.config };
  const webhooks = new WebhookSender(clock.now, options.webhookTimeouts);
  const state: SandboxState = {
    clock,
    payments: new PaymentStore(),
    prepared: new PrepareRegistry(),
    tokens: new TokenIssuer(options.credentials),
    webhooks,
    v2: createV2State(options.v2, webhooks, clock),
    faults: new FaultInjector(),
    requests: new BoundedLog<RequestLogEntry>(),
    config: { ...initialConfig },
    unauthorizedMessage: options.unauthorizedMessage,
    reset() {
      state.payments.clear();
      state.prepared.clear();
      state.tokens.clear();
      state.webhooks.clearLog();
      state.faults.clear();
      state.requests.clear();
      state.v2.reset();
      state.clock.reset();
      Object.assign(state.config, initialConfig);
    },
  };
  return state;
}
