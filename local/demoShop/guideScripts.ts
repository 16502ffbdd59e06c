import { readFileSync } from 'node:fs';

/**
 * Iamport's guide code as the demo shop serves it. The files in `guide/` are the guide's snippets
 * byte for byte; the only changes are the two URLs below, made here so they stay visible and
 * checked: the shop runs on another origin than the API, so a relative "/payments/complete" would
 * reach the shop, and the guide's m_redirect_url names Iamport's example domain.
 *
 * Each snippet is a bare `IMP.request_pay(…)` call that would run on page load; it is served inside a
 * function (`payWithGuidePc`, `payWithGuideMobile`) that the product page's Pay button calls.
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
}

export function guideScripts(apiUrl: string): GuideScripts {
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
  return { pc: wrap('payWithGuidePc', pc), mobile: wrap('payWithGuideMobile', mobile) };
}
