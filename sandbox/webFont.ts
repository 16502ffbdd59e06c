import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The Korean web font every page of the sandbox and the demo shop uses: Noto Sans KR (variable
 * weight, SIL OFL 1.1) from the npm package `@fontsource-variable/noto-sans-kr`. Served from the
 * page's own origin, so Korean text reads the same on a machine without CJK fonts, offline, and in
 * every test screenshot. The package splits the font by `unicode-range`: a page downloads only the
 * slices of the characters it shows (a few tens of KiB each).
 */
export const koreanFontFamily = 'Noto Sans KR Variable';

export interface WebFontFile {
  type: string;
  body: Buffer;
}

const packageName = '@fontsource-variable/noto-sans-kr';

/**
 * The font's stylesheet at `${prefix}/noto-sans-kr.css` and its files at `${prefix}/files/…`, the
 * layout the package's stylesheet refers to (`url(./files/…)`). Read once: 3.6 MiB in all.
 */
export function koreanWebFont(prefix: string): Map<string, WebFontFile> {
  const stylesheet = createRequire(import.meta.url).resolve(packageName);
  const files = join(dirname(stylesheet), 'files');
  const served = new Map<string, WebFontFile>([
    [`${prefix}/noto-sans-kr.css`, { type: 'text/css; charset=utf-8', body: readFileSync(stylesheet) }],
  ]);
  for (const name of readdirSync(files)) {
    if (name.endsWith('.woff2'))
      served.set(`${prefix}/files/${name}`, { type: 'font/woff2', body: readFileSync(join(files, name)) });
  }
  return served;
}
