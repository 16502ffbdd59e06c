import { createHash, randomUUID } from 'node:crypto';
import type { QueueSettings } from './attributes';
import { errors } from './errors';

export interface StoredMessage {
  id: string;
  body: string;
  md5OfBody: string;
  sentAt: number;
  /** Before this instant the message is delayed (never received) or in flight (received). */
  visibleAt: number;
  receiveCount: number;
  firstReceivedAt: number | undefined;
  /** Only the newest receipt handle may delete the message or change its visibility. */
  receipt: string | undefined;
  /** Set on messages moved here by a redrive policy. */
  deadLetterSourceArn: string | undefined;
}

export const md5Hex = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

/** `<queue>/<message id>/<nonce>`, base64url: opaque like SQS's, new on every receive. */
function receiptFor(queueName: string, messageId: string): string {
  return Buffer.from(`${queueName}/${messageId}/${randomUUID()}`, 'utf8').toString('base64url');
}

function messageIdOf(queueName: string, handle: string): string {
  const parts = Buffer.from(handle, 'base64url').toString('utf8').split('/');
  if (parts.length !== 3 || parts[0] !== queueName || !parts[1]) throw errors.receiptHandleIsInvalid(handle);
  return parts[1];
}

/** One standard queue. Time comes from the injected clock; waking long polls is the caller's job. */
export class LocalQueue {
  /** Insertion order is delivery order, which is roughly what a standard queue gives. */
  private readonly messages = new Map<string, StoredMessage>();
  private readonly listeners = new Set<() => void>();
  readonly createdAt: number;

  constructor(
    readonly name: string,
    readonly url: string,
    readonly arn: string,
    readonly settings: QueueSettings,
    readonly attributes: Record<string, string>,
    private readonly now: () => number,
    /** Resolves the redrive target at move time: the DLQ is looked up, not captured. */
    private readonly deadLetterQueue: (arn: string) => LocalQueue | undefined,
  ) {
    this.createdAt = now();
  }

  send(body: string, delaySeconds: number | undefined): StoredMessage {
    const now = this.now();
    const message: StoredMessage = {
      id: randomUUID(),
      body,
      md5OfBody: md5Hex(body),
      sentAt: now,
      visibleAt: now + (delaySeconds ?? this.settings.delaySeconds) * 1000,
      receiveCount: 0,
      firstReceivedAt: undefined,
      receipt: undefined,
      deadLetterSourceArn: undefined,
    };
    this.accept(message);
    return message;
  }

  /** Takes up to `max` visible messages, moving the ones past maxReceiveCount to the dead-letter queue. */
  receive(max: number, visibilityTimeout: number | undefined): StoredMessage[] {
    const now = this.now();
    this.dropExpired(now);
    const received: StoredMessage[] = [];
    for (const message of this.messages.values()) {
      if (received.length >= max) break;
      if (message.visibleAt > now) continue;
      const { redrive } = this.settings;
      if (redrive && message.receiveCount >= redrive.maxReceiveCount) {
        const target = this.deadLetterQueue(redrive.deadLetterTargetArn);
        if (target) {
          this.messages.delete(message.id);
          // SQS keeps the id, body and enqueue time; the DLQ starts its own receive count.
          target.accept({
            ...message,
            visibleAt: now,
            receiveCount: 0,
            firstReceivedAt: undefined,
            receipt: undefined,
            deadLetterSourceArn: this.arn,
          });
          continue;
        }
      }
      message.receiveCount += 1;
      message.firstReceivedAt ??= now;
      message.receipt = receiptFor(this.name, message.id);
      message.visibleAt = now + (visibilityTimeout ?? this.settings.visibilityTimeout) * 1000;
      received.push({ ...message });
    }
    return received;
  }

  /** Like SQS: an unknown or superseded (stale) handle is accepted but deletes nothing. */
  delete(handle: string): void {
    const message = this.messages.get(messageIdOf(this.name, handle));
    if (message && message.receipt === handle) this.messages.delete(message.id);
  }

  changeVisibility(handle: string, timeoutSeconds: number): void {
    const now = this.now();
    const message = this.messages.get(messageIdOf(this.name, handle));
    if (!message || message.receipt !== handle) {
      throw errors.outOfRange(
        'ReceiptHandle',
        handle,
        'Message does not exist or is not available for visibility timeout change.',
      );
    }
    if (message.visibleAt <= now) throw errors.messageNotInflight();
    message.visibleAt = now + timeoutSeconds * 1000;
    if (timeoutSeconds === 0) this.notify();
  }

  purge(): void {
    this.messages.clear();
  }

  counts(): { visible: number; inFlight: number; delayed: number } {
    const now = this.now();
    this.dropExpired(now);
    const counts = { visible: 0, inFlight: 0, delayed: 0 };
    for (const message of this.messages.values()) {
      if (message.visibleAt <= now) counts.visible += 1;
      else if (message.receiveCount > 0) counts.inFlight += 1;
      else counts.delayed += 1;
    }
    return counts;
  }

  /** Calls `listener` whenever a message may have become receivable; returns the unsubscribe. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private accept(message: StoredMessage): void {
    this.messages.set(message.id, message);
    if (message.visibleAt <= this.now()) this.notify();
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  private dropExpired(now: number): void {
    const retentionMs = this.settings.retentionSeconds * 1000;
    for (const message of this.messages.values()) {
      if (message.sentAt + retentionMs <= now) this.messages.delete(message.id);
    }
  }
}
