import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { koreanWebFont } from '../../sandbox/webFont';
import { product } from './catalog';
import { guideScripts } from './guideScripts';

export interface Asset {
  type: string;
  body: string | Buffer;
}

export interface PageSettings {
  apiUrl: string;
  /** The `<script src>` of the Iamport SDK: the sandbox's copy, or https://cdn.iamport.kr/v1/iamport.js. */
  iamportScriptUrl: string;
  /** `IMP.init`'s merchant code (가맹점 식별코드). */
  merchantCode: string;
  /** The `<script src>` of PortOne's V2 browser SDK: the sandbox's copy, or https://cdn.portone.io/v2/browser-sdk.js. */
  portoneScriptUrl: string;
  portoneStoreId: string;
  portoneChannelKey: string;
}

const types = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
} as const;

const require = createRequire(import.meta.url);

/** The `jquery` package's minified build, beside its main file. */
const jqueryBuild = (): string => join(dirname(require.resolve('jquery')), 'jquery.min.js');

/** `@portone/browser-sdk`'s ES module build (its `./v2` export), for pages that use the npm package. */
const portoneSdkBuild = (): string => join(dirname(require.resolve('@portone/browser-sdk/v2')), 'v2.js');

const read = (name: string): string => readFileSync(new URL(`./public/${name}`, import.meta.url), 'utf8');

const escapeHtml = (value: string): string =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/** `{{name}}` in a page becomes that setting, HTML-escaped; an unknown name is a mistake in the page. */
function render(page: string, settings: PageSettings): string {
  const values: Record<string, string> = { ...settings };
  return page.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`demo shop: unknown placeholder {{${name}}}`);
    return escapeHtml(value);
  });
}

/** Every GET the shop answers with a file, by path. Read once at start: the shop is small. */
export function loadAssets(settings: PageSettings): Map<string, Asset> {
  const guide = guideScripts(settings);
  const page = (name: string): Asset => ({ type: types.html, body: render(read(name), settings) });
  const file = (name: string, type: string): Asset => ({ type, body: read(name) });
  return new Map<string, Asset>([
    ['/', page('index.html')],
    ['/v2', page('index-v2.html')],
    ['/result', page('result.html')],
    ['/orders', page('orders.html')],
    ['/assets/shop.css', file('shop.css', types.css)],
    ['/assets/shop.js', file('shop.js', types.js)],
    ['/assets/product.js', file('product.js', types.js)],
    ['/assets/product-v2.js', file('product-v2.js', types.js)],
    ['/assets/result.js', file('result.js', types.js)],
    ['/assets/orders.js', file('orders.js', types.js)],
    // The library the guide's code was written for, from the npm package (no CDN is reachable offline).
    ['/vendor/jquery.js', { type: types.js, body: readFileSync(jqueryBuild()) }],
    ['/guide/pc.js', { type: types.js, body: guide.pc }],
    ['/guide/mobile.js', { type: types.js, body: guide.mobile }],
    ['/guide/v2.js', { type: types.js, body: guide.v2 }],
    // The npm package, unchanged: on a page that loaded the sandbox's SDK first it uses window.PortOne.
    ['/vendor/portone-browser-sdk.js', { type: types.js, body: readFileSync(portoneSdkBuild()) }],
    // The V2 sample names its picture after the item's id; the shop's artwork is an SVG.
    [`/${product.id}.png`, { type: 'image/svg+xml', body: read('item.svg') }],
    // shop.css imports `fonts/noto-sans-kr.css`, which refers to `fonts/files/…`.
    ...koreanWebFont('/assets/fonts'),
  ]);
}
