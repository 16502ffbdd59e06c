import type { SandboxClock } from '../clock';
import type { WebhookSender } from '../webhooks';
import type { V2Config } from './config';
import { IdempotencyStore } from './idempotency';
import { V2PaymentStore } from './store';
import { V2WebhookQueue } from './webhooks';

/** Everything the V2 API remembers, beside V1's in the same `SandboxState` (same clock, faults, log). */
export interface V2State {
  readonly config: V2Config;
  readonly payments: V2PaymentStore;
  readonly idempotency: IdempotencyStore;
  readonly webhooks: V2WebhookQueue;
  reset(): void;
}

export function createV2State(config: V2Config, sender: WebhookSender, clock: SandboxClock): V2State {
  const initial = { ...config };
  const state: V2State = {
    config: { ...initial },
    payments: new V2PaymentStore(),
    idempotency: new IdempotencyStore(),
    webhooks: new V2WebhookQueue(sender, clock),
    reset() {
      state.payments.clear();
      state.idempotency.clear();
      state.webhooks.clearLog();
      Object.assign(state.config, initial);
    },
  };
  return state;
}
