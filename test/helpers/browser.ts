import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Browser, chromium } from 'playwright-core';
import { projectRoot } from '../../local/serverlessConfig';

/**
 * Which Chromium the browser tests drive, in this order:
 * 1. `CHROMIUM_PATH`, when set (an error if it is not an executable: a setting is never ignored);
 * 2. a Chromium or Chrome installed on the machine, at the usual places;
 * 3. the Chromium that the devDependency `@sparticuz/chromium` carries inside its npm package
 *    (Linux x64), so `npm ci` alone gives the tests a browser: no apt-get, no download at run time.
 */
export type BrowserSource = 'CHROMIUM_PATH' | 'system' | 'npm package';

export interface FoundBrowser {
  path: string;
  source: BrowserSource;
}

export const systemBrowserPaths: Readonly<Partial<Record<NodeJS.Platform, readonly string[]>>> = {
  linux: [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome-stable',
    '/usr/bin/google-chrome',
    '/snap/bin/chromium',
  ],
  darwin: [
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
  ],
  win32: [
    'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
    'C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe',
  ],
};

export interface BrowserSearch {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  arch: string;
  isExecutable(path: string): boolean;
  /** Unpacks the npm package's Chromium and gives its path. */
  unpackBundled(): Promise<string>;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const execFileAsync = promisify(execFile);

/**
 * The package unpacks its browser (Brotli, ~1.3 s) into `os.tmpdir()`. Pointed at a folder of its
 * own per package version, in a child process so this process's TMPDIR is untouched, then renamed
 * into place: an unpack cut short is never mistaken for a browser, an upgrade never runs an old
 * binary, and two test processes racing both end with the same complete folder.
 */
async function unpackBundledChromium(): Promise<string> {
  // The package exports no ./package.json; its folder is where npm put it.
  const manifest = join(projectRoot, 'node_modules', '@sparticuz', 'chromium', 'package.json');
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  const home = join(projectRoot, 'node_modules', '.cache', `sparticuz-chromium-${version}`);
  const binary = join(home, 'chromium');
  if (existsSync(binary)) return binary;
  const staging = `${home}.${process.pid}.partial`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    await execFileAsync(
      process.execPath,
      ['--input-type=module', '-e', "await (await import('@sparticuz/chromium')).default.executablePath()"],
      { cwd: projectRoot, env: { ...process.env, TMPDIR: staging, TMP: staging, TEMP: staging } },
    );
    renameSync(staging, home);
  } catch (error) {
    if (!existsSync(binary)) throw error;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return binary;
}

export const defaultBrowserSearch: BrowserSearch = {
  env: process.env,
  platform: process.platform,
  arch: process.arch,
  isExecutable,
  unpackBundled: unpackBundledChromium,
};

export async function findBrowser(search: BrowserSearch = defaultBrowserSearch): Promise<FoundBrowser> {
  const configured = search.env.CHROMIUM_PATH;
  if (configured !== undefined && configured !== '') {
    if (!search.isExecutable(configured))
      throw new Error(`CHROMIUM_PATH=${configured} is not an executable file`);
    return { path: configured, source: 'CHROMIUM_PATH' };
  }
  const installed = (systemBrowserPaths[search.platform] ?? []).find((path) => search.isExecutable(path));
  if (installed !== undefined) return { path: installed, source: 'system' };
  if (search.platform === 'linux' && search.arch === 'x64')
    return { path: await search.unpackBundled(), source: 'npm package' };
  throw new Error(
    `no Chromium found for ${search.platform}-${search.arch}: install Chrome or Chromium, ` +
      'or set CHROMIUM_PATH to its executable (the npm package @sparticuz/chromium carries Linux x64 only)',
  );
}

/** Headless, with a fresh temporary profile (removed on close) and nothing that calls home. */
export async function launchBrowser(
  search?: BrowserSearch,
): Promise<{ browser: Browser; found: FoundBrowser }> {
  const found = await findBrowser(search);
  const browser = await chromium.launch({
    executablePath: found.path,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return { browser, found };
}
