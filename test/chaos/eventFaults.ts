import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { Webhook } from 'standardwebhooks';
import type { PutEventsSender } from '../../shared/events/eventBridgeTarget';
import type { OrderEvent } from '../../shared/events/types';
import { Random } from './random';
import { Tally } from './tally';

/**
 * The two places order events go in the chaos run, each failing a share of deliveries when faults are
 * on: the merchant's own webhook receiver and EventBridge's PutEvents. What each *accepted* is what the
 * merchant got; the invariants count distinct event ids there.
 */

/** Events by order, in arrival order, duplicates kept. */
class Received {
  readonly all: OrderEvent[] = [];
  private readonly byOrder = new Map<string, OrderEvent[]>();

  add(event: OrderEvent): void {
    this.all.push(event);
    const list = this.byOrder.get(event.merchant_uid) ?? [];
    list.push(event);
    this.byOrder.set(event.merchant_uid, list);
  }

  of(merchantUid: string): readonly OrderEvent[] {
    return this.byOrder.get(merchantUid) ?? [];
  }
}

export interface EventSink {
  readonly name: string;
  readonly received: Received;
  /** Faults injected (by kind), deliveries accepted, forged or unreadable ones. */
  readonly tally: Tally;
  setFaults(rate: number): void;
}

export interface FlakyReceiver extends EventSink {
  url: string;
  close(): Promise<void>;
}

/**
 * The merchant's webhook receiver: it checks each delivery's Standard Webhooks signature with the npm
 * `standardwebhooks` package (as a merchant would, not with our signer's code), and, when faults are on,
 * fails a share of them in equal parts: a 5xx, no answer at all (the sender's deadline passes), or a
 * 2xx sent after the sender's deadline (the merchant has the event; the sender believes it failed).
 */
export async function startFlakyReceiver(options: {
  secret: string;
  seed: number;
  /** The sender's deadline for one attempt: a late 2xx comes this long plus 300 ms after the request. */
  senderTimeoutMs: number;
}): Promise<FlakyReceiver> {
  const verifier = new Webhook(options.secret);
  const random = new Random(options.seed);
  const received = new Received();
  const tally = new Tally();
  let rate = 0;
  const timers = new Set<NodeJS.Timeout>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let event: OrderEvent;
      try {
        const headers: Record<string, string> = {};
        for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
          const value = req.headers[name];
          if (typeof value === 'string') headers[name] = value;
        }
        event = verifier.verify(body, headers) as OrderEvent;
      } catch {
        tally.add('refused: bad signature');
        res.writeHead(401).end();
        return;
      }
      const fault =
        rate > 0 && random.chance(rate) ? random.pick(['5xx', 'no answer', 'late 2xx'] as const) : null;
      if (fault === '5xx') {
        tally.add('fault: 5xx');
        res.writeHead(random.chance(0.5) ? 500 : 503).end();
        return;
      }
      if (fault === 'no answer') {
        tally.add('fault: no answer (sender timed out)');
        // Held until the sender gives up and closes the connection.
        return;
      }
      received.add(event);
      if (fault === 'late 2xx') {
        tally.add('fault: 2xx after the deadline');
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!res.destroyed) res.writeHead(200).end();
        }, options.senderTimeoutMs + 300);
        timers.add(timer);
        return;
      }
      tally.add('accepted');
      res.writeHead(204).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    name: 'merchant webhook',
    url: `http://127.0.0.1:${port}/events`,
    received,
    tally,
    setFaults(next) {
      rate = next;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface FlakyEventBridge extends EventSink {
  /** What the EventBridge target is given instead of an `EventBridgeClient`. */
  sender: PutEventsSender;
}

/**
 * EventBridge's PutEvents, as the target sees it through the SDK client: when faults are on, a share of
 * calls answer 200 with the entry refused (`FailedEntryCount: 1`, a throttling or internal `ErrorCode`:
 * PutEvents' partial failure, which the SDK does not retry), or fail as a whole after the SDK's own
 * retries (a thrown `InternalException`).
 */
export function flakyEventBridge(seed: number): FlakyEventBridge {
  const random = new Random(seed);
  const received = new Received();
  const tally = new Tally();
  let rate = 0;
  const sender: PutEventsSender = {
    async send(command: PutEventsCommand) {
      await new Promise((resolve) => setImmediate(resolve));
      const entries = command.input.Entries ?? [];
      if (rate > 0 && random.chance(rate)) {
        if (random.chance(0.2)) {
          tally.add('fault: call failed (InternalException)');
          const error = new Error('We encountered an internal error. Please try again.');
          error.name = 'InternalException';
          throw error;
        }
        const code = random.pick(['ThrottlingException', 'InternalFailure'] as const);
        tally.add(`fault: entry refused (${code})`);
        return {
          FailedEntryCount: entries.length,
          Entries: entries.map(() => ({ ErrorCode: code, ErrorMessage: 'refused (chaos)' })),
        };
      }
      for (const entry of entries) {
        received.add(JSON.parse(entry.Detail ?? '{}') as OrderEvent);
        tally.add('accepted');
      }
      return { FailedEntryCount: 0, Entries: entries.map((_, i) => ({ EventId: `chaos-${i}` })) };
    },
  };
  return {
    name: 'EventBridge',
    sender,
    received,
    tally,
    setFaults(next) {
      rate = next;
    },
  };
}
