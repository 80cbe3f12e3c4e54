import { test, expect, Browser, Page } from '@playwright/test';
import { SCREENS, loginAs, waitForHydration, expectNoHorizontalScroll } from './helpers';

// 食品经营许可 (市场监管局), pinyin initials SPJYXK.
const ITEM = '990100-XK-0013';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n');
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
// The simulated card reader's card (YIZHAN_CARD_READER_URL=simulated in serve.sh) is citizen2's.
const CARD_ID = '990102195503082424';

/// 窗口收件 for citizen2 by clerk1: the case number and its query code (from the counter tablet's
/// rating link), for the kiosk and the lookup without JavaScript.
async function walkInCase(browser: Browser): Promise<{ caseNo: string; code: string }> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
  const clerk = await context.newPage();
  await loginAs(clerk, 'clerk1');
  await clerk.goto(`/staff/intake/${ITEM}`);
  await waitForHydration(clerk);
  await clerk.getByLabel('申请人证件号码（身份证号或统一社会信用代码）').fill(CARD_ID);
  await clerk.getByRole('button', { name: '查询账号' }).click();
  await expect(clerk.locator('#f-name')).toHaveValue('李秀英');
  await clerk.locator('#f-request').fill('在镇上开设小卖部，申请食品经营许可。');
  await clerk.setInputFiles('input[name="file.m1"]', { name: '申请书.pdf', mimeType: 'application/pdf', buffer: PDF });
  await clerk.setInputFiles('input[name="file.m2"]', { name: '营业执照.png', mimeType: 'image/png', buffer: PNG });
  await clerk.getByRole('button', { name: '收件并生成回执' }).click();
  await clerk.waitForURL(/\/staff\/cases\/\d{20}\?done=intake$/);
  const caseNo = clerk.url().match(/cases\/(\d{20})/)![1];
  const href = await clerk.getByRole('link', { name: '评价页' }).getAttribute('href');
  const code = href!.match(/code=(\d+)/)![1];
  await context.close();
  return { caseNo, code };
}

async function kiosk(browser: Browser, width = 1080, height = 1920): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height }, hasTouch: true, locale: 'zh-CN' });
  return context.newPage();
}

/// Taps each character's key on the on-screen keyboard or keypad.
async function tapKeys(page: Page, text: string) {
  for (const ch of text) {
    await page.locator('.kiosk-keys button', { hasText: new RegExp(`^${ch}$`) }).first().tap();
  }
}

/// Every interactive element on the screen is at least 64×64 CSS px.
async function expectFingerSized(page: Page, screen: string) {
  const small = await page.evaluate(() =>
    [...document.querySelectorAll('a[href], button, input, select, textarea, [role="button"], [tabindex]')]
      .filter((el) => (el as HTMLElement).offsetParent !== null || getComputedStyle(el).position === 'fixed')
      .map((el) => {
        const r = el.getBoundingClientRect();
        return { what: `${el.tagName} ${(el.textContent ?? '').trim().slice(0, 20) || el.getAttribute('name') || ''}`, w: r.width, h: r.height };
      })
      .filter((b) => b.w < 64 || b.h < 64),
  );
  expect(small, `${screen}: targets under 64×64`).toEqual([]);
}

