/*
 * The sandbox payment window, for both APIs. It reads the merchant's request from its URL (put there
 * by the sandbox's iamport.js: `IMP.request_pay`'s params; or by browser-sdk.js, `api=v2`:
 * `PortOne.requestPayment`'s request), asks the sandbox whether PortOne would open it (prepare or
 * pre-registration), lets the tester choose the result, and hands that result back the way PortOne
 * does: to the opener (postMessage, iframe mode: V1's callback, V2's promise) or by sending the browser
 * to m_redirect_url / redirectUrl (redirect mode).
 */
(() => {
  const query = new URLSearchParams(location.search);
  const mode = query.get('mode') === 'redirect' ? 'redirect' : 'iframe';
  const shopOrigin = query.get('origin');
  const v2 = query.get('api') === 'v2';
  const request = parseRequest(query.get('request'));
  // V1 shows the merchant code given to IMP.init; V2 the storeId of the request.
  const merchantCode = (v2 ? request?.storeId : query.get('code')) || '—';
  /** The opener's message types: the V1 and the V2 SDK each listen for their own. */
  const messageType = v2 ? 'portone-sandbox' : 'iamport-sandbox';
  const el = (id) => document.getElementById(id);
  let busy = false;
  /** What the × button and the notice's button do at the moment. */
  let onClose = () => finish('closed');

  document.documentElement.classList.add(mode === 'iframe' ? 'layer' : 'page');
  if (v2) {
    document.title = '포트원 V2 샌드박스 결제창 · PortOne V2 sandbox payment window';
    el('order-uid-label').textContent = 'paymentId';
    el('order-code-term').replaceChildren(
      '상점 ',
      Object.assign(document.createElement('span'), { className: 'en', textContent: 'storeId' }),
    );
  }

  function parseRequest(text) {
    try {
      const value = JSON.parse(text ?? '');
      return value !== null && typeof value === 'object' ? value : null;
    } catch {
      return null;
    }
  }

  function money(amount, currency) {
    try {
      return new Intl.NumberFormat('ko-KR', { style: 'currency', currency }).format(amount);
    } catch {
      return `${amount} ${currency}`;
    }
  }

  async function call(path, body) {
    const response = await fetch(`/__sandbox/window/${v2 ? 'v2/' : ''}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const data = await response.json().catch(() => null);
    if (!response.ok) throw new Error(data?.message ?? `HTTP ${response.status}`);
    return data;
  }

  /** To the merchant: the callback (through the SDK in the parent page) or the redirect. */
  function deliver(delivery) {
    if (mode === 'redirect') {
      if (delivery.redirect_url) location.replace(delivery.redirect_url);
      return;
    }
    const done = v2 ? { response: delivery.response } : { rsp: delivery.rsp };
    window.parent.postMessage({ type: `${messageType}:done`, ...done }, shopOrigin ?? '*');
  }

  /** A failure the window found itself (an unreadable request), in each API's response shape. */
  function failureOf(message) {
    if (v2) {
      return {
        response: {
          paymentId: request?.paymentId,
          transactionType: 'PAYMENT',
          code: 'RequestParseFailed',
          message,
        },
        redirect_url: null,
      };
    }
    const rsp = { success: false, error_code: 'INVALID_REQUEST', error_msg: message, imp_uid: null };
    return { rsp: { ...rsp, merchant_uid: request?.merchant_uid ?? null }, redirect_url: null };
  }

  /** The refusal's code and message (V1: `error_code`, `error_msg`). */
  function refusalText(refusal) {
    return v2
      ? { code: refusal.response.code, message: refusal.response.message }
      : { code: refusal.rsp.error_code, message: refusal.rsp.error_msg };
  }

  function showNotice({ title, text, detail = '', button, action }) {
    el('loading').hidden = true;
    el('choices').hidden = true;
    el('notice-title').textContent = title;
    el('notice-text').textContent = text;
    el('notice-detail').textContent = detail;
    el('notice-button').textContent = button;
    el('notice').hidden = false;
    onClose = action;
    el('notice-button').focus();
  }

  function showOrder(order) {
    el('loading').hidden = true;
    el('order-amount').textContent = money(order.amount, order.currency);
    el('order-name').textContent = order.name ?? '(이름 없음 · no name)';
    el('order-uid').textContent = order.merchant_uid;
    el('order-method').textContent = order.pay_method;
    el('order-code').textContent = merchantCode;
    el('tampered').querySelector('.en').textContent =
      `Pay ${money(order.tampered_amount, order.currency)} instead (tampering)`;
    el('order').hidden = false;
  }

  function setBusy(value) {
    busy = value;
    for (const button of document.querySelectorAll('button')) button.disabled = value;
  }

  function showError(message) {
    setBusy(false);
    showNotice({
      title: '결제를 진행할 수 없습니다 (cannot continue)',
      text: message,
      button: mode === 'iframe' ? '닫기 (Close)' : '돌아가기 (Back)',
      action: () => {
        if (mode === 'redirect') history.back();
        else deliver(failureOf(message));
      },
    });
  }

  function showLost(attemptId) {
    showNotice({
      title: '네트워크 연결이 끊겼습니다 (network lost)',
      text:
        '결제는 승인되었지만 가맹점에 결과가 전달되지 않았습니다: 콜백도, 리디렉트도, 웹훅도 없습니다. ' +
        '가맹점 서버가 대사(reconciliation)로 스스로 찾아야 합니다. ' +
        '(The payment went through, but no callback, redirect or webhook reaches the shop. ' +
        "Its server has to find the payment on its own; watch the shop's orders view.)",
      detail: `${v2 ? 'txId' : 'imp_uid'}: ${attemptId}`,
      button: mode === 'iframe' ? '창 닫기 (close; the shop is not told)' : '돌아가기 (Back)',
      action: () => {
        if (mode === 'redirect') history.back();
        else window.parent.postMessage({ type: `${messageType}:dismiss` }, shopOrigin ?? '*');
      },
    });
  }

  async function finish(outcome) {
    if (busy || request === null) return;
    setBusy(true);
    try {
      const answer = await call('finish', { request, mode, outcome });
      if (!answer.delivered) {
        setBusy(false);
        showLost(v2 ? answer.txId : answer.imp_uid);
        return;
      }
      deliver(answer);
    } catch (error) {
      showError(error instanceof Error ? error.message : String(error));
    }
  }

  async function open() {
    if (request === null) {
      showError(
        v2
          ? '결제 요청을 읽을 수 없습니다. (unreadable requestPayment request)'
          : '결제 요청 파라미터를 읽을 수 없습니다. (unreadable request_pay params)',
      );
      return;
    }
    try {
      const answer = await call('open', { request, mode });
      showOrder(answer.order);
      if (answer.refusal === null) {
        el('choices').hidden = false;
        document.querySelector('[data-outcome="paid"]').focus();
        return;
      }
      const refused = refusalText(answer.refusal);
      showNotice({
        title: '결제할 수 없습니다 (payment refused)',
        text: refused.message,
        detail: `${v2 ? 'code' : 'error_code'}: ${refused.code}`,
        button: '확인 (OK)',
        action: () => deliver(answer.refusal),
      });
    } catch (error) {
      showError(error instanceof Error ? error.message : String(error));
    }
  }

  for (const button of document.querySelectorAll('[data-outcome]')) {
    button.addEventListener('click', () => finish(button.dataset.outcome));
  }
  el('close').addEventListener('click', () => onClose());
  el('notice-button').addEventListener('click', () => onClose());
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !busy) onClose();
  });
  open();
})();
