import { describe, expect, it } from 'vitest';
import { CrashInjector, InvocationKilled } from './crashes';

/** A port whose calls are counted, so a test sees which ones ran. */
function countingPort() {
  const calls: string[] = [];
  return {
    calls,
    port: {
      async cancelPayment(id: string) {
        calls.push(`cancel ${id}`);
        return `cancelled ${id}`;
      },
      async saveRefund(id: string) {
        calls.push(`save ${id}`);
        return `saved ${id}`;
      },
    },
  };
}

describe('crash injector', () => {
  it('kills an invocation after the call at a crash point: the invoker sees it, nothing after it runs', async () => {
    const crashes = new CrashInjector(1);
    crashes.setRate(1);
    const { port, calls } = countingPort();
    const wrapped = crashes.wrap(port, { cancelPayment: { point: 'afterCancel' } });
    let resumed = false;
    const invocation = crashes.invoke('complete', async () => {
      await wrapped.cancelPayment('imp_1');
      resumed = true;
      await wrapped.saveRefund('imp_1');
    });

    await expect(invocation).rejects.toBeInstanceOf(InvocationKilled);
    await new Promise((resolve) => setTimeout(resolve, 20));
    // The cancel happened; the function never learned it, and recorded nothing.
    expect(calls).toEqual(['cancel imp_1']);
    expect(resumed).toBe(false);
    expect(crashes.crashes.entries()).toEqual([['complete: afterCancel', 1]]);
  });

  it('stops every later call of a killed invocation, even on branches still running', async () => {
    const crashes = new CrashInjector(1);
    crashes.setRate(1);
    const { port, calls } = countingPort();
    const wrapped = crashes.wrap(port, { cancelPayment: { point: 'afterCancel' } });
    const invocation = crashes.invoke('retryConsumer', async () => {
      await Promise.all([
        wrapped.cancelPayment('imp_1'),
        (async () => {
          await new Promise((resolve) => setTimeout(resolve, 10));
          await wrapped.saveRefund('imp_2');
        })(),
      ]);
    });
    await expect(invocation).rejects.toThrow('retryConsumer killed after the Iamport/PortOne cancel');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(calls).toEqual(['cancel imp_1']);
  });

  it('kills nothing outside an invocation, in functions it was not told of, or at rate 0', async () => {
    const crashes = new CrashInjector(1);
    const { port, calls } = countingPort();
    const wrapped = crashes.wrap(port, { cancelPayment: { point: 'afterCancel', fns: ['complete'] } });

    crashes.setRate(1);
    // The harness's own calls (no invocation) and another function's.
    await expect(wrapped.cancelPayment('a')).resolves.toBe('cancelled a');
    await expect(crashes.invoke('sweeper', () => wrapped.cancelPayment('b'))).resolves.toBe('cancelled b');
    crashes.setRate(0);
    await expect(crashes.invoke('complete', () => wrapped.cancelPayment('c'))).resolves.toBe('cancelled c');

    expect(calls).toEqual(['cancel a', 'cancel b', 'cancel c']);
    expect(crashes.crashes.total()).toBe(0);
  });

  it('draws crashes reproducibly from its seed', async () => {
    const draws = async (seed: number) => {
      const crashes = new CrashInjector(seed);
      crashes.setRate(0.5);
      const wrapped = crashes.wrap(countingPort().port, { cancelPayment: { point: 'afterCancel' } });
      const outcomes: string[] = [];
      for (let i = 0; i < 20; i++) {
        outcomes.push(
          await crashes
            .invoke('complete', () => wrapped.cancelPayment(String(i)))
            .then(
              () => 'ok',
              () => 'killed',
            ),
        );
      }
      return outcomes;
    };
    const first = await draws(42);
    expect(await draws(42)).toEqual(first);
    expect(first).toContain('ok');
    expect(first).toContain('killed');
  });
});
