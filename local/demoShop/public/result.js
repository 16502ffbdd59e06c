/*
 * The result page: where GET /payments/complete/mobile and GET /v2/payments/redirect send the buyer
 * (RESULT_PAGE_URL), with `merchant_uid`, `imp_uid` (V1) and `status` in the query. The query is only a hint anyone can type;
 * the page shows the order as the shop's back end reads it, and follows it while it can still change.
 */
(() => {
  const { renderOrder, statuses, watch, deposit } = window.Shop;
  const query = new URLSearchParams(location.search);
  const merchantUid = query.get('merchant_uid');
  const hinted = query.get('status');
  const el = (id) => document.getElementById(id);

  /** Redirect statuses that are not order statuses (README, "HTTP contract"). */
  const redirectOnly = {
    invalid: '결제 정보가 올바르지 않습니다. (The redirect carried no usable payment ids.)',
    not_found: '포트원에서 결제를 찾지 못했습니다. (PortOne has no such payment for this shop.)',
    refused: '테스트 결제는 받지 않습니다. (Test-channel payments are refused here.)',
    error:
      '결제 확인 중 오류가 났습니다. 서버가 다시 확인합니다. (Verification failed; the server will retry.)',
  };

  function note(text) {
    el('result-note').textContent = text;
  }

  if (hinted !== null) {
    const words = statuses[hinted];
    const said = words ? `${words[0]} (${words[1]})` : (redirectOnly[hinted] ?? hinted);
    note(
      `리디렉트가 전한 결과 (redirect said): ${said}. 아래는 서버가 확인한 주문입니다. (Below: the order as the server knows it.)`,
    );
  }

  if (merchantUid === null) {
    note(
      `${redirectOnly[hinted] ?? ''} 주문번호가 없어 주문을 보여드릴 수 없습니다. (No merchant_uid: no order to show.)`.trim(),
    );
    return;
  }

  const show = (order) =>
    el('result-order').replaceChildren(
      renderOrder(order, {
        deposit: async (o) => {
          const answer = await deposit(o);
          if (answer.status !== 200)
            note(`입금 실패 (deposit refused): ${answer.body?.message ?? answer.status}`);
        },
      }),
    );

  watch(merchantUid, show, (status, body) =>
    note(
      status === 404
        ? '이 상점의 주문이 아닙니다. (Not an order of this shop.)'
        : `주문을 읽지 못했습니다 (could not read the order): ${body?.error?.message ?? status}`,
    ),
  );
})();
