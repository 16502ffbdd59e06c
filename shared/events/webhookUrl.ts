/** True for names that can only reach this machine: `localhost`, 127.0.0.0/8 and `[::1]`. */
function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}

/**
 * Checks where events may be sent: `https` anywhere, plain `http` only to loopback (so `npm start` can
 * deliver to a receiver on this machine). A signed event still tells who paid what and when, so it
 * never crosses a network in clear text. Credentials in the URL are refused: they would end up in
 * proxies' and our own logs, and the signature already authenticates us to the merchant.
 * Messages name the rule, never the URL, which may carry a token in its query.
 *
 * @throws TypeError when the URL is not acceptable.
 * @example
 * ```ts
 * parseWebhookUrl('https://shop.example.com/hooks/iamport'); // ok
 * parseWebhookUrl('http://127.0.0.1:4000/hooks'); // ok, loopback
 * parseWebhookUrl('http://shop.example.com/hooks'); // throws
 * ```
 */
export function parseWebhookUrl(input: string | URL): URL {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new TypeError('webhook url must be an absolute URL');
  }
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    throw new TypeError('webhook url must use https (plain http is accepted for loopback only)');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TypeError('webhook url must use https');
  }
  if (url.username !== '' || url.password !== '') {
    throw new TypeError('webhook url must not carry credentials');
  }
  // The fragment is never sent; dropping it keeps the request target exactly what the server sees.
  url.hash = '';
  return url;
}
