import { describe, expect, it } from 'vitest';
import { type BrowserSearch, findBrowser, systemBrowserPaths } from '../helpers/browser';

/** A machine with these executables; the npm package's browser unpacks to `bundled`. */
function machine(options: {
  executables?: string[];
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  arch?: string;
}): BrowserSearch & { unpacked: number } {
  const executables = new Set(options.executables ?? []);
  const search = {
    env: options.env ?? {},
    platform: options.platform ?? 'linux',
    arch: options.arch ?? 'x64',
    isExecutable: (path: string) => executables.has(path),
    unpacked: 0,
    async unpackBundled() {
      search.unpacked += 1;
      return '/project/node_modules/.cache/sparticuz-chromium/chromium';
    },
  };
  return search;
}

describe('findBrowser: which Chromium the browser tests drive', () => {
  it('CHROMIUM_PATH first, even when a system browser is installed', async () => {
    const search = machine({
      env: { CHROMIUM_PATH: '/opt/chrome/chrome' },
      executables: ['/opt/chrome/chrome', '/usr/bin/chromium'],
    });
    await expect(findBrowser(search)).resolves.toEqual({
      path: '/opt/chrome/chrome',
      source: 'CHROMIUM_PATH',
    });
    expect(search.unpacked).toBe(0);
  });

  it('a CHROMIUM_PATH that is not an executable is an error, not a silent fallback', async () => {
    const search = machine({ env: { CHROMIUM_PATH: '/nope/chrome' }, executables: ['/usr/bin/chromium'] });
    await expect(findBrowser(search)).rejects.toThrow('CHROMIUM_PATH=/nope/chrome is not an executable file');
  });

  it('then an installed Chromium or Chrome, in the listed order', async () => {
    const search = machine({ executables: ['/usr/bin/google-chrome', '/usr/bin/chromium-browser'] });
    await expect(findBrowser(search)).resolves.toEqual({
      path: '/usr/bin/chromium-browser',
      source: 'system',
    });
    const mac = machine({
      platform: 'darwin',
      arch: 'arm64',
      executables: systemBrowserPaths.darwin?.slice(0, 1),
    });
    await expect(findBrowser(mac)).resolves.toMatchObject({ source: 'system' });
    expect(search.unpacked + mac.unpacked).toBe(0);
  });

  it('else the npm package’s Chromium on Linux x64 (an empty CHROMIUM_PATH counts as unset)', async () => {
    const search = machine({ env: { CHROMIUM_PATH: '' } });
    await expect(findBrowser(search)).resolves.toEqual({
      path: '/project/node_modules/.cache/sparticuz-chromium/chromium',
      source: 'npm package',
    });
    expect(search.unpacked).toBe(1);
  });

  it('elsewhere, with nothing installed, says what to do', async () => {
    const search = machine({ platform: 'darwin', arch: 'arm64' });
    await expect(findBrowser(search)).rejects.toThrow(
      /no Chromium found for darwin-arm64: .*set CHROMIUM_PATH/,
    );
    expect(search.unpacked).toBe(0);
  });
});
