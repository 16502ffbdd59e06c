/*
 * Iamport sandbox: a stand-in for https://cdn.iamport.kr/v1/iamport.js (IMP.init, IMP.request_pay).
 * Test use only. It opens the sandbox's payment window instead of a PG's:
 *  - as a layer over the page, ending in `callback(rsp)` (PC);
 *  - in place of the page, ending at `m_redirect_url?imp_uid=…&merchant_uid=…` (mobile), when the
 *    page gave `m_redirect_url` and the device is a phone or tablet, or the page gave no callback.
 * Everything it knows comes from the page; the window asks the sandbox about prepare and records
 * the attempt, exactly as POST /__sandbox/payments would.
 */
(() => {
  const script = document.currentScript;
  // The window lives where this script was loaded from, as Iamport's lives beside its CDN.
  const sandboxOrigin = new URL(script instanceof HTMLScriptElement ? script.src : location.href).origin;
  const mobileDevice = /Mobi|Android|iPhone|iPad|iPod/i.test(navigator.userAgent);
  let merchantCode = null;
  const layer = createWindowLayer(sandboxOrigin, 'iamport-sandbox');

  const windowUrl = (params, mode) => layer.windowUrl(params, mode, { code: merchantCode ?? '' });

  function fail(callback, merchantUid, message) {
    const rsp = {
      success: false,
      error_code: 'SDK_ERROR',
      error_msg: message,
      imp_uid: null,
      merchant_uid: merchantUid ?? null,
    };
    if (typeof callback === 'function') callback(rsp);
    else console.error(`[iamport sandbox] ${message}`);
  }

  window.IMP = {
    /** The merchant code (가맹점 식별코드). The sandbox shows it and accepts any. */
    init(code) {
      merchantCode = String(code);
    },
    request_pay(params, callback) {
      const merchantUid = params && typeof params === 'object' ? params.merchant_uid : undefined;
      if (merchantCode === null) {
        fail(
          callback,
          merchantUid,
          'IMP.init()으로 가맹점 식별코드를 먼저 설정해주세요. (call IMP.init first)',
        );
        return;
      }
      if (merchantUid === undefined) {
        fail(
          callback,
          merchantUid,
          '결제 요청 파라미터가 올바르지 않습니다. (params.merchant_uid is required)',
        );
        return;
      }
      if (layer.isOpen()) {
        fail(callback, merchantUid, '이미 결제창이 열려 있습니다. (a payment window is already open)');
        return;
      }
      const redirect =
        typeof params.m_redirect_url === 'string' && (mobileDevice || typeof callback !== 'function');
      if (redirect) location.href = windowUrl(params, 'redirect');
      else
        layer.open(windowUrl(params, 'iframe'), (data) => {
          if (typeof callback === 'function') callback(data.rsp);
        });
    },
  };
})();
