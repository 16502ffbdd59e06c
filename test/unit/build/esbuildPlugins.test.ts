import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReadableStream as LazyReadableStream } from '../../../build/lazyReadableStream';
import { readEsbuildDeployment } from '../../../local/esbuildDeployment';
import { projectRoot } from '../../../local/serverlessConfig';

describe('the lazy ReadableStream stand-in', () => {
  it('is the real class for instanceof, new and its static methods', async () => {
    const stream = new LazyReadableStream<string>({
      start(controller) {
        controller.enqueue('a');
        controller.close();
      },
    });
    expect(stream).toBeInstanceOf(globalThis.ReadableStream);
    expect(stream instanceof LazyReadableStream).toBe(true);
    expect(new globalThis.ReadableStream() instanceof LazyReadableStream).toBe(true);
    expect({} instanceof LazyReadableStream).toBe(false);
    const chunks: string[] = [];
    for await (const chunk of LazyReadableStream.from(['x', 'y'])) chunks.push(chunk);
    expect(chunks).toEqual(['x', 'y']);
  });

  it('throws as the real class does when called without new', () => {
    const call = LazyReadableStream as unknown as () => unknown;
    expect(() => call()).toThrow(TypeError);
  });

  it('lets a class extend it', () => {
    class Counted extends LazyReadableStream<number> {}
    const counted = new Counted();
    expect(counted).toBeInstanceOf(Counted);
    expect(counted).toBeInstanceOf(globalThis.ReadableStream);
  });
});

describe('the deployed esbuild options (serverless.yml custom.esbuild, plugins loaded)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'esbuild-plugins-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** A module that builds and runs a middy handler, bundled as a function is, then run by node. */
  async function runBundledMiddy(withPlugins: boolean): Promise<{ code: string; loaded: string[] }> {
    const { esbuild } = await readEsbuildDeployment();
    const outdir = join(dir, withPlugins ? 'with' : 'without');
    const entry = join(dir, 'entry.mjs');
    await writeFile(
      entry,
      [
        "import middy from '@middy/core';",
        'const before = new Set(process.moduleLoadList);',
        'const handler = middy(async () => ({ statusCode: 204 }));',
        'const answer = await handler({}, {});',
        'const loaded = process.moduleLoadList.filter((name) => !before.has(name));',
        'export default { answer, loaded };',
      ].join('\n'),
    );
    await build({
      ...esbuild,
      ...(withPlugins ? {} : { plugins: [] }),
      entryPoints: [entry],
      outdir,
      outExtension: { '.js': '.mjs' },
      nodePaths: [join(projectRoot, 'node_modules')],
      logLevel: 'error',
    });
    const code = await readFile(join(outdir, 'entry.mjs'), 'utf8');
    const { stdout } = await promisify(execFile)(process.execPath, [
      '--input-type=module',
      '-e',
      [
        'const before = new Set(process.moduleLoadList);',
        'const { default: run } = await import(process.argv[1]);',
        'if (run.answer.statusCode !== 204) throw new Error("middy did not answer");',
        'process.stdout.write(JSON.stringify(process.moduleLoadList.filter((name) => !before.has(name))));',
      ].join('\n'),
      pathToFileURL(join(outdir, 'entry.mjs')).href,
    ]);
    return { code, loaded: JSON.parse(stdout) as string[] };
  }

  it('give @middy/core the stand-in, so a cold start loads none of Node’s web streams', async () => {
    const withPlugins = await runBundledMiddy(true);
    expect(withPlugins.code.includes('node:stream/web')).toBe(false);
    expect(withPlugins.loaded.filter((name) => /webstreams|stream\/web/.test(name))).toEqual([]);
    // The check can fail: without the plugin, the same bundle loads them.
    const without = await runBundledMiddy(false);
    expect(without.code.includes('node:stream/web')).toBe(true);
    expect(without.loaded.some((name) => name.includes('internal/webstreams'))).toBe(true);
  }, 30_000);

  it('are what getOrder is built with: its bundle imports no node:stream/web', async () => {
    const { esbuild, functions } = await readEsbuildDeployment();
    const result = await build({
      ...esbuild,
      entryPoints: [join(projectRoot, functions.getOrder ?? 'missing')],
      outdir: join(dir, 'getOrder'),
      outExtension: { '.js': '.mjs' },
      write: false,
      metafile: true,
      logLevel: 'error',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((input) => input.includes('node_modules/@middy/core/'))).toBe(true);
    expect(inputs).toContain('build/lazyReadableStream.ts');
    const importing = result.outputFiles
      .filter((file) => file.path.endsWith('.mjs') && file.text.includes('node:stream/web'))
      .map((file) => file.path);
    expect(importing).toEqual([]);
  }, 30_000);
});
