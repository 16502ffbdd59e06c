import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { unzipSync } from 'fflate';
import { projectRoot, serverlessBin } from '../../local/serverlessConfig';

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
}
export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
}

/**
 * Runs `serverless package` offline for a stage, as a deployment would, and returns the template and
 * the files of the functions' artifacts asked for (`getOrder` → its zip's files by path).
 */
export async function packageTemplate(
  stage: string,
  env: NodeJS.ProcessEnv = {},
  artifacts: readonly string[] = [],
): Promise<{ template: CfnTemplate; text: string; artifacts: Record<string, Record<string, Uint8Array>> }> {
  const dir = await mkdtemp(join(tmpdir(), 'sls-package-'));
  try {
    const childEnv: NodeJS.ProcessEnv = {
      ...process.env,
      ESBUILD_WORK_FOLDER: `.esbuild-package-${stage}`,
      ...env,
    };
    for (const [name, value] of Object.entries(childEnv)) if (value === undefined) delete childEnv[name];
    try {
      await promisify(execFile)(serverlessBin, ['package', '--stage', stage, '--package', dir], {
        cwd: projectRoot,
        env: childEnv,
        maxBuffer: 16 * 1024 * 1024,
      });
    } catch (error) {
      // The framework explains itself on stdout/stderr: keep that, not just "Command failed".
      const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
      throw new Error(`serverless package --stage ${stage} failed:\n${stdout}\n${stderr}`);
    }
    const text = await readFile(join(dir, 'cloudformation-template-update-stack.json'), 'utf8');
    const files = await Promise.all(
      artifacts.map(async (name) => [name, unzipSync(await readFile(join(dir, `${name}.zip`)))] as const),
    );
    return { template: JSON.parse(text) as CfnTemplate, text, artifacts: Object.fromEntries(files) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function resourcesOfType(template: CfnTemplate, type: string): [string, CfnResource][] {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}