test('a kiosk journey by touch alone: guide by pinyin initials, lookup by keypad and ID card, rating, then a clean restart', async ({ browser }) => {
  test.setTimeout(180_000);
  const { caseNo, code } = await walkInCase(browser);
  const page = await kiosk(browser);
  // The kiosk's clock is under the test's control, so 90 quiet seconds pass at once.
  await page.clock.install();
  await page.goto('/kiosk');
  await waitForHydration(page);
  await expectFingerSized(page, 'start');
  const startLength = await page.evaluate(() => history.length);

  // 办事指南: S P J Y on the on-screen keyboard finds 食品经营许可.
  await page.locator('.kiosk-tile-guide').tap();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('办事指南');
  await expectFingerSized(page, 'guide');
  await page.screenshot({ path: `${SCREENS}/kiosk-guide-portrait.png` });
  await tapKeys(page, 'SPJY');
  await expect(page.locator('#kiosk-letters')).toHaveValue('SPJY');
  const hit = page.locator('.kiosk-item', { hasText: '食品经营许可' }).first();
  await expect(hit).toBeVisible();
  await expectFingerSized(page, 'guide results');
  await page.screenshot({ path: `${SCREENS}/kiosk-guide-search-portrait.png` });
  await hit.tap();
  await expect(page.locator('.kiosk-sheet-title')).toHaveText(/食品经营许可/);
  await expect(page.locator('.kiosk-sheet')).toContainText('申请材料');
  await expectFingerSized(page, 'item');
  await page.screenshot({ path: `${SCREENS}/kiosk-item-portrait.png`, fullPage: true });
  await page.getByRole('link', { name: '返回事项列表' }).tap();
  await expect(page.locator('#kiosk-letters')).toHaveValue('SPJY');
  await page.getByRole('link', { name: '返回首页' }).tap();

  // 办件查询 with the ID card on the reader and the query code on the keypad.
  await page.locator('.kiosk-tile-status').tap();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('办件查询');
  await expectFingerSized(page, 'status');
  await page.screenshot({ path: `${SCREENS}/kiosk-status-portrait.png` });
  await page.getByRole('button', { name: '刷身份证查询' }).tap();
  await expect(page.locator('.kiosk-card-read')).toContainText('李**（9901**********2424）');
  await tapKeys(page, code);
  await expect(page.locator('#kiosk-query-code')).toHaveValue(code);
  await page.getByRole('button', { name: '查询', exact: true }).tap();
  await expect(page.locator('.kiosk-sheet')).toContainText(caseNo);
  await expect(page.locator('.kiosk-sheet')).toContainText('待受理');
  await expectFingerSized(page, 'status result');
  await page.screenshot({ path: `${SCREENS}/kiosk-status-result-portrait.png`, fullPage: true });
  // The printed status sheet: the sheet alone, black on white, without the kiosk's buttons.
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('.kiosk-sheet')).toBeVisible();
  for (const chrome of ['.kiosk-top', '.kiosk-actions', '.kiosk-bottom']) {
    await expect(page.locator(chrome)).toBeHidden();
  }
  await page.screenshot({ path: `${SCREENS}/kiosk-status-print.png`, fullPage: true });
  await page.emulateMedia({ media: 'screen' });
  // Neither the ID number nor the code went into the address.
  expect(page.url()).not.toContain(CARD_ID);
  expect(page.url()).not.toContain(code);

  // 服务评价: the case number and the code typed on the keypad, then one large button.
  await page.getByRole('link', { name: '返回首页' }).tap();
  await page.locator('.kiosk-tile-rate').tap();
  await expectFingerSized(page, 'rate lookup');
  await tapKeys(page, caseNo);
  await page.locator('#rate-code').tap();
  await tapKeys(page, code);
  await page.getByRole('button', { name: '开始评价' }).tap();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('窗口服务评价');
  await expectFingerSized(page, 'rate');
  await page.screenshot({ path: `${SCREENS}/kiosk-rate-portrait.png` });
  await page.getByRole('button', { name: '非常满意' }).tap();
  await expect(page.locator('.rate-done')).toContainText('谢谢您的评价');

  // The person switched to English and elderly mode; then walks away.
  await page.getByRole('link', { name: 'EN' }).tap();
  await page.locator('.pref-care').tap();
  await expect(page.locator('body')).toHaveClass(/\bcare\b/);
  await page.clock.runFor(92_000);
  const countdown = page.getByRole('alertdialog');
  await expect(countdown).toBeVisible();
  await expectFingerSized(page, 'countdown');
  await page.screenshot({ path: `${SCREENS}/kiosk-countdown-portrait.png` });
  await page.clock.runFor(16_000);
  // Polled, not awaited as one navigation: the reset may abort a navigation still under way
  // (waitForURL then failed with ERR_ABORTED in one clean run).
  await expect(page).toHaveURL(/\/kiosk$/);
  await waitForHydration(page);

  // Nothing of the journey remains: not on the screen, not in storage or cookies, not in history.
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('自助服务终端');
  await expect(page.locator('body')).not.toHaveClass(/\bcare\b/);
  const body = await page.locator('body').innerText();
  for (const trace of [caseNo, code, '李', 'SPJY', '食品经营许可', 'Thank']) {
    expect(body, trace).not.toContain(trace);
  }
  const left = await page.evaluate(() => ({
    local: localStorage.length,
    session: sessionStorage.length,
    cookies: document.cookie,
    history: history.length,
  }));
  expect(left.local).toBe(0);
  expect(left.session).toBe(0);
  expect(left.cookies).not.toMatch(/yz_lang|yz_care/);
  expect(left.history).toBe(startLength);
  await page.context().close();
});

