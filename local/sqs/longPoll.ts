import type { LocalQueue } from './queue';

/**
 * How often a waiting receive looks again without being woken. Sends and visibility changes wake
 * waiters at once; this catches what only time reveals (a delay or visibility timeout running out),
 * which with an injected clock can happen at any moment the test moves it.
 */
const recheckMs = 50;

function nextWake(queue: LocalQueue, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      unsubscribe();
      signal.removeEventListener('abort', done);
      resolve();
    };
    // unref: a pending long poll must never be what keeps the process alive.
    const timer = setTimeout(done, ms).unref();
    const unsubscribe = queue.subscribe(done);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * ReceiveMessage with WaitTimeSeconds: returns as soon as `attempt` finds messages, or empty at the
 * deadline. The deadline is real time, not the injected clock, so a frozen test clock cannot hang a
 * poll. Once `signal` fires (client gone, server closing) nothing more is taken off the queue.
 */
export async function longPoll<T>(
  queue: LocalQueue,
  attempt: () => T[],
  waitSeconds: number,
  signal: AbortSignal,
): Promise<T[]> {
  const deadline = performance.now() + waitSeconds * 1000;
  for (;;) {
    if (signal.aborted) return [];
    const received = attempt();
    const remaining = deadline - performance.now();
    if (received.length > 0 || remaining <= 0) return received;
    await nextWake(queue, Math.min(recheckMs, remaining), signal);
  }
}
