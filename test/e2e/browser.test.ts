import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContextOptions, Frame, FrameLocator, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { projectRoot } from '../../local/serverlessConfig';
import { koreanFontFamily } from '../../sandbox/webFont';
import { launchBrowser } from '../helpers/browser';
import { type RunningLocalStack, startLocalStack } from '../helpers/localStack';

/**
 * The demo shop in real headless Chromium against `npm start`: Iamport's guide code (V1) and PortOne's
 * V2 sample code with its browser SDK, the sandbox's payment window, the API across origins, the mobile
 * redirect and reconciliation, as a buyer sees them.
 * Chromium is found by test/helpers/browser.ts (CHROMIUM_PATH, an installed one, or the npm package's),
 * driven by playwright-core.
 */
const screenshots = join(projectRoot, 'test-results');

const desktop: BrowserContextOptions = { viewport: { width: 1280, height: 800 }, locale: 'ko-KR' };
const phone: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  isMobile: true,
  hasTouch: true,
  locale: 'ko-KR',
  userAgent:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
};

let stack: RunningLocalStack;
let browser: Browser;
/** What beforeAll started, stopped by afterAll even when the rest of beforeAll failed. */
const started: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  const [launched, running] = await Promise.allSettled([
    launchBrowser(),
    // Short reconciliation timings, so that a lost result is found within a test.
    startLocalStack({
      RECONCILE_AFTER_SECONDS: '1',
      RETRY_BASE_SECONDS: '1',
      // The retry queue's scheduled check reconciles; the sweeper (a backstop) would only add load here.
      SWEEP_INTERVAL_SECONDS: '60',
    }),
  ]);
  if (launched.status === 'fulfilled') started.push(() => launched.value.browser.close());
  if (running.status === 'fulfilled') started.push(() => running.value.stop());
  if (launched.status === 'rejected') throw launched.reason;
  if (running.status === 'rejected') throw running.reason;
  browser = launched.value.browser;
  stack = running.value;
  await warmUp(stack.apiUrl);
}, 150_000);

/**
 * serverless-offline loads each handler on its first call, which takes seconds; calling every route
 * once with an input it refuses keeps that load out of the first test's time and timeouts.
 */
async function warmUp(apiUrl: string): Promise<void> {
  const post = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' };
  await Promise.allSettled([
    fetch(`${apiUrl}/orders`, post),
    fetch(`${apiUrl}/orders/warm-up`),
    fetch(`${apiUrl}/payments/complete`, post),
    fetch(`${apiUrl}/payments/complete/mobile`, { redirect: 'manual' }),
    fetch(`${apiUrl}/payments/webhook`, post),
    fetch(`${apiUrl}/v2/payments/complete`, post),
    fetch(`${apiUrl}/v2/payments/redirect`, { redirect: 'manual' }),
    fetch(`${apiUrl}/v2/payments/webhook`, post),
  ]);
}

afterAll(async () => {
  await Promise.allSettled(started.map((stop) => stop()));
});

interface Shop {
  page: Page;
  /** Every alert() the page showed, in order (all accepted). */
  dialogs: string[];
  openPage(): Promise<Page>;
}

async function screenshot(testName: string, pages: Page[]): Promise<void> {
  mkdirSync(screenshots, { recursive: true });
  // The stack's own log (handlers, sandbox, queue) up to the failure, beside the pictures.
  writeFileSync(join(screenshots, 'browser-npm-start.log'), stack.output());
  const name = testName.replace(/[^\w가-힣-]+/g, '-').slice(0, 80);
  await Promise.allSettled(
    pages.map((page, i) =>
      page.screenshot({
        path: join(screenshots, `browser-${name}-${i}.png`),
        fullPage: true,
        timeout: 5_000,
      }),
    ),
  );
}

