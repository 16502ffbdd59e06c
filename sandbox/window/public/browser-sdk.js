/*
 * PortOne V2 sandbox: a stand-in for https://cdn.portone.io/v2/browser-sdk.js (`window.PortOne`).
 * Test use only. `PortOne.requestPayment(request)` opens the sandbox's payment window instead of a PG's:
 *  - as a layer over the page, resolving with `{paymentId, txId, transactionType, code?, message?, …}`;
 *  - in place of the page, ending at `redirectUrl?paymentId=…` (+ `code`, `message` on failure), when the
 *    request gives `redirectUrl` and the device is a phone or tablet, or `forceRedirect: true`. The
 *    promise then never settles: the page is leaving.
 * `@portone/browser-sdk/v2` (npm) uses this object as is when the page loaded this script first.
 * Everything it knows comes from the page; the window asks the sandbox about the store and the
 * pre-registration and records the attempt, exactly as POST /__sandbox/v2/payments would.
 */
(() => {
  const script = document.currentScript;
  // The window lives where this script was loaded from, as PortOne's lives beside its CDN.
  const sandboxOrigin = new URL(script instanceof HTMLScriptElement ? script.src : location.href).origin;
  const mobileDevice = /Mobi|Android|iPhone|iPad|iPod/i.test(navigator.userAgent);
  const layer = createWindowLayer(sandboxOrigin, 'portone-sandbox');

  const windowUrl = (request, mode) => layer.windowUrl(request, mode, { api: 'v2' });

  /** Refused in the page, before any window: the shape of a failed response. */
  const refusal = (request, code, message) => ({
    paymentId: request && typeof request === 'object' ? request.paymentId : undefined,
    transactionType: 'PAYMENT',
    code,
    message,
  });

  const unsupported = (name) => () =>
    Promise.reject(new Error(`[PortOne sandbox] ${name} is not served by the sandbox`));

  window.PortOne = {
    requestPayment(request) {
      return new Promise((resolve) => {
        if (request === null || typeof request !== 'object') {
          resolve(refusal(request, 'RequestParseFailed', '결제 요청 파라미터가 올바르지 않습니다.'));
          return;
        }
        if (layer.isOpen()) {
          resolve(
            refusal(
              request,
              'InvalidEntityState',
              '이미 결제창이 열려 있습니다. (a payment window is already open)',
            ),
          );
          return;
        }
        const redirect =
          typeof request.redirectUrl === 'string' && (mobileDevice || request.forceRedirect === true);
        if (redirect) location.href = windowUrl(request, 'redirect');
        else layer.open(windowUrl(request, 'iframe'), (data) => resolve(data.response));
      });
    },
    requestIdentityVerification: unsupported('requestIdentityVerification'),
    requestIssueBillingKey: unsupported('requestIssueBillingKey'),
    requestIssueBillingKeyAndPay: unsupported('requestIssueBillingKeyAndPay'),
    loadPaymentUI: unsupported('loadPaymentUI'),
    loadIssueBillingKeyUI: unsupported('loadIssueBillingKeyUI'),
    updateLoadPaymentUIRequest: unsupported('updateLoadPaymentUIRequest'),
    updateLoadIssueBillingKeyUIRequest: unsupported('updateLoadIssueBillingKeyUIRequest'),
  };
})();
