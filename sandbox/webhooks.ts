import { Agent, request } from 'undici';
import { BoundedLog } from './boundedLog';
import type { WebhookFormat } from './payment';

/** Exactly what Iamport V1 posts: no signature, nothing else. */
export interface WebhookNotice {
  imp_uid: string;
  merchant_uid: string;
  status: string;
  cancellation_id?: string | undefined;
}

export interface WebhookDelivery {
  imp_uid: string;
  merchant_uid: string;
  status: string;
  cancellation_id: string | null;
  url: string;
  format: WebhookFormat;
  /** The exact bytes sent, for assertions and debugging. */
  body: string;
  /** null while pending, or when the receiver never answered (see `error`). */
  response_status: number | null;
  error: string | null;
  /** Sandbox clock, ms, when the delivery was queued. */
  at: number;
}

export const contentTypes: Record<WebhookFormat, string> = {
  json: 'application/json',
  form: 'application/x-www-form-urlencoded',
};

export function encodeNotice(notice: WebhookNotice, format: WebhookFormat): string {
  const fields: [string, string][] = [
    ['imp_uid', notice.imp_uid],
    ['merchant_uid', notice.merchant_uid],
    ['status', notice.status],
  ];
  if (notice.cancellation_id !== undefined) fields.push(['cancellation_id', notice.cancellation_id]);
  return format === 'json'
    ? JSON.stringify(Object.fromEntries(fields))
    : new URLSearchParams(fields).toString();
}

/** How one POST ended: the receiver's status, or why there was none. */
export interface PostOutcome {
  status: number | null;
  error: string | null;
}

export interface WebhookTimeouts {
  connectMs: number;
  readMs: number;
}

/** Iamport's first-delivery timeouts. Sent once, no retries: Iamport's default. */
export const iamportTimeouts: WebhookTimeouts = { connectMs: 10_000, readMs: 30_000 };

/**
 * Fires notices in the background so the call that caused them answers at once, and keeps every
 * delivery in a log; `idle()` lets a test wait until all of them have settled.
 */
export class WebhookSender {
  private readonly log = new BoundedLog<WebhookDelivery>();
  private readonly pending = new Set<Promise<void>>();
  private readonly agent: Agent;

  constructor(
    private readonly now: () => number,
    timeouts: WebhookTimeouts = iamportTimeouts,
  ) {
    this.agent = new Agent({
      connect: { timeout: timeouts.connectMs },
      headersTimeout: timeouts.readMs,
      bodyTimeout: timeouts.readMs,
    });
  }

  send(url: string, format: WebhookFormat, notice: WebhookNotice): WebhookDelivery {
    const entry = this.log.push({
      imp_uid: notice.imp_uid,
      merchant_uid: notice.merchant_uid,
      status: notice.status,
      cancellation_id: notice.cancellation_id ?? null,
      url,
      format,
      body: encodeNotice(notice, format),
      response_status: null,
      error: null,
      at: this.now(),
    });
    const delivery: Promise<void> = this.deliver(entry).finally(() => this.pending.delete(delivery));
    this.pending.add(delivery);
    return { ...entry };
  }

  private async deliver(entry: WebhookDelivery): Promise<void> {
    const outcome = await this.attempt(entry.url, entry.body, { 'content-type': contentTypes[entry.format] });
    entry.response_status = outcome.status;
    entry.error = outcome.error;
  }

  /**
   * One POST on this sender's connection pool, counted by `idle()` and aborted by `close()`: the V2 notices
   * (`v2/webhooks.ts`) go through here too, so one `idle()` and one `close()` cover both APIs.
   */
  post(url: string, body: string, headers: Record<string, string>): Promise<PostOutcome> {
    const attempt = this.attempt(url, body, headers);
    const tracked: Promise<void> = attempt.then(() => undefined).finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
    return attempt;
  }

  private async attempt(url: string, body: string, headers: Record<string, string>): Promise<PostOutcome> {
    // The status counts as soon as it arrives, even if reading the rest of the answer fails.
    let status: number | null = null;
    try {
      const res = await request(url, { method: 'POST', body, headers, dispatcher: this.agent });
      status = res.statusCode;
      await res.body.dump();
      return { status, error: null };
    } catch (error) {
      return { status, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
    }
  }

  deliveries(): WebhookDelivery[] {
    return this.log.list().map((entry) => ({ ...entry }));
  }

  clearLog(): void {
    this.log.clear();
  }

  /** Resolves once every delivery queued so far, and any queued meanwhile, has settled. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Aborts deliveries still in flight (they are logged as errors) and frees the connection pool. */
  async close(): Promise<void> {
    await this.agent.destroy();
    await this.idle();
  }
}
