/*
 * What the demo shop's pages share: won formatting, status words in Korean and English, an order card
 * and a poller. Orders come from the shop's own back end (/api/orders…), which reads the API's
 * back-office routes; the browser never talks to those itself.
 */
window.Shop = (() => {
  const won = new Intl.NumberFormat('ko-KR', { style: 'currency', currency: 'KRW' });

  function money(amount, currency = 'KRW') {
    if (currency === 'KRW') return won.format(amount);
    try {
      return new Intl.NumberFormat('ko-KR', { style: 'currency', currency }).format(amount);
    } catch {
      return `${amount} ${currency}`;
    }
  }

  /** [Korean, English, what it means for the buyer]. */
  const statuses = {
    pending: [
      '결제 대기',
      'Pending',
      '결제 결과를 확인하고 있습니다. 결과가 오지 않으면 서버가 포트원에 직접 다시 확인합니다.',
    ],
    paid: ['결제 완료', 'Paid', '결제가 완료되었습니다.'],
    vbank_issued: ['입금 대기', 'Awaiting deposit', '아래 가상계좌로 입금하면 결제가 완료됩니다.'],
    failed: ['결제 실패', 'Failed', '결제에 실패하였습니다. 다시 시도할 수 있습니다.'],
    forgery: [
      '금액 불일치 · 자동 취소',
      'Tampered amount · cancelled',
      '결제된 금액이 주문 금액과 달라 결제를 자동취소(환불)하였습니다.',
    ],
    cancelled: ['결제 취소', 'Cancelled', '결제가 취소되었습니다.'],
    partially_cancelled: ['부분 취소', 'Partially cancelled', '결제 금액의 일부가 취소되었습니다.'],
    expired: ['기한 만료', 'Expired', '결제 없이 주문 기한이 지났습니다.'],
  };
  const sources = {
    register: ['주문 등록', 'order registered'],
    complete: ['PC 콜백', 'PC callback'],
    mobile: ['모바일 리디렉트', 'mobile redirect'],
    webhook: ['웹훅', 'webhook'],
    reconcile: ['대사 (서버가 재확인)', 'reconciliation'],
    sweep: ['스위퍼', 'sweeper'],
  };
  /** States that can still change without the buyer doing anything. */
  const awaiting = new Set(['pending', 'vbank_issued']);

  /** Builds an element; strings become text nodes, so nothing from the server is parsed as HTML. */
  function h(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (value === undefined || value === null || value === false) continue;
      if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  const en = (text) => h('span', { class: 'en' }, text);
  const label = (pair) => [pair[0], ' ', en(pair[1])];
  const statusOf = (status) => statuses[status] ?? [status, status, ''];

  const two = (n) => String(n).padStart(2, '0');

  /** 24-hour HH:MM:SS: history entries are seconds apart, and the order of events is the point. */
  function time(iso) {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return iso;
    return [date.getHours(), date.getMinutes(), date.getSeconds()].map(two).join(':');
  }

  /** YYYY-MM-DD HH:MM, local time, for a deposit deadline. */
  function dateTime(unixSeconds) {
    const d = new Date(unixSeconds * 1000);
    return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
  }

  function badge(status) {
    return h(
      'span',
      { class: `badge badge-${status}`, 'data-testid': 'order-status' },
      label(statusOf(status)),
    );
  }

  function fact(term, termEn, value, extra = {}) {
    return h('div', {}, h('dt', {}, term, ' ', en(termEn)), h('dd', extra, value));
  }

  function history(entries) {
    return h(
      'ol',
      { class: 'history', 'aria-label': '상태 변경 이력 (history)' },
      entries.map((entry) =>
        h(
          'li',
          { 'data-source': entry.source },
          h('time', { datetime: entry.at }, time(entry.at)),
          h(
            'span',
            { class: 'move' },
            entry.from ? `${statusOf(entry.from)[0]} → ` : '',
            h('strong', {}, statusOf(entry.to)[0]),
          ),
          h('span', { class: 'source' }, label(sources[entry.source] ?? [entry.source, entry.source])),
        ),
      ),
    );
  }

  function vbankFacts(vbank) {
    return [
      fact('은행', 'Bank', vbank.bank),
      fact('계좌번호', 'Account', vbank.num, { class: 'mono', 'data-testid': 'vbank-num' }),
      fact('예금주', 'Holder', vbank.holder),
      fact('입금기한', 'Due', dateTime(vbank.due)),
    ];
  }

  function refundFacts(refunds) {
    return refunds.map((refund) =>
      fact(
        '환불',
        'Refund',
        `${money(refund.amount)} · ${refund.status === 'done' ? '완료 (done)' : refund.status}`,
      ),
    );
  }

  /**
   * One order as a card. `actions.deposit` adds the sandbox's "deposit" button to an order awaiting
   * a deposit (real Iamport has no such button: the buyer pays at the bank).
   */
  function renderOrder(order, actions = {}) {
    const [, , meaning] = statusOf(order.status);
    // A V2 order's merchant_uid is its paymentId; its attempt is a transaction_id, not an imp_uid.
    const v2 = order.api === 'v2';
    const deposit =
      order.status === 'vbank_issued' && actions.deposit
        ? h(
            'button',
            { type: 'button', class: 'secondary', onclick: () => actions.deposit(order) },
            '입금하기 (샌드박스) ',
            en('Deposit (sandbox)'),
          )
        : null;
    return h(
      'article',
      {
        class: 'order',
        'data-merchant-uid': order.merchant_uid,
        'data-status': order.status,
        'data-api': v2 ? 'v2' : 'v1',
      },
      h(
        'header',
        { class: 'order-head' },
        badge(order.status),
        h('span', { class: 'api-tag', 'data-testid': 'order-api' }, v2 ? 'V2' : 'V1'),
        h('strong', { class: 'amount' }, money(order.amount, order.currency)),
      ),
      h('p', { class: 'order-name' }, order.name ?? order.merchant_uid),
      h('p', { class: 'meaning' }, meaning),
      h(
        'dl',
        { class: 'facts' },
        fact('주문번호', v2 ? 'paymentId' : 'merchant_uid', order.merchant_uid, { class: 'mono' }),
        order.imp_uid ? fact('결제번호', 'imp_uid', order.imp_uid, { class: 'mono' }) : null,
        order.transaction_id
          ? fact('거래번호', 'transaction_id', order.transaction_id, {
              class: 'mono',
              'data-testid': 'transaction-id',
            })
          : null,
        order.pay_method ? fact('결제수단', 'Method', order.pay_method) : null,
        order.status === 'vbank_issued' && order.vbank ? vbankFacts(order.vbank) : null,
        refundFacts(order.refunds ?? []),
      ),
      deposit,
      history(order.history ?? []),
    );
  }

  async function json(url, init) {
    const response = await fetch(url, init);
    const body = await response.json().catch(() => null);
    return { status: response.status, body };
  }

  const postJson = (url, body) =>
    json(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  const getOrder = (merchantUid) => json(`/api/orders/${encodeURIComponent(merchantUid)}`);

  /**
   * Calls `show(order)` now and every second while the order can still change on its own
   * (a lost result being reconciled, a deposit); returns a function that stops it.
   */
  function watch(merchantUid, show, onError = () => {}) {
    let stopped = false;
    let timer;
    async function tick() {
      try {
        const { status, body } = await getOrder(merchantUid);
        if (stopped) return;
        if (status !== 200) {
          onError(status, body);
          return;
        }
        show(body);
        if (!awaiting.has(body.status)) return;
      } catch (error) {
        if (stopped) return;
        onError(0, { error: { message: String(error) } });
      }
      timer = setTimeout(tick, 1000);
    }
    tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }

  const deposit = (order) => postJson(`/api/orders/${encodeURIComponent(order.merchant_uid)}/deposit`, {});

  /**
   * The product pages' "order status" panel (`#checkout`): a note, and the order followed from its
   * registration on (with the sandbox's deposit button), as the server decides it. V1's and V2's use it.
   */
  function checkoutPanel() {
    const el = (id) => document.getElementById(id);
    let stopWatching = () => {};
    let current = null;

    function note(text) {
      el('checkout').hidden = false;
      el('checkout-note').textContent = text;
    }

    function show(order) {
      el('checkout-order').replaceChildren(
        renderOrder(order, {
          deposit: async (o) => {
            const answer = await deposit(o);
            if (answer.status !== 200)
              note(`입금 실패 (deposit refused): ${answer.body?.message ?? answer.status}`);
            else note('입금했습니다. 입금 통보(웹훅)를 기다리는 중… (Deposited; waiting for the webhook…)');
          },
        }),
      );
    }

    /** Follows `merchantUid` (default: the order followed now, read again after the server's answer). */
    function follow(merchantUid = current) {
      if (merchantUid === null) return;
      current = merchantUid;
      el('result-link').href = `/result?merchant_uid=${encodeURIComponent(merchantUid)}`;
      stopWatching();
      stopWatching = watch(merchantUid, show, (status, body) =>
        note(`주문을 읽지 못했습니다 (could not read the order): ${body?.error?.message ?? status}`),
      );
    }

    const clear = () => el('checkout-order').replaceChildren();
    return { note, follow, clear };
  }

  return {
    money,
    h,
    en,
    statuses,
    time,
    renderOrder,
    postJson,
    getOrder,
    watch,
    deposit,
    awaiting,
    checkoutPanel,
  };
})();
