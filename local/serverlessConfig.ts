import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const projectRoot = fileURLToPath(new URL('..', import.meta.url));
export const serverlessBin = fileURLToPath(new URL('../node_modules/.bin/serverless', import.meta.url));

/**
 * `serverless.yml` as the framework itself resolves it for a stage (variables, params), so the local
 * stack reads the same table definitions and environment as a deployment.
 */
export async function printServerlessConfig(stage: string, env: NodeJS.ProcessEnv = process.env) {
  const { stdout } = await promisify(execFile)(
    serverlessBin,
    ['print', '--stage', stage, '--format', 'json'],
    {
      cwd: projectRoot,
      env,
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  const config: unknown = JSON.parse(stdout);
  if (typeof config !== 'object' || config === null) throw new Error('serverless print returned no object');
  return config as {
    resources?: { Resources?: Record<string, unknown> };
    provider?: { environment?: Record<string, unknown> };
  };
}
