/*
 * The V2 product page's own code: everything around PortOne's sample code (guide/v2.js), which runs as
 * published. It loads before the sample and wraps two functions the sample calls. What it adds, and why:
 *  1. The order is registered by the shop's back end (`api: "v2"`, which pre-registers the amount at
 *     PortOne) when `PortOne.requestPayment` is called: the sample names the payment itself (randomId())
 *     and the back end decides the price, so the browser only sends the paymentId. PortOne's window then
 *     refuses another amount.
 *  2. `redirectUrl` (the API's GET /v2/payments/redirect), which PortOne's guide asks for so that phones
 *     get a working window, and `forceRedirect: true` when the redirect flow is chosen.
 *  3. The server's answer to POST /v2/payments/complete, in the words the sample reads: the API answers
 *     the order's status (`paid`, `vbank_issued`), the sample's own server answers PortOne's (`PAID`,
 *     `VIRTUAL_ACCOUNT_ISSUED`), so its success and virtual-account dialogs open.
 *  4. The order's state, read back from the shop's back end every second, so the page shows what the
 *     server decided (including a lost result reconciled later), not what the window claimed.
 */
(() => {
  const { postJson, checkoutPanel } = window.Shop;
  const el = (id) => document.getElementById(id);
  const { completeUrl, redirectUrl } = document.body.dataset;
  const mobileDevice = /Mobi|Android|iPhone|iPad|iPod/i.test(navigator.userAgent);
  const { note, follow, clear } = checkoutPanel();

  /** The API's order statuses in PortOne's words, as the sample's server answers. */
  const sampleStatuses = { paid: 'PAID', vbank_issued: 'VIRTUAL_ACCOUNT_ISSUED' };

  // (3) The server's answer, recorded and worded for the sample before its own code reads it.
  const nativeFetch = window.fetch.bind(window);
  window.fetch = async (input, init) => {
    if (String(input) !== completeUrl) return nativeFetch(input, init);
    let response;
    try {
      response = await nativeFetch(input, init);
    } catch (error) {
      note(`서버 확인 요청 실패 (POST /v2/payments/complete failed): ${error} (network or CORS error)`);
      throw error;
    }
    const body = await response
      .clone()
      .json()
      .catch(() => null);
    follow();
    if (!response.ok || body === null || typeof body !== 'object') {
      note(
        `서버 확인 요청 실패 (POST /v2/payments/complete failed): ${body?.error?.message ?? response.status}`,
      );
      return response;
    }
    note(`서버 확인 결과 (server says): ${body.message ?? body.status}`);
    const worded = { ...body, status: sampleStatuses[body.status] ?? body.status };
    return new Response(JSON.stringify(worded), { status: response.status, headers: response.headers });
  };

  // (1), (2) Register the order the sample is about to pay for, then open the window.
  const sdk = window.PortOne;
  const requestPayment = sdk.requestPayment.bind(sdk);
  sdk.requestPayment = async (request) => {
    const flow = document.querySelector('input[name="flow"]:checked').value;
    const amount = el('tamper-params').checked ? { totalAmount: 1000 } : {};
    note('주문을 등록하는 중… (registering the order)');
    clear();
    const { status, body } = await postJson('/api/orders', { merchant_uid: request.paymentId, api: 'v2' });
    if (status !== 200 && status !== 201) {
      const message = `주문 등록 실패 (could not register the order): ${body?.error?.message ?? status}`;
      note(message);
      return {
        paymentId: request.paymentId,
        transactionType: 'PAYMENT',
        code: 'SHOP_ORDER_NOT_REGISTERED',
        message,
      };
    }
    follow(body.merchant_uid);
    note('결제창에서 결제를 진행해 주세요. (Finish the payment in the window.)');
    const response = await requestPayment({
      ...request,
      ...amount,
      redirectUrl,
      ...(flow === 'redirect' ? { forceRedirect: true } : {}),
    });
    note(
      response.code === undefined
        ? '결제창이 성공을 알렸습니다. 서버가 확인하는 중… (The window reported success; the server is verifying…)'
        : `결제창 결과 (window says): ${response.message}`,
    );
    return response;
  };

  document.querySelector(`input[name="flow"][value="${mobileDevice ? 'redirect' : 'promise'}"]`).checked =
    true;
})();
