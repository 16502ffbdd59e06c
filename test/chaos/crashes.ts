import { AsyncLocalStorage } from 'node:async_hooks';
import { Random } from './random';
import { Tally } from './tally';

/**
 * Crashes mid-flight for the chaos run: a function killed at an await point, as Lambda kills an
 * invocation that ran out of time or memory, or whose host died. A killed invocation does nothing more:
 * the await it was killed at never resumes, every later call of its ports never starts, and its invoker
 * sees the invocation fail (API Gateway answers 502, the event source keeps the messages, the stream
 * retries the batch) and retries it as Lambda's invoker would.
 *
 * The points are the ports' calls (see {@link CrashInjector.wrap}): after the call's effect happened,
 * before the function could use its answer. That is where a crash hurts: a cancel done but not recorded,
 * a transition written but its event not sent, a message received but not deleted.
 */

/** Where a crash is injected: the port call it follows, and what it leaves undone. */
export const crashPoints = {
  afterCancel: 'after the Iamport/PortOne cancel, before the refund is recorded',
  afterTransition: 'after the transition write, before its event is delivered',
  afterEventSent: 'after an event was sent, before the stream checkpoint',
  afterReceive: 'after a queue receive, before the delete',
  midSweep: 'in the middle of a sweep',
} as const;
export type CrashPoint = keyof typeof crashPoints;

/** Thrown to the invoker of a killed invocation (never seen by the function itself). */
export class InvocationKilled extends Error {
  constructor(
    readonly fn: string,
    readonly point: CrashPoint,
  ) {
    super(`${fn} killed ${crashPoints[point]}`);
    this.name = 'InvocationKilled';
  }
}

interface Invocation {
  fn: string;
  killed: boolean;
  kill(point: CrashPoint): void;
}

const never = new Promise<never>(() => undefined);

export class CrashInjector {
  private readonly invocations = new AsyncLocalStorage<Invocation>();
  private random: Random;
  private rate = 0;
  /** Crashes injected, `fn: point`. */
  readonly crashes = new Tally();

  constructor(seed: number) {
    this.random = new Random(seed);
  }

  /** Crash at each point with probability `rate` (0: off). */
  setRate(rate: number): void {
    this.rate = rate;
  }

  /**
   * Runs one invocation of `fn`: resolves as the function does, or rejects with {@link InvocationKilled}
   * as soon as a crash point kills it (whatever the function's other branches were still doing).
   */
  invoke<T>(fn: string, run: () => Promise<T>): Promise<T> {
    let kill: (point: CrashPoint) => void = () => undefined;
    const killed = new Promise<never>((_, reject) => {
      kill = (point) => reject(new InvocationKilled(fn, point));
    });
    const invocation: Invocation = {
      fn,
      killed: false,
      kill: (point) => {
        invocation.killed = true;
        this.crashes.add(`${fn}: ${point}`);
        kill(point);
      },
    };
    return Promise.race([this.invocations.run(invocation, run), killed]);
  }

  /** Whether the current invocation (if any) was killed: its work must stop where it stands. */
  private current(): Invocation | undefined {
    return this.invocations.getStore();
  }

  /**
   * After an effect at `point`: in an invocation of one of `fns` (any when omitted), with probability
   * `rate`, kills the invocation and never returns.
   */
  async after(point: CrashPoint, fns?: readonly string[]): Promise<void> {
    const invocation = this.current();
    // Outside any invocation (the harness's own calls) nothing is killed.
    if (!invocation) return;
    if (invocation.killed) return never;
    if (fns && !fns.includes(invocation.fn)) return;
    if (this.rate <= 0 || !this.random.chance(this.rate)) return;
    invocation.kill(point);
    return never;
  }

  /**
   * The port with every method stopped in a killed invocation, and, after each method named in
   * `points`, a chance of a crash at that point (in invocations of `fns`, when given).
   */
  wrap<T extends object>(
    port: T,
    points: Partial<Record<string, { point: CrashPoint; fns?: readonly string[] }>> = {},
  ): T {
    return new Proxy(port, {
      get: (target, property, receiver) => {
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        const crash = typeof property === 'string' ? points[property] : undefined;
        return async (...args: unknown[]) => {
          if (this.current()?.killed) return never;
          const result: unknown = await Reflect.apply(value, target, args);
          if (crash) await this.after(crash.point, crash.fns);
          else if (this.current()?.killed) return never;
          return result;
        };
      },
    });
  }
}