test('a touch within the countdown keeps the screen as it is', async ({ browser }) => {
  const page = await kiosk(browser);
  await page.clock.install();
  await page.goto('/kiosk/guide');
  await waitForHydration(page);
  await tapKeys(page, 'SB');
  await page.clock.runFor(95_000);
  await expect(page.getByRole('alertdialog')).toBeVisible();
  await page.getByRole('button', { name: '继续使用' }).tap();
  await expect(page.getByRole('alertdialog')).toHaveCount(0);
  await page.clock.runFor(20_000);
  await expect(page.locator('#kiosk-letters')).toHaveValue('SB');
  // The clean start screen does not count down: there is nothing to forget.
  await page.getByRole('link', { name: '返回首页' }).tap();
  await page.clock.runFor(200_000);
  await expect(page.getByRole('alertdialog')).toHaveCount(0);
  await page.context().close();
});

test('every kiosk screen in landscape and in elderly mode', async ({ browser }) => {
  for (const [mode, care] of [['landscape', false], ['care', true]] as const) {
    const page = await kiosk(browser, mode === 'landscape' ? 1920 : 1080, mode === 'landscape' ? 1080 : 1920);
    if (care) {
      await page.context().addCookies([{ name: 'yz_care', value: '1', url: 'http://' + (process.env.E2E_ADDR ?? '127.0.0.1:3710') }]);
    }
    for (const [name, path] of [
      ['start', '/kiosk'],
      ['guide', '/kiosk/guide?q=SPJY'],
      ['item', `/kiosk/guide/${ITEM}`],
      ['status', '/kiosk/status'],
      ['rate', '/kiosk/rate'],
      ['print', '/kiosk/print'],
    ]) {
      await page.goto(path);
      await waitForHydration(page);
      await expectNoHorizontalScroll(page);
      await expectFingerSized(page, `${name} ${mode}`);
      await page.screenshot({ path: `${SCREENS}/kiosk-${name}-${mode}.png` });
    }
    await page.context().close();
  }
});

test.describe('without JavaScript', () => {
  test('a case is looked up and a question is sent with plain forms', async ({ browser }) => {
    test.setTimeout(120_000);
    const { caseNo, code } = await walkInCase(browser);
    const context = await browser.newContext({ javaScriptEnabled: false, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto('/status');
    await page.getByLabel('办件编号').fill(caseNo);
    await page.getByLabel('查询密码').fill(code);
    await page.getByRole('button', { name: '查询' }).click();
    await expect(page.locator('.status-result')).toContainText('食品经营许可');
    await expect(page.locator('.status-result')).toContainText('待受理');

    const subject = `没有脚本也能咨询 ${Date.now().toString(36)}`;
    await page.goto(`/consult?item=${ITEM}`);
    await page.locator('#f-subject').fill(subject);
    await page.locator('#f-body').fill('家里的电脑很旧，不能运行脚本。请问食品经营许可要多久？');
    await page.locator('#f-name').fill('王大爷');
    await page.locator('#f-mobile').fill('13912345678');
    await page.getByRole('button', { name: '提交', exact: true }).click();
    await page.waitForURL(/\/talk\/ZX\d+\?code=\d{8}&sent=1/);
    await expect(page.locator('.flash-ok')).toContainText('ZX');
    await expect(page.locator('h1')).toContainText(subject);
    await context.close();
  });
});
