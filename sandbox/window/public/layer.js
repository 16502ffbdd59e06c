/*
 * The payment window as a layer over the merchant's page, shared by the sandbox's two SDKs (iamport.js
 * and browser-sdk.js). The sandbox serves each SDK with this file inlined in one function scope, so a
 * page that loads both gets two independent layers and no new globals.
 *
 * `prefix` names the SDK's messages (`<prefix>:done`, `<prefix>:dismiss`) and the iframe's
 * `data-<prefix>` attribute. Only messages from the sandbox's origin and from this iframe count.
 */
// biome-ignore lint/correctness/noUnusedVariables: called by the SDK it is inlined into
function createWindowLayer(sandboxOrigin, prefix) {
  let layer = null;

  function close() {
    if (layer === null) return;
    window.removeEventListener('message', layer.onMessage);
    layer.frame.remove();
    document.documentElement.style.overflow = layer.overflow;
    layer = null;
  }

  /** Opens the window at `url`; `onDone(data)` gets the window's `done` message after the layer closes. */
  function open(url, onDone) {
    const frame = document.createElement('iframe');
    frame.title = '결제창 (payment window)';
    frame.src = url;
    frame.setAttribute(`data-${prefix}`, 'window');
    frame.style.cssText =
      'position:fixed;inset:0;width:100%;height:100%;border:0;z-index:2147483647;background:transparent;';
    const onMessage = (event) => {
      if (event.origin !== sandboxOrigin || event.source !== frame.contentWindow) return;
      const data = event.data;
      if (data === null || typeof data !== 'object') return;
      // "Network lost": the window closes and the page never hears back.
      if (data.type === `${prefix}:dismiss`) close();
      if (data.type !== `${prefix}:done`) return;
      close();
      onDone(data);
    };
    layer = { frame, onMessage, overflow: document.documentElement.style.overflow };
    window.addEventListener('message', onMessage);
    document.documentElement.style.overflow = 'hidden';
    document.body.appendChild(frame);
  }

  /** The window's URL for a request; `extra` adds the SDK's own parameters (`code`, `api`). */
  function windowUrl(request, mode, extra) {
    const query = new URLSearchParams({
      request: JSON.stringify(request),
      mode,
      origin: location.origin,
      ...extra,
    });
    return `${sandboxOrigin}/__sandbox/window?${query}`;
  }

  return { open, windowUrl, isOpen: () => layer !== null };
}
