import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { BuildOptions, Plugin } from 'esbuild';
import { parse } from 'yaml';
import { projectRoot } from './serverlessConfig';

/** serverless-esbuild's own options in `custom.esbuild`; everything else there is passed to esbuild. */
const PLUGIN_OPTIONS = new Set([
  'outputWorkFolder',
  'outputBuildFolder',
  'outputFileExtension',
  'exclude',
  'packager',
  'packagerOptions',
  'installExtraArgs',
  'keepOutputDirectory',
  'nativeZip',
  'zipConcurrency',
  'concurrency',
  'watch',
  'skipBuild',
  'skipRebuild',
  'skipBuildExcludeFns',
  'stripEntryResolveExtensions',
  'disposeContext',
  'nodeExternals',
  'config',
  'plugins',
]);

export interface EsbuildDeployment {
  /** Function name → its handler's source file, relative to the project. */
  functions: Record<string, string>;
  /** The options esbuild gets for every function, plugins loaded. */
  esbuild: BuildOptions;
  /** serverless-esbuild's `outputFileExtension` (`.mjs`): the extension of every file it writes. */
  extension: string;
}

/**
 * The functions and esbuild options of serverless.yml, as serverless-esbuild reads them: its own
 * options left out, and `plugins` (a file's path) loaded with require(), as it loads them. Builds made
 * from this (the bundles benchmark, the build tests) are then the deployed ones.
 */
export async function readEsbuildDeployment(): Promise<EsbuildDeployment> {
  const text = await readFile(join(projectRoot, 'serverless.yml'), 'utf8');
  // CloudFormation tags (!Ref, !GetAtt) are not needed here: `silent` reads them as plain values.
  const doc = parse(text, { logLevel: 'silent' }) as {
    functions: Record<string, { handler: string }>;
    custom: { esbuild: Record<string, unknown> & { outputFileExtension?: string; plugins?: unknown } };
  };
  const functions = Object.fromEntries(
    Object.entries(doc.functions).map(([name, { handler }]) => [
      name,
      `${handler.slice(0, handler.lastIndexOf('.'))}.ts`,
    ]),
  );
  const options = doc.custom.esbuild;
  const esbuild = Object.fromEntries(
    Object.entries(options).filter(([key]) => !PLUGIN_OPTIONS.has(key)),
  ) as BuildOptions;
  if (options.plugins !== undefined) esbuild.plugins = loadPlugins(options.plugins);
  return { functions, esbuild, extension: options.outputFileExtension ?? '.js' };
}

function loadPlugins(path: unknown): Plugin[] {
  if (typeof path !== 'string') throw new Error('serverless.yml: custom.esbuild.plugins must be a file path');
  const plugins: unknown = createRequire(join(projectRoot, 'serverless.yml'))(join(projectRoot, path));
  if (!Array.isArray(plugins)) throw new Error(`${path}: must export an array of esbuild plugins`);
  return plugins as Plugin[];
}
