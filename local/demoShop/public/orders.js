/*
 * The orders view: every order this shop created, with its history, refreshed every second so a
 * developer can watch a lost result get reconciled without touching anything.
 */
(() => {
  const { h, en, renderOrder, deposit, time } = window.Shop;
  const el = (id) => document.getElementById(id);

  async function refresh() {
    try {
      const response = await fetch('/api/orders');
      const { orders } = await response.json();
      el('orders').replaceChildren(
        ...(orders.length === 0
          ? [
              h(
                'p',
                { class: 'card muted' },
                '아직 주문이 없습니다. 상품 페이지에서 결제해 보세요. ',
                en('No orders yet: pay for something on the shop page.'),
              ),
            ]
          : orders.map((order) => renderOrder(order, { deposit }))),
      );
      el('orders-refreshed').textContent = `실시간 · live — ${time(new Date().toISOString())} 갱신 (updated)`;
    } catch (error) {
      el('orders-refreshed').textContent = `갱신 실패 (refresh failed): ${error}`;
    } finally {
      setTimeout(refresh, 1000);
    }
  }

  refresh();
})();
