import type { OrderStore } from '../orders/store';
import type { Order } from '../orders/types';
import type { VerifyOutcome } from '../payments/types';
import type { VerifyDeps } from '../payments/verifyPayment';
import type { DeadLetterSink } from '../queue/deadLetters';
import type { RetryQueue } from '../queue/types';
import type { ReconcileSettings } from './schedule';

export interface ReconcileDeps extends VerifyDeps {
  orders: OrderStore;
  queue: RetryQueue;
  deadLetters: DeadLetterSink;
  settings: ReconcileSettings;
}

export type ProcessResult =
  | { kind: 'done'; outcome: VerifyOutcome['kind'] | 'no_order' | 'already_final'; status?: Order['status'] }
  | { kind: 'deferred'; delaySeconds: number }
  | { kind: 'retry_scheduled'; attempt: number; delaySeconds: number }
  | { kind: 'check_scheduled'; attempt: number; dueAt: number }
  | { kind: 'expired' }
  | { kind: 'dead_lettered' }
  /** Speculative work out of attempts: dropped on purpose (see MAX_SPECULATIVE_ATTEMPTS). */
  | { kind: 'abandoned'; attempt: number };
