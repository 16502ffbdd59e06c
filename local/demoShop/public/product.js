/*
 * The product page's own code: everything around Iamport's guide code (guide/pc.js, guide/mobile.js),
 * which runs as published. What it adds, and why:
 *  1. IMP.init with the merchant code, which the guide's snippets leave to the page.
 *  2. The order is registered by the shop's back end when request_pay is called: the guide's code
 *     names the order itself ('merchant_' + time) and the back end decides the price, so the browser
 *     only sends the merchant_uid. Iamport's prepare then refuses a window whose amount was changed.
 *  3. `everythings_fine`, which the guide leaves undefined, reads the server's answer to
 *     POST /payments/complete: true only when it says the order is `paid`.
 *  4. The order's state, read back from the shop's back end every second, so the page shows what the
 *     server decided (including a lost result reconciled later), not what the window claimed.
 */
(() => {
  const { money, en, postJson, checkoutPanel } = window.Shop;
  const el = (id) => document.getElementById(id);
  const mobileDevice = /Mobi|Android|iPhone|iPad|iPod/i.test(navigator.userAgent);
  const { note, follow, clear } = checkoutPanel();
  let lastAnswer = null;

  IMP.init(document.body.dataset.merchantCode);

  Object.defineProperty(window, 'everythings_fine', {
    configurable: true,
    get: () => lastAnswer !== null && lastAnswer.status === 'paid',
  });

  // (3) The server's answer, recorded before the guide's own .done() handler reads everythings_fine.
  const ajax = jQuery.ajax;
  jQuery.ajax = (settings) =>
    ajax
      .call(jQuery, settings)
      .done((data) => {
        lastAnswer = data;
        note(`서버 확인 결과 (server says): ${data.message ?? data.status}`);
        follow();
      })
      .fail((xhr) => {
        const message =
          xhr.responseJSON?.error?.message ?? (xhr.status === 0 ? 'network or CORS error' : xhr.status);
        note(`서버 확인 요청 실패 (POST /payments/complete failed): ${message}`);
      });

  // (2) Register the order the guide's code is about to pay for, then open the window.
  const requestPay = IMP.request_pay;
  IMP.request_pay = (params, callback) => {
    lastAnswer = null;
    if (el('tamper-params').checked) params.amount = 1000;
    el('pay').disabled = true;
    note('주문을 등록하는 중… (registering the order)');
    clear();
    postJson('/api/orders', { merchant_uid: params.merchant_uid }).then(
      ({ status, body }) => {
        el('pay').disabled = false;
        if (status !== 200 && status !== 201) {
          note(`주문 등록 실패 (could not register the order): ${body?.error?.message ?? status}`);
          return;
        }
        follow(body.merchant_uid);
        note('결제창에서 결제를 진행해 주세요. (Finish the payment in the window.)');
        const afterWindow =
          typeof callback === 'function'
            ? (rsp) => {
                callback(rsp);
                note(
                  rsp.success
                    ? '결제창이 성공을 알렸습니다. 서버가 확인하는 중… (The window reported success; the server is verifying…)'
                    : `결제창 결과 (window says): ${rsp.error_msg}`,
                );
              }
            : callback;
        requestPay.call(IMP, params, afterWindow);
      },
      (error) => {
        el('pay').disabled = false;
        note(`주문 등록 실패 (could not register the order): ${error}`);
      },
    );
  };

  async function loadProduct() {
    const response = await fetch('/api/product');
    const product = await response.json();
    el('product-title').textContent = product.title;
    el('product-title-en').textContent = product.titleEn;
    el('product-price').textContent = money(product.amount, product.currency);
    el('product-order-name').textContent = product.orderName;
    el('pay-amount').replaceChildren(en(money(product.amount, product.currency)));
  }

  document.querySelector(`input[name="flow"][value="${mobileDevice ? 'mobile' : 'pc'}"]`).checked = true;
  el('pay').addEventListener('click', () => {
    const flow = document.querySelector('input[name="flow"]:checked').value;
    // The guide's code, wrapped in a function by the shop's server (local/demoShop/guideScripts.ts).
    if (flow === 'pc') payWithGuidePc();
    else payWithGuideMobile();
  });
  loadProduct().catch((error) => note(`상품을 불러오지 못했습니다 (could not load the product): ${error}`));
})();
