import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { BoundedLog } from '../boundedLog';
import type { SandboxClock } from '../clock';
import type { PostOutcome, WebhookSender } from '../webhooks';
import type { V2WebhookFormat, V2WebhookVersion } from './config';

/**
 * PortOne's V2 delivery schedule (webhook guide): up to 5 retries after a network error or a non-2xx
 * answer, 1, 4, 16, 64 and 256 minutes after the attempt before. PortOne adds jitter; the sandbox does
 * not, so a test can advance the clock by exactly these amounts.
 */
export const v2RetryDelaysMinutes = [1, 4, 16, 64, 256] as const;

/** What happened to a payment, as a V2 notice tells it. */
export interface V2Notice {
  /** `Transaction.Paid`, …; the `2024-01-01` body's `status` is this without `Transaction.`. */
  type: string;
  storeId: string;
  paymentId: string;
  transactionId: string;
  cancellationId?: string | undefined;
}

export interface V2SendOptions {
  version: V2WebhookVersion;
  format: V2WebhookFormat;
  /** null = no `webhook-*` headers at all (an unsigned, forged notice). */
  secret: string | null;
  /** When the event happened (the body's `timestamp`), sandbox ms. @default now */
  eventAt?: number | undefined;
}

export interface V2WebhookAttempt {
  /** Sandbox clock, ms. */
  at: number;
  /** The `webhook-timestamp` header sent (unix seconds; each attempt is signed anew). */
  webhookTimestamp: number | null;
  /** null while in flight, or when the receiver never answered (see `error`). */
  status: number | null;
  error: string | null;
}

export interface V2WebhookDelivery {
  /** The `webhook-id` header: the same on every retry, so a receiver can drop duplicates. */
  id: string;
  type: string;
  paymentId: string;
  transactionId: string;
  cancellationId: string | null;
  version: V2WebhookVersion;
  format: V2WebhookFormat;
  signed: boolean;
  url: string;
  /** The exact bytes sent on every attempt (the body's `timestamp` is the event's, not the attempt's). */
  body: string;
  state: 'sending' | 'retrying' | 'delivered' | 'failed';
  attempts: V2WebhookAttempt[];
  /** Sandbox clock, ms, of the next retry; null unless `retrying`. */
  nextAttemptAt: number | null;
  /** Sandbox clock, ms, when the notice was queued. */
  at: number;
}

interface Entry {
  delivery: V2WebhookDelivery;
  secret: string | null;
  /** The log's generation when queued: an attempt settling after `clearLog` schedules no retry. */
  generation: number;
}

const contentType: Record<V2WebhookFormat, string> = {
  json: 'application/json',
  form: 'application/x-www-form-urlencoded',
};

/** The body of `notice` in `version` (the guide's two schemas); the event time is `eventAt`. */
export function encodeV2Notice(
  notice: V2Notice,
  version: V2WebhookVersion,
  format: V2WebhookFormat,
  eventAt: number,
): string {
  if (version === '2024-04-25') {
    return JSON.stringify({
      type: notice.type,
      timestamp: new Date(eventAt).toISOString(),
      data: {
        paymentId: notice.paymentId,
        storeId: notice.storeId,
        transactionId: notice.transactionId,
        ...(notice.cancellationId === undefined ? {} : { cancellationId: notice.cancellationId }),
      },
    });
  }
  const fields = {
    payment_id: notice.paymentId,
    tx_id: notice.transactionId,
    status: notice.type.replace(/^Transaction\./, ''),
  };
  return format === 'json' ? JSON.stringify(fields) : new URLSearchParams(fields).toString();
}

const copy = (d: V2WebhookDelivery): V2WebhookDelivery => ({
  ...d,
  attempts: d.attempts.map((a) => ({ ...a })),
});

/**
 * V2 notices: signed per Standard Webhooks with the `standardwebhooks` package (the reference
 * implementation), sent through the V1 sender's pool (so `idle()` and `close()` cover them), and retried
 * on the sandbox clock: a retry falls due when the clock reaches it, by the wall clock or by a test's
 * `advance`. `idle()` waits for attempts in flight, not for retries still due.
 */
