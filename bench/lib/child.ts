import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/**
 * Benchmark processes: the load generator stays in the parent, the system under test and the services
 * it calls (dynalite, the Iamport sandbox) run in children, so each has its own event loop as in
 * production. Children run TypeScript through tsx and talk over the IPC channel with a tiny RPC.
 */

/** The methods a child offers: one JSON argument in, one JSON value out. */
export type RpcApi = Record<string, (arg: never) => Promise<unknown>>;

interface RpcRequest {
  id: number;
  method: string;
  arg: unknown;
}

type RpcReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

type ChildMessage = { type: 'ready'; info: unknown } | ({ type: 'reply' } & RpcReply);

export interface Child<Api extends RpcApi, Info> {
  info: Info;
  pid: number;
  call<K extends keyof Api & string>(
    method: K,
    arg: Parameters<Api[K]>[0],
  ): Promise<Awaited<ReturnType<Api[K]>>>;
  /** CPU time the child has used so far, in milliseconds (user + system). */
  cpuMs(): Promise<number>;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

export const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Forks `entry` (a path relative to the project root) under tsx and waits for its `ready` message.
 * Its stdout is discarded (handlers log per request; the logs cost what they cost in Lambda, but
 * nobody reads them here) unless `BENCH_CHILD_STDOUT=1`.
 */
export async function startChild<Api extends RpcApi, Info>(
  entry: string,
  env: NodeJS.ProcessEnv,
  startTimeoutMs = 60_000,
): Promise<Child<Api, Info>> {
  const child: ChildProcess = fork(entry, [], {
    cwd: projectRoot,
    execArgv: [
      '--import',
      'tsx',
      // BENCH_PROFILE_DIR=/tmp/prof: every child writes a V8 CPU profile there when it exits.
      ...(process.env.BENCH_PROFILE_DIR
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`]
        : []),
    ],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    stdio: ['ignore', process.env.BENCH_CHILD_STDOUT === '1' ? 'inherit' : 'ignore', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let exited = false;
  const info = await new Promise<Info>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${entry} not ready in ${startTimeoutMs} ms`)),
      startTimeoutMs,
    );
    child.once('exit', (code) => {
      exited = true;
      clearTimeout(timer);
      reject(new Error(`${entry} exited with ${code} before it was ready`));
      for (const waiter of pending.values()) waiter.reject(new Error(`${entry} exited`));
    });
    child.on('message', (raw) => {
      const message = raw as ChildMessage;
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve(message.info as Info);
        return;
      }
      const waiter = pending.get(message.id);
      if (!waiter) return;
      pending.delete(message.id);
      if (message.ok) waiter.resolve(message.value);
      else waiter.reject(new Error(`${entry}: ${message.error}`));
    });
  });
  const call = (method: string, arg: unknown): Promise<unknown> => {
    const id = nextId++;
    const request: RpcRequest = { id, method, arg };
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      child.send(request);
    });
  };
  return {
    info,
    pid: child.pid ?? -1,
    call: (method, arg) => call(method, arg) as never,
    cpuMs: () => call(CPU_METHOD, null) as Promise<number>,
    async stop() {
      if (exited || child.exitCode !== null) return;
      const gone = once(child, 'exit');
      child.kill('SIGTERM');
      await gone;
    },
  };
}

const CPU_METHOD = '__cpuMs';

/** Child side: announces `info` and answers calls to `api` (and CPU-time queries) until SIGTERM. */
export function serveChild(api: RpcApi, info: unknown, onStop?: () => Promise<void>): void {
  const methods: RpcApi = {
    ...api,
    [CPU_METHOD]: async () => {
      const { user, system } = process.cpuUsage();
      return (user + system) / 1000;
    },
  };
  process.on('message', (raw) => {
    const request = raw as RpcRequest;
    const method = methods[request.method];
    const answer = (reply: RpcReply) => process.send?.({ type: 'reply', ...reply });
    if (!method) {
      answer({ id: request.id, ok: false, error: `no method ${request.method}` });
      return;
    }
    method(request.arg as never).then(
      (value) => answer({ id: request.id, ok: true, value }),
      (error: unknown) =>
        answer({
          id: request.id,
          ok: false,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        }),
    );
  });
  process.once('SIGTERM', () => {
    const done = onStop ? onStop() : Promise.resolve();
    done.finally(() => process.exit(0));
  });
  // The parent going away (Ctrl-C, a crash) must not leave this process behind.
  process.once('disconnect', () => process.exit(0));
  process.send?.({ type: 'ready', info });
}
