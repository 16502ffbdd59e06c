/**
 * How many invocations of one function may run at once, and what happens to the rest. Lambda would start
 * another instance; locally each instance is a serverless-offline worker thread with its own module init
 * and tens of MB, kept for a minute, so past a few dozen at once a laptop does little but start workers.
 * The local stack bounds them as reserved concurrency does, and the rest wait in arrival order for a free
 * slot. A wait is bounded in time and in length: a request is answered or refused, never left hanging.
 */
export interface GateOptions {
  /** Invocations at once; each is one serverless-offline worker thread kept warm. */
  limit: number;
  /** Longest wait for a slot; API Gateway's own integration timeout is 30 s. */
  maxWaitMs: number;
  /** Waiting requests beyond this are refused at once. */
  maxQueue: number;
}

export type Refusal = 'queue_full' | 'wait_timeout';

export class GateRefusedError extends Error {
  constructor(readonly reason: Refusal) {
    super(reason === 'queue_full' ? 'too many requests waiting' : 'no free slot in time');
    this.name = 'GateRefusedError';
  }
}

export interface GateStats {
  running: number;
  waiting: number;
  /** The most that ran at once. */
  peakRunning: number;
  /** The most that waited at once. */
  peakWaiting: number;
  refused: Record<Refusal, number>;
}

interface Waiter {
  start(): void;
  timer: NodeJS.Timeout;
}

export interface ConcurrencyGate {
  /** Runs `task` once a slot is free; rejects with `GateRefusedError` if none frees in time. */
  run<T>(task: () => Promise<T>): Promise<T>;
  stats(): GateStats;
}

export function createConcurrencyGate({ limit, maxWaitMs, maxQueue }: GateOptions): ConcurrencyGate {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`gate limit must be ≥ 1, got ${limit}`);
  let running = 0;
  const queue: Waiter[] = [];
  const stats: GateStats = {
    running: 0,
    waiting: 0,
    peakRunning: 0,
    peakWaiting: 0,
    refused: { queue_full: 0, wait_timeout: 0 },
  };

  const next = (): void => {
    const waiter = queue.shift();
    if (waiter === undefined) return;
    clearTimeout(waiter.timer);
    waiter.start();
  };

  async function execute<T>(task: () => Promise<T>): Promise<T> {
    running += 1;
    stats.peakRunning = Math.max(stats.peakRunning, running);
    try {
      return await task();
    } finally {
      running -= 1;
      next();
    }
  }

  return {
    run<T>(task: () => Promise<T>): Promise<T> {
      if (running < limit && queue.length === 0) return execute(task);
      if (queue.length >= maxQueue) {
        stats.refused.queue_full += 1;
        return Promise.reject(new GateRefusedError('queue_full'));
      }
      return new Promise<T>((resolve, reject) => {
        const waiter: Waiter = {
          start: () => {
            execute(task).then(resolve, reject);
          },
          timer: setTimeout(() => {
            const at = queue.indexOf(waiter);
            if (at >= 0) queue.splice(at, 1);
            stats.refused.wait_timeout += 1;
            reject(new GateRefusedError('wait_timeout'));
          }, maxWaitMs),
        };
        queue.push(waiter);
        stats.peakWaiting = Math.max(stats.peakWaiting, queue.length);
      });
    },
    stats: () => ({ ...stats, running, waiting: queue.length, refused: { ...stats.refused } }),
  };
}