export class V2WebhookQueue {
  private readonly log = new BoundedLog<V2WebhookDelivery>();
  private readonly waiting = new Set<Entry>();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private generation = 0;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly sender: WebhookSender,
    private readonly clock: SandboxClock,
  ) {
    this.unsubscribe = clock.onJump(() => this.pump());
  }

  send(url: string, notice: V2Notice, options: V2SendOptions): V2WebhookDelivery {
    const now = this.clock.now();
    const delivery = this.log.push({
      id: `msg_${randomBytes(16).toString('hex')}`,
      type: notice.type,
      paymentId: notice.paymentId,
      transactionId: notice.transactionId,
      cancellationId: notice.cancellationId ?? null,
      version: options.version,
      format: options.format,
      signed: options.secret !== null,
      url,
      body: encodeV2Notice(notice, options.version, options.format, options.eventAt ?? now),
      state: 'sending',
      attempts: [],
      nextAttemptAt: null,
      at: now,
    });
    this.attempt({ delivery, secret: options.secret, generation: this.generation }, now);
    return copy(delivery);
  }

  deliveries(): V2WebhookDelivery[] {
    return this.log.list().map(copy);
  }

  /** Forgets the log and every retry still due. */
  clearLog(): void {
    this.generation += 1;
    this.log.clear();
    this.waiting.clear();
    this.arm();
  }

  close(): void {
    this.closed = true;
    this.unsubscribe();
    this.waiting.clear();
    this.arm();
  }

  private headers(entry: Entry, at: number): { headers: Record<string, string>; timestamp: number | null } {
    const { delivery, secret } = entry;
    const headers: Record<string, string> = { 'content-type': contentType[delivery.format] };
    if (secret === null) return { headers, timestamp: null };
    const date = new Date(at);
    headers['webhook-id'] = delivery.id;
    headers['webhook-timestamp'] = String(Math.floor(at / 1000));
    headers['webhook-signature'] = new Webhook(secret).sign(delivery.id, date, delivery.body);
    return { headers, timestamp: Math.floor(at / 1000) };
  }

  private attempt(entry: Entry, at: number = this.clock.now()): void {
    const { delivery } = entry;
    const { headers, timestamp } = this.headers(entry, at);
    const attempt: V2WebhookAttempt = { at, webhookTimestamp: timestamp, status: null, error: null };
    delivery.attempts.push(attempt);
    delivery.state = 'sending';
    delivery.nextAttemptAt = null;
    void this.sender
      .post(delivery.url, delivery.body, headers)
      .then((outcome) => this.settle(entry, attempt, outcome));
  }

  private settle(entry: Entry, attempt: V2WebhookAttempt, outcome: PostOutcome): void {
    const { delivery } = entry;
    attempt.status = outcome.status;
    attempt.error = outcome.error;
    if (outcome.status !== null && outcome.status >= 200 && outcome.status < 300) {
      delivery.state = 'delivered';
      return;
    }
    const delay = v2RetryDelaysMinutes[delivery.attempts.length - 1];
    if (delay === undefined || this.closed || entry.generation !== this.generation) {
      delivery.state = 'failed';
      return;
    }
    delivery.state = 'retrying';
    delivery.nextAttemptAt = attempt.at + delay * 60_000;
    this.waiting.add(entry);
    this.pump();
  }

  /** Sends every retry that is due on the sandbox clock, then waits for the next one. */
  private pump(): void {
    if (this.closed) return;
    const now = this.clock.now();
    for (const entry of [...this.waiting]) {
      const due = entry.delivery.nextAttemptAt;
      if (due !== null && due <= now) {
        this.waiting.delete(entry);
        this.attempt(entry);
      }
    }
    this.arm();
  }

  private arm(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.closed || this.waiting.size === 0) return;
    const next = Math.min(
      ...[...this.waiting].map((e) => e.delivery.nextAttemptAt ?? Number.POSITIVE_INFINITY),
    );
    // setTimeout takes at most 2^31 - 1 ms; a later retry is looked at again then.
    const wait = Math.min(Math.max(0, next - this.clock.now()), 2_147_483_647);
    this.timer = setTimeout(() => this.pump(), wait);
    // A retry hours away must not keep a test process or `npm start` alive by itself.
    this.timer.unref();
  }
}
