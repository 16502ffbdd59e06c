import type { RetryMessage, RetryQueue } from '../../shared/queue/types';
import { turn } from './fixtures';
// ---------------------------------------------------------------------------------------------------
// FakeRetryQueue
// ---------------------------------------------------------------------------------------------------

/** A retry queue that records what it accepted; `failNext()` makes sends reject, as SQS throttling would. */
export class FakeRetryQueue implements RetryQueue {
  readonly sent: Array<{ message: RetryMessage; delaySeconds: number }> = [];
  private failures: Array<() => Error> = [];

  failNext(times = 1, error: () => Error = () => new Error('SQS throttled')): this {
    for (let i = 0; i < times; i++) this.failures.push(error);
    return this;
  }

  async send(message: RetryMessage, delaySeconds: number): Promise<void> {
    await turn();
    const failure = this.failures.shift();
    if (failure) throw failure();
    this.sent.push({ message: structuredClone(message), delaySeconds });
  }
}