/** A fresh browser context for one test, with a screenshot of each of its pages if the test fails. */
async function openShop(test: TestContext, options: BrowserContextOptions): Promise<Shop> {
  const context = await browser.newContext(options);
  const dialogs: string[] = [];
  const pages: Page[] = [];
  const openPage = async () => {
    const page = await context.newPage();
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.accept();
    });
    pages.push(page);
    return page;
  };
  const page = await openPage();
  // onTestFinished runs before onTestFailed, so the screenshot is taken here, before the context closes.
  test.onTestFinished(async () => {
    try {
      if (test.task.result?.state === 'fail') await screenshot(test.task.name, pages);
    } finally {
      await context.close();
    }
  });
  return { page, dialogs, openPage };
}

const paymentWindow = (page: Page): FrameLocator => page.frameLocator('iframe[data-iamport-sandbox]');
/** The same window, opened by the V2 browser SDK (`PortOne.requestPayment`). */
const v2PaymentWindow = (page: Page): FrameLocator => page.frameLocator('iframe[data-portone-sandbox]');

/** The text of an element once it is shown (the window fills its fields after asking the sandbox). */
async function shownText(locator: Locator): Promise<string> {
  await locator.waitFor({ state: 'visible', timeout: 10_000 });
  return (await locator.textContent()) ?? '';
}

/** The order card the product page shows once the order is registered. */
const checkoutCard = (page: Page, status?: string) =>
  page.locator(status ? `#checkout-order .order[data-status="${status}"]` : '#checkout-order .order');

async function pay(page: Page, flow: 'pc' | 'mobile'): Promise<void> {
  await page.goto(stack.shopUrl);
  await page.locator(`input[name="flow"][value="${flow}"]`).check();
  await page.getByRole('button', { name: /결제하기/ }).click();
}

/** PortOne's V2 sample page: it shows its form once the SDK and the item are loaded. */
async function payV2(page: Page, flow: 'promise' | 'redirect'): Promise<void> {
  await page.goto(`${stack.shopUrl}/v2`);
  await page.locator('#checkoutButton').waitFor({ state: 'visible', timeout: 10_000 });
  await page.locator(`input[name="flow"][value="${flow}"]`).check();
  await page.locator('#checkoutButton').click();
}

/** Whether the sample page's own dialog (`#successDialog`, …) is open. */
const dialogOpen = async (page: Page, id: string): Promise<boolean> =>
  (await page.locator(`#${id}[open]`).count()) === 1;

async function merchantUidOf(page: Page): Promise<string> {
  const uid = await checkoutCard(page).first().getAttribute('data-merchant-uid', { timeout: 10_000 });
  if (uid === null) throw new Error('the order card has no merchant_uid');
  return uid;
}

