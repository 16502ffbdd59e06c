import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { BuildOptions, Plugin } from 'esbuild';
import { parse } from 'yaml';
import { projectRoot } from './serverlessConfig';

/**
 * serverless-esbuild's own options in `custom.esbuild`, which it takes out before calling esbuild (its
 * `bundle()`); `exclude` joins `external`, `plugins` is loaded from its file, and `config` (a file that
 * replaces `custom.esbuild` altogether) is refused here rather than silently not read.
 */
const PLUGIN_OPTIONS = new Set([
  'concurrency',
  'zipConcurrency',
  'exclude',
  'nativeZip',
  'packager',
  'packagePath',
  'watch',
  'keepOutputDirectory',
  'packagerOptions',
  'installExtraArgs',
  'outputFileExtension',
  'outputBuildFolder',
  'outputWorkFolder',
  'nodeExternals',
  'skipBuild',
  'skipRebuild',
  'skipBuildExcludeFns',
  'stripEntryResolveExtensions',
  'disposeContext',
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
 * The functions and esbuild options of serverless.yml, as serverless-esbuild 1.x hands them to esbuild:
 * its own options left out, `exclude` added to `external`, `plugins` loaded with require() from the
 * file named. Builds made from this (the bundles benchmark, the build tests) are then the deployed
 * ones; the package test checks a packaged artifact itself.
 */
export async function readEsbuildDeployment(): Promise<EsbuildDeployment> {
  const text = await readFile(join(projectRoot, 'serverless.yml'), 'utf8');
  // CloudFormation tags (!Ref, !GetAtt) are not needed here: `silent` reads them as plain values.
  const doc = parse(text, { logLevel: 'silent' }) as {
    functions: Record<string, { handler: string }>;
    custom: {
      esbuild: Record<string, unknown> & {
        outputFileExtension?: string;
        plugins?: unknown;
        config?: unknown;
      };
    };
  };
  const functions = Object.fromEntries(
    Object.entries(doc.functions).map(([name, { handler }]) => [
      name,
      `${handler.slice(0, handler.lastIndexOf('.'))}.ts`,
    ]),
  );
  const options = doc.custom.esbuild;
  if (options.config !== undefined)
    throw new Error('serverless.yml: custom.esbuild.config is not read here; keep the options inline');
  const esbuild = Object.fromEntries(
    Object.entries(options).filter(([key]) => !PLUGIN_OPTIONS.has(key)),
  ) as BuildOptions;
  const exclude = stringArray(options.exclude);
  esbuild.external = [...stringArray(options.external), ...(exclude.includes('*') ? [] : exclude)];
  if (options.plugins !== undefined) esbuild.plugins = loadPlugins(options.plugins);
  return { functions, esbuild, extension: options.outputFileExtension ?? '.js' };
}

function stringArray(value: unknown): string[] {
  if (value === undefined) return [];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value;
  throw new Error('serverless.yml: custom.esbuild.external and exclude must be lists of names');
}

/** As serverless-esbuild loads `plugins`: a list as is, or a file exporting one (CommonJS or ESM default). */
function loadPlugins(value: unknown): Plugin[] {
  if (Array.isArray(value)) return value as Plugin[];
  if (typeof value !== 'string')
    throw new Error('serverless.yml: custom.esbuild.plugins must be a file path');
  let plugins: unknown = createRequire(join(projectRoot, 'serverless.yml'))(join(projectRoot, value));
  if (typeof plugins === 'object' && plugins !== null && 'default' in plugins) plugins = plugins.default;
  // serverless-esbuild calls a function export with the framework's `serverless` object, which only it has.
  if (typeof plugins === 'function')
    throw new Error(`${value}: a function export needs serverless; export the array`);
  if (!Array.isArray(plugins)) throw new Error(`${value}: must export an array of esbuild plugins`);
  return plugins as Plugin[];
}
