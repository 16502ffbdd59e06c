import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { projectRoot } from '../../local/serverlessConfig';
import { freePorts } from './ports';

export interface RunningLocalStack {
  apiUrl: string;
  sandboxUrl: string;
  /** The same sandbox's PortOne V2 API. */
  sandboxV2Url: string;
  /** The demo shop (product page, result page, orders view). */
  shopUrl: string;
  /** The npm process, leader of the stack's process group (its memory is the group's). */
  pid: number | undefined;
  output: () => string;
  /** Ctrl-C; resolves with how the npm process ended. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `npm start` as a user would, on free ports, and resolves at its ready line.
 * `env` overrides the stack's configuration (e.g. short reconcile delays).
 */
export async function startLocalStack(
  env: NodeJS.ProcessEnv = {},
  readyTimeoutMs = 120_000,
): Promise<RunningLocalStack> {
  // Its own queue and shop ports too, so that two stacks (two test files) can run side by side.
  const [api, sandbox, dynamo, lambda, queue, shop, sandboxV2, offline] = await freePorts(8);
  const child: ChildProcess = spawn('npm', ['start'], {
    cwd: projectRoot,
    env: {
      ...process.env,
      PORT: String(api),
      SANDBOX_PORT: String(sandbox),
      DYNAMODB_PORT: String(dynamo),
      LAMBDA_PORT: String(lambda),
      QUEUE_PORT: String(queue),
      SHOP_PORT: String(shop),
      SANDBOX_V2_PORT: String(sandboxV2),
      OFFLINE_PORT: String(offline),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString('utf8');
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const deadline = Date.now() + readyTimeoutMs;
  while (!/^ready: /m.test(output)) {
    if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
    if (Date.now() > deadline) {
      killGroup(child, 'SIGKILL');
      throw new Error(`npm start was not ready in ${readyTimeoutMs} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    apiUrl: `http://127.0.0.1:${api}`,
    sandboxUrl: `http://127.0.0.1:${sandbox}`,
    sandboxV2Url: `http://127.0.0.1:${sandboxV2}`,
    shopUrl: `http://127.0.0.1:${shop}`,
    pid: child.pid,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null)
        return { code: child.exitCode, signal: child.signalCode };
      const exited = once(child, 'exit');
      // Ctrl-C reaches the whole foreground group in a terminal; do the same.
      killGroup(child, 'SIGINT');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 15_000);
      const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
      clearTimeout(timer);
      return { code, signal };
    },
  };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}