async function apiOrder(merchantUid: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${stack.apiUrl}/orders/${encodeURIComponent(merchantUid)}`);
  return (await response.json()) as Record<string, unknown>;
}

/** In a window that replaced the page (a phone): the card is declined; the result page says failed. */
async function declineInRedirectedWindow(page: Page): Promise<void> {
  await page.waitForURL(`${stack.sandboxUrl}/__sandbox/window?**`);
  await page.getByRole('button', { name: /결제 실패/ }).click();
  await page.waitForURL(`${stack.shopUrl}/result?**`);
  expect(new URL(page.url()).searchParams.get('status')).toBe('failed');
  const card = page.locator('#result-order .order[data-status="failed"]');
  await card.waitFor();
  expect(await shownText(card.getByTestId('order-status'))).toContain('결제 실패');
}

/**
 * Waits until the orders view shows `uid` paid by the server's own check (the retry queue's scheduled
 * reconciliation, or the sweeper), with nothing in between, and returns its card.
 */
async function reconciledInOrdersView(ordersView: Page, uid: string): Promise<Locator> {
  const card = ordersView.locator(`.order[data-merchant-uid="${uid}"]`);
  await card.and(ordersView.locator('[data-status="paid"]')).waitFor({ timeout: 40_000 });
  await card
    .locator('.history li[data-source="reconcile"], .history li[data-source="sweep"]')
    .first()
    .waitFor();
  const order = await apiOrder(uid);
  expect(order.history).toEqual([
    expect.objectContaining({ to: 'pending', source: 'register' }),
    expect.objectContaining({
      from: 'pending',
      to: 'paid',
      source: expect.stringMatching(/^(reconcile|sweep)$/),
    }),
  ]);
  return card;
}

/**
 * Draws `text`, and the same text with every letter a "no such glyph" box (U+0378 is unassigned: no font has it),
 * in the page's own font, and gives both pictures. On a machine whose fonts lack Hangul, Korean text
 * without a web font is drawn as those same boxes, so the two pictures are then byte for byte equal.
 */
async function glyphPictures(frame: Frame, text: string): Promise<{ text: Buffer; boxes: Buffer }> {
  // Both on a white sheet over the whole page, at whole-pixel places: what the pictures show then
  // depends on the glyphs alone (not on the page beneath, nor on antialiasing at a fraction of a pixel).
  await frame.evaluate(`(() => {
    const sheet = document.createElement('div');
    sheet.id = 'probe-sheet';
    sheet.style.cssText = 'position:fixed;inset:0;z-index:2147483647;background:#fff';
    const probes = [['probe-text', ${JSON.stringify(text)}, 0], ['probe-boxes', ${JSON.stringify(text.replace(/\S/gu, '\u0378'))}, 80]];
    for (const [id, value, top] of probes) {
      const span = document.createElement('span');
      span.id = id;
      span.textContent = value;
      span.style.cssText = 'position:absolute;left:0;top:' + top + 'px;padding:4px;white-space:pre;' +
        'font-size:48px;line-height:1;letter-spacing:0;color:#000';
      sheet.append(span);
    }
    document.body.append(sheet);
  })()`);
  // The font comes in unicode-range slices, each fetched when first needed: load this text's slices.
  const faces = await frame.evaluate(
    `document.fonts.load('48px "${koreanFontFamily}"', ${JSON.stringify(text)}).then((faces) => faces.length)`,
  );
  expect(faces).toBeGreaterThan(0);
  const [drawn, boxes] = await Promise.all([
    frame.locator('#probe-text').screenshot(),
    frame.locator('#probe-boxes').screenshot(),
  ]);
  await frame.evaluate("document.getElementById('probe-sheet').remove()");
  return { text: drawn, boxes };
}

/** No sideways scrolling: the page fits the phone's width. (A string: this project has no DOM types.) */
const fitsWidth = async (page: Page): Promise<boolean> =>
  (await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')) === true;

// One test at a time: serverless-offline answers concurrent calls of a function from fresh workers,
// each a cold start of seconds, which made a concurrent run slower and flaky, not faster.
describe('demo shop in Chromium, against npm start', () => {
  it('PC: pays with the guide code, verifies across origins, and shows paid', async (test) => {
    const { page, dialogs } = await openShop(test, desktop);
    const completed = page.waitForResponse((r) => r.url() === `${stack.apiUrl}/payments/complete`);
    await pay(page, 'pc');
    const payWindow = paymentWindow(page);
    expect(await shownText(payWindow.getByTestId('window-amount'))).toBe('₩14,000');
    expect(await shownText(payWindow.getByTestId('window-name'))).toBe('주문명:결제테스트');
    await payWindow.getByRole('button', { name: /결제 완료/ }).click();

    const response = await completed;
    expect(response.status()).toBe(200);
    // jQuery's form post, from the shop's origin: the API answered CORS for exactly that origin.
    expect(response.request().headers()['content-type']).toBe(
      'application/x-www-form-urlencoded; charset=UTF-8',
    );
    expect(response.headers()['access-control-allow-origin']).toBe(stack.shopUrl);
    await checkoutCard(page, 'paid').waitFor({ timeout: 10_000 });
    expect(await shownText(checkoutCard(page).getByTestId('order-status'))).toContain('결제 완료');

    const uid = await merchantUidOf(page);
    // The guide's own success alert ran: `everythings_fine` was true.
    expect(dialogs).toEqual([expect.stringContaining(`결제가 완료되었습니다.\n고유ID : imp_`)]);
    expect(dialogs[0]).toContain(`상점 거래ID : ${uid}`);
    expect(await apiOrder(uid)).toMatchObject({ status: 'paid', amount: 14_000 });
  }, 30_000);

  it('PC: a tampered amount is cancelled and shown as cancelled', async (test) => {
    const { page, dialogs } = await openShop(test, desktop);
    await pay(page, 'pc');
    const tamper = paymentWindow(page).getByRole('button', { name: /다른 금액으로 결제/ });
    expect(await shownText(tamper)).toContain('₩100');
    await tamper.click();

    await checkoutCard(page, 'forgery').waitFor({ timeout: 10_000 });
    const label = await checkoutCard(page).getByTestId('order-status').textContent();
    expect(label).toContain('자동 취소');
    expect(label).toContain('cancelled');
    const uid = await merchantUidOf(page);
    const order = await apiOrder(uid);
    expect(order).toMatchObject({ status: 'forgery', amount: 14_000 });
    expect(order.refunds).toEqual([
      expect.objectContaining({ amount: 100, status: 'done', reason: 'forgery' }),
    ]);
    await checkoutCard(page).locator('dt', { hasText: '환불' }).waitFor({ timeout: 10_000 });
    // The guide's success alert never ran: `everythings_fine` was false.
    expect(dialogs).toEqual([]);
  }, 30_000);

  it('mobile (390×844): the redirect lands on the result page with paid', async (test) => {
    const { page } = await openShop(test, phone);
    await page.goto(stack.shopUrl);
    // A phone defaults to the mobile guide code (m_redirect_url, no callback).
    await expect(page.locator('input[name="flow"][value="mobile"]').isChecked()).resolves.toBe(true);
    expect(await fitsWidth(page)).toBe(true);
    await page.getByRole('button', { name: /결제하기/ }).click();

    await page.waitForURL(`${stack.sandboxUrl}/__sandbox/window?**`);
    expect(await shownText(page.getByTestId('window-amount'))).toBe('₩14,000');
    expect(await fitsWidth(page)).toBe(true);
    await page.getByRole('button', { name: /결제 완료/ }).click();

    await page.waitForURL(`${stack.shopUrl}/result?**`);
    const query = new URL(page.url()).searchParams;
    expect(query.get('status')).toBe('paid');
    expect(query.get('imp_uid')).toMatch(/^imp_\d{12}$/);
    const card = page.locator('#result-order .order[data-status="paid"]');
    await card.waitFor();
    expect(await shownText(card.getByTestId('order-status'))).toContain('결제 완료');
    expect(await shownText(card.locator('.amount'))).toBe('₩14,000');
    expect(await fitsWidth(page)).toBe(true);
    const order = await apiOrder(query.get('merchant_uid') ?? '');
    expect(order.history).toContainEqual(expect.objectContaining({ to: 'paid' }));
  }, 30_000);

  it('mobile: a failed payment lands on the result page as failed', async (test) => {
    const { page } = await openShop(test, phone);
    await pay(page, 'mobile');
    await declineInRedirectedWindow(page);
  }, 30_000);

  it('vbank: the account is shown, then the deposit settles the order', async (test) => {
    const { page } = await openShop(test, desktop);
    await pay(page, 'pc');
    await paymentWindow(page)
      .getByRole('button', { name: /가상계좌 발급/ })
      .click();

    const issued = checkoutCard(page, 'vbank_issued');
    await issued.waitFor({ timeout: 10_000 });
    expect(await shownText(issued.getByTestId('vbank-num'))).toMatch(/^\d{6}-\d{2}-\d{6}$/);
    expect(await shownText(issued.getByTestId('order-status'))).toContain('입금 대기');
    await issued.getByRole('button', { name: /입금하기/ }).click();

    // The sandbox's deposit webhook, verified by the API, reaches the page through its polling.
    await checkoutCard(page, 'paid').waitFor({ timeout: 15_000 });
    const order = await apiOrder(await merchantUidOf(page));
    expect(order.history).toContainEqual(
      expect.objectContaining({ from: 'vbank_issued', to: 'paid', source: 'webhook' }),
    );
  }, 30_000);

  it('“network lost”: the payment is reconciled with no further clicks, live in the orders view', async (test) => {
    const { page, openPage, dialogs } = await openShop(test, desktop);
    const ordersView = await openPage();
    await ordersView.goto(`${stack.shopUrl}/orders`);
    await pay(page, 'pc');
    const payWindow = paymentWindow(page);
    await payWindow.getByRole('button', { name: /네트워크 끊김/ }).click();
    await payWindow.getByText('네트워크 연결이 끊겼습니다').waitFor();
    const uid = await merchantUidOf(page);

    // Nothing else is clicked: no callback, no redirect, no webhook. The server's own check finds it.
    await reconciledInOrdersView(ordersView, uid);
    await checkoutCard(page, 'paid').waitFor({ timeout: 5_000 });
    expect(dialogs).toEqual([]);
  }, 60_000);

  it('prepare: the window refuses an amount changed in request_pay’s params', async (test) => {
    const { page, dialogs } = await openShop(test, desktop);
    await page.goto(stack.shopUrl);
    await page.getByText('개발자 도구').click();
    await page.getByLabel(/금액을 ₩1,000으로 바꿔/).check();
    await page.getByRole('button', { name: /결제하기/ }).click();

    const payWindow = paymentWindow(page);
    await payWindow.getByText('결제할 수 없습니다').waitFor();
    expect(await shownText(payWindow.getByTestId('window-amount'))).toBe('₩1,000');
    expect(await shownText(payWindow.getByRole('alert'))).toContain(
      '사전등록된 결제정보와 금액이 일치하지 않습니다.',
    );
    await expect(payWindow.getByRole('button', { name: /결제 완료/ }).count()).resolves.toBe(0);
    await payWindow.getByRole('button', { name: /확인/ }).click();

    await expect
      .poll(() => dialogs)
      .toEqual([expect.stringMatching(/^결제에 실패하였습니다\.에러내용 : 사전등록된/)]);
    const uid = await merchantUidOf(page);
    // No attempt exists at Iamport, so nothing can settle the order.
    const order = await apiOrder(uid);
    expect(order).toMatchObject({ status: 'pending', amount: 14_000 });
    expect(order.imp_uid).toBeUndefined();
  }, 30_000);

  it('Korean text is drawn in the web font, in the shop and in the payment window, on any machine', async (test) => {
    const { page } = await openShop(test, desktop);
    await page.goto(stack.shopUrl);
    const shop = await glyphPictures(page.mainFrame(), '샌드박스 상점');
    expect(shop.text.equals(shop.boxes), 'the shop draws its Korean text as boxes').toBe(false);

    await page.locator('input[name="flow"][value="pc"]').check();
    await page.getByRole('button', { name: /결제하기/ }).click();
    await paymentWindow(page).getByTestId('window-amount').waitFor({ state: 'visible', timeout: 10_000 });
    const windowFrame = page
      .frames()
      .find((frame) => frame.url().startsWith(`${stack.sandboxUrl}/__sandbox/window`));
    if (windowFrame === undefined) throw new Error('the payment window has no frame');
    const payWindow = await glyphPictures(windowFrame, '결제하기 주문명');
    expect(payWindow.text.equals(payWindow.boxes), 'the window draws its Korean text as boxes').toBe(false);

    // The shop's own heading is drawn from the served font file, not from a font the machine has.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument');
    const { nodeId } = await cdp.send('DOM.querySelector', {
      nodeId: root.nodeId,
      selector: '#checkout-title',
    });
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    expect(fonts).toEqual([
      expect.objectContaining({ isCustomFont: true, familyName: expect.stringMatching(/^Noto Sans KR/) }),
    ]);
  }, 30_000);
});

describe('demo shop V2 in Chromium: PortOne’s sample code and browser SDK, against npm start', () => {
  it('V2 PC: pays with the sample code, verifies across origins, and shows paid with its transaction_id', async (test) => {
    const { page } = await openShop(test, desktop);
    const completed = page.waitForResponse((r) => r.url() === `${stack.apiUrl}/v2/payments/complete`);
    await payV2(page, 'promise');
    const payWindow = v2PaymentWindow(page);
    expect(await shownText(payWindow.getByTestId('window-amount'))).toBe('₩14,000');
    expect(await shownText(payWindow.getByTestId('window-name'))).toBe('주문명:결제테스트');
    await payWindow.getByRole('button', { name: /결제 완료/ }).click();

    const response = await completed;
    expect(response.status()).toBe(200);
    const uid = await merchantUidOf(page);
    // The sample's own fetch, from the shop's origin: `{paymentId}` as JSON, CORS for exactly that origin.
    expect(response.request().postDataJSON()).toEqual({ paymentId: uid });
    expect(response.headers()['access-control-allow-origin']).toBe(stack.shopUrl);
    const card = checkoutCard(page, 'paid');
    await card.waitFor({ timeout: 10_000 });
    expect(await shownText(card.getByTestId('order-api'))).toBe('V2');
    const order = await apiOrder(uid);
    expect(order).toMatchObject({ status: 'paid', api: 'v2', amount: 14_000 });
    expect(await shownText(card.getByTestId('transaction-id'))).toBe(String(order.transaction_id));
    // The sample's success dialog opened: it read the server's answer.
    await expect.poll(() => dialogOpen(page, 'successDialog')).toBe(true);
  }, 30_000);

  it('V2 PC: a tampered amount is refunded once and shown as cancelled', async (test) => {
    const { page } = await openShop(test, desktop);
    await payV2(page, 'promise');
    const tamper = v2PaymentWindow(page).getByRole('button', { name: /다른 금액으로 결제/ });
    expect(await shownText(tamper)).toContain('₩100');
    await tamper.click();

    const card = checkoutCard(page, 'forgery');
    await card.waitFor({ timeout: 10_000 });
    expect(await card.getByTestId('order-status').textContent()).toContain('자동 취소');
    await card.locator('dt', { hasText: '환불' }).waitFor({ timeout: 10_000 });
    const order = await apiOrder(await merchantUidOf(page));
    expect(order).toMatchObject({ status: 'forgery', api: 'v2', amount: 14_000 });
    expect(order.refunds).toEqual([
      expect.objectContaining({ amount: 100, status: 'done', reason: 'forgery' }),
    ]);
    expect(await dialogOpen(page, 'successDialog')).toBe(false);
  }, 30_000);

  it('V2 mobile (390×844): the redirect lands on the result page with paid', async (test) => {
    const { page } = await openShop(test, phone);
    await page.goto(`${stack.shopUrl}/v2`);
    await page.locator('#checkoutButton').waitFor({ state: 'visible', timeout: 10_000 });
    // A phone defaults to the redirect flow; the SDK redirects a phone whenever redirectUrl is given.
    await expect(page.locator('input[name="flow"][value="redirect"]').isChecked()).resolves.toBe(true);
    expect(await fitsWidth(page)).toBe(true);
    await page.locator('#checkoutButton').click();

    await page.waitForURL(`${stack.sandboxUrl}/__sandbox/window?**`);
    expect(await shownText(page.getByTestId('window-amount'))).toBe('₩14,000');
    expect(await fitsWidth(page)).toBe(true);
    await page.getByRole('button', { name: /결제 완료/ }).click();

    await page.waitForURL(`${stack.shopUrl}/result?**`);
    const query = new URL(page.url()).searchParams;
    expect(query.get('status')).toBe('paid');
    const uid = query.get('merchant_uid') ?? '';
    const card = page.locator('#result-order .order[data-status="paid"]');
    await card.waitFor();
    expect(await shownText(card.getByTestId('order-api'))).toBe('V2');
    expect(await fitsWidth(page)).toBe(true);
    const order = await apiOrder(uid);
    expect(order).toMatchObject({ status: 'paid', api: 'v2' });
    expect(order.history).toContainEqual(expect.objectContaining({ to: 'paid' }));
  }, 30_000);

  it('V2 mobile: a declined card lands on the result page as failed', async (test) => {
    const { page } = await openShop(test, phone);
    await payV2(page, 'redirect');
    await declineInRedirectedWindow(page);
  }, 30_000);

  it('V2 virtual account: the account is shown, then the deposit’s signed webhook settles the order', async (test) => {
    const { page } = await openShop(test, desktop);
    await payV2(page, 'promise');
    await v2PaymentWindow(page)
      .getByRole('button', { name: /가상계좌 발급/ })
      .click();

    const issued = checkoutCard(page, 'vbank_issued');
    await issued.waitFor({ timeout: 10_000 });
    expect(await shownText(issued.getByTestId('vbank-num'))).toMatch(/^\d{6}-\d{2}-\d{6}$/);
    await expect.poll(() => dialogOpen(page, 'virtualAccountDialog')).toBe(true);
    await issued.getByRole('button', { name: /입금하기/ }).click();

    await checkoutCard(page, 'paid').waitFor({ timeout: 15_000 });
    const order = await apiOrder(await merchantUidOf(page));
    expect(order.history).toContainEqual(
      expect.objectContaining({ from: 'vbank_issued', to: 'paid', source: 'webhook' }),
    );
  }, 30_000);

  it('V2 “network lost”: the payment is reconciled with no further clicks, live in the orders view', async (test) => {
    const { page, openPage } = await openShop(test, desktop);
    const ordersView = await openPage();
    await ordersView.goto(`${stack.shopUrl}/orders`);
    await payV2(page, 'promise');
    const payWindow = v2PaymentWindow(page);
    await payWindow.getByRole('button', { name: /네트워크 끊김/ }).click();
    await payWindow.getByText('네트워크 연결이 끊겼습니다').waitFor();
    const uid = await merchantUidOf(page);

    const card = await reconciledInOrdersView(ordersView, uid);
    expect(await shownText(card.getByTestId('order-api'))).toBe('V2');
    // The promise never resolved: the sample never posted to the server.
    expect(await dialogOpen(page, 'successDialog')).toBe(false);
  }, 60_000);

  it('V2 pre-registration: the window refuses an amount changed in requestPayment’s request', async (test) => {
    const { page } = await openShop(test, desktop);
    await page.goto(`${stack.shopUrl}/v2`);
    await page.locator('#checkoutButton').waitFor({ state: 'visible', timeout: 10_000 });
    await page.getByText('개발자 도구').click();
    await page.getByLabel(/totalAmount를 ₩1,000으로 바꿔/).check();
    await page.locator('#checkoutButton').click();

    const payWindow = v2PaymentWindow(page);
    await payWindow.getByText('결제할 수 없습니다').waitFor();
    expect(await shownText(payWindow.getByTestId('window-amount'))).toBe('₩1,000');
    expect(await shownText(payWindow.getByRole('alert'))).toContain('AmountNotEqualToPredefined');
    await expect(payWindow.getByRole('button', { name: /결제 완료/ }).count()).resolves.toBe(0);
    await payWindow.getByRole('button', { name: /확인/ }).click();

    // The sample's fail dialog shows the SDK's message.
    await expect.poll(() => dialogOpen(page, 'failDialog')).toBe(true);
    expect(await shownText(page.locator('#failMessage'))).toContain('사전 등록된 결제 정보와 금액');
    const order = await apiOrder(await merchantUidOf(page));
    expect(order).toMatchObject({ status: 'pending', api: 'v2', amount: 14_000 });
    expect(order.transaction_id).toBeUndefined();
  }, 30_000);

  it('a V1 and a V2 order paid in one browser context, both listed in the orders view', async (test) => {
    const { page, openPage } = await openShop(test, desktop);
    await pay(page, 'pc');
    await paymentWindow(page)
      .getByRole('button', { name: /결제 완료/ })
      .click();
    await checkoutCard(page, 'paid').waitFor({ timeout: 10_000 });
    const v1 = await merchantUidOf(page);

    // The switch on the product page leads to the V2 page, in the same tab.
    await page.getByRole('link', { name: /V2/ }).click();
    await page.waitForURL(`${stack.shopUrl}/v2`);
    await page.locator('#checkoutButton').waitFor({ state: 'visible', timeout: 10_000 });
    await page.locator('#checkoutButton').click();
    await v2PaymentWindow(page)
      .getByRole('button', { name: /결제 완료/ })
      .click();
    await checkoutCard(page, 'paid').waitFor({ timeout: 10_000 });
    const v2 = await merchantUidOf(page);

    const ordersView = await openPage();
    await ordersView.goto(`${stack.shopUrl}/orders`);
    for (const [uid, api] of [
      [v1, 'v1'],
      [v2, 'v2'],
    ] as const) {
      const card = ordersView.locator(`.order[data-merchant-uid="${uid}"][data-status="paid"]`);
      await card.waitFor({ timeout: 10_000 });
      expect(await card.getAttribute('data-api')).toBe(api);
    }
    expect(await apiOrder(v1)).toMatchObject({ status: 'paid', imp_uid: expect.stringMatching(/^imp_/) });
    expect(await apiOrder(v2)).toMatchObject({
      status: 'paid',
      api: 'v2',
      transaction_id: expect.any(String),
    });
  }, 45_000);

  it('@portone/browser-sdk from npm runs unchanged on top of the sandbox’s script', async (test) => {
    const { page } = await openShop(test, desktop);
    const cdnRequests: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('cdn.portone.io')) cdnRequests.push(request.url());
    });
    // A page of the shop without any SDK; the sandbox's script first, then the npm package's module.
    await page.goto(`${stack.shopUrl}/orders`);
    await page.addScriptTag({ url: `${stack.sandboxUrl}/v2/browser-sdk.js` });
    const paymentId = `npm-${Date.now()}`;
    const registered = await page.evaluate(`fetch('/api/orders', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ merchant_uid: ${JSON.stringify(paymentId)}, api: 'v2' }),
    }).then((r) => r.status)`);
    expect(registered).toBe(201);
    const storeId = await (await fetch(`${stack.sandboxUrl}/__sandbox/v2/config`)).json();
    const request = {
      storeId: (storeId as { storeId: string }).storeId,
      channelKey: 'channel-key-npm',
      paymentId,
      orderName: '주문명:결제테스트',
      totalAmount: 14_000,
      currency: 'CURRENCY_KRW',
      payMethod: 'CARD',
    };
    const result = page.evaluate(`import('/vendor/portone-browser-sdk.js').then(async (sdk) => {
      const response = await sdk.requestPayment(${JSON.stringify(request)});
      const verified = await fetch(${JSON.stringify(`${stack.apiUrl}/v2/payments/complete`)}, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ paymentId: response.paymentId }),
      }).then((r) => r.json());
      return { response, verified };
    })`);
    await v2PaymentWindow(page)
      .getByRole('button', { name: /결제 완료/ })
      .click();
    const { response, verified } = (await result) as {
      response: Record<string, unknown>;
      verified: Record<string, unknown>;
    };
    expect(response).toEqual({ paymentId, transactionType: 'PAYMENT', txId: expect.any(String) });
    expect(verified).toMatchObject({ status: 'paid', payment_id: paymentId, transaction_id: response.txId });
    // The package found window.PortOne and never injected PortOne's CDN script.
    expect(cdnRequests).toEqual([]);
    expect(await page.locator('script[src="https://cdn.portone.io/v2/browser-sdk.js"]').count()).toBe(0);
  }, 30_000);
});
