import { readFileSync } from 'node:fs';

/**
 * PortOne's published browser code as the demo shop serves it. The files in `guide/` are byte for byte
 * what PortOne publishes; the only changes are the ids and URLs below, made here so they stay visible
 * and checked (each must occur exactly once).
 *
 * V1 (`pc.js`, `mobile.js`): Iamport's guide snippets. The shop runs on another origin than the API, so
 * a relative "/payments/complete" would reach the shop, and the guide's m_redirect_url names Iamport's
 * example domain. Each snippet is a bare `IMP.request_pay(…)` call that would run on page load; it is
 * served inside a function (`payWithGuidePc`, `payWithGuideMobile`) that the product page's Pay
 * button calls.
 *
 * V2 (`v2-checkout.js`): the page script of PortOne's sample project, which runs on load and pays on
 * the form's submit. Its placeholder store id and channel key become the sandbox's, and its
 * "/api/payment/complete" (the sample's own server) becomes the API's /v2/payments/complete.
 */
const read = (name: string): string => readFileSync(new URL(`./guide/${name}`, import.meta.url), 'utf8');

function replaceOnce(text: string, search: string, replacement: string, file: string): string {
  const at = text.indexOf(search);
  if (at === -1 || text.indexOf(search, at + 1) !== -1) {
    throw new Error(`demo shop: ${file} must contain ${search} exactly once`);
  }
  return text.slice(0, at) + replacement + text.slice(at + search.length);
}

const wrap = (name: string, body: string): string => `function ${name}() {\n${body}\n}\n`;

export interface GuideScripts {
  pc: string;
  mobile: string;
  v2: string;
}

export interface GuideSettings {
  apiUrl: string;
  /** The V2 store the sandbox serves (`store-…`). */
  portoneStoreId: string;
  /** Any channel key: the sandbox has one channel. */
  portoneChannelKey: string;
}

export function guideScripts({ apiUrl, portoneStoreId, portoneChannelKey }: GuideSettings): GuideScripts {
  const pc = replaceOnce(
    read('pc.js'),
    'url: "/payments/complete"',
    `url: ${JSON.stringify(`${apiUrl}/payments/complete`)}`,
    'guide/pc.js',
  );
  const mobile = replaceOnce(
    read('mobile.js'),
    "m_redirect_url : 'https://www.my-service.com/payments/complete/mobile'",
    `m_redirect_url : ${JSON.stringify(`${apiUrl}/payments/complete/mobile`)}`,
    'guide/mobile.js',
  );
  const v2Changes: [search: string, replacement: string][] = [
    ['"store-00000000-0000-0000-0000-000000000000"', JSON.stringify(portoneStoreId)],
    ['"channel-key-00000000-0000-0000-0000-000000000000"', JSON.stringify(portoneChannelKey)],
    ['fetch("/api/payment/complete"', `fetch(${JSON.stringify(`${apiUrl}/v2/payments/complete`)}`],
  ];
  let v2 = read('v2-checkout.js');
  for (const [search, replacement] of v2Changes) {
    v2 = replaceOnce(v2, search, replacement, 'guide/v2-checkout.js');
  }
  return { pc: wrap('payWithGuidePc', pc), mobile: wrap('payWithGuideMobile', mobile), v2 };
}
