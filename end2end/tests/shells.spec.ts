import { test, expect } from '@playwright/test';
import { DEMO_PASSWORD, SCREENS, login, loginAs, waitForHydration, expectNoHorizontalScroll } from './helpers';

test.describe('citizen portal', () => {
  test('home page renders completely without JavaScript', async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto('/');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('一网通办，让群众少跑腿');
    for (const name of ['办事指南', '表格下载', '网上咨询', '网上申请', '办件查询', '网上信访', '领导信箱']) {
      await expect(page.locator('.channel-grid').getByRole('link', { name: new RegExp(name) })).toBeVisible();
    }
    // Header and footer come from the site settings, already in the HTML.
    await expect(page.locator('.brand-name')).toHaveText('示范市一站式网上办事大厅');
    await expect(page.locator('.site-footer')).toContainText('监督投诉电话');
    await expect(page.locator('.site-footer')).toContainText('示ICP备00000000号');
    await context.close();
  });

  test('home page loads, hydrates and looks right on desktop and phone', async ({ page }) => {
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.goto('/');
    await waitForHydration(page);
    await expect(page).toHaveTitle(/一站式网上办事大厅/);
    await page.screenshot({ path: `${SCREENS}/home-desktop.png`, fullPage: true });

    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await waitForHydration(page);
    await expectNoHorizontalScroll(page);
    await page.screenshot({ path: `${SCREENS}/home-phone.png`, fullPage: true });
  });

  test('elderly mode switches in place after hydration and survives a reload', async ({ page }) => {
    await page.goto('/');
    await waitForHydration(page);
    // A marker on window disappears if the click navigates instead of running client code.
    await page.evaluate(() => ((window as any).__marker = 'same-page'));
    const toggle = page.getByRole('button', { name: '关怀模式' });
    await toggle.click();
    await expect(page.locator('body')).toHaveClass(/\bcare\b/);
    await expect(page.getByRole('button', { name: '退出关怀模式' })).toBeVisible();
    expect(await page.evaluate(() => (window as any).__marker)).toBe('same-page');
    const size = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
    expect(size).toBeGreaterThanOrEqual(20);
    await page.screenshot({ path: `${SCREENS}/home-elderly.png`, fullPage: true });

    await page.reload();
    await expect(page.locator('body')).toHaveClass(/\bcare\b/);
    await waitForHydration(page);
    await page.getByRole('button', { name: '退出关怀模式' }).click();
    await expect(page.locator('body')).not.toHaveClass(/\bcare\b/);
  });

  test('elderly mode works as a plain link without JavaScript', async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto('/guide');
    await page.getByRole('button', { name: '关怀模式' }).click();
    await expect(page).toHaveURL(/\/guide$/);
    await expect(page.locator('body')).toHaveClass(/\bcare\b/);
    await context.close();
  });

  test('the language switch translates the page in place', async ({ page }) => {
    await page.goto('/');
    await waitForHydration(page);
    await page.getByRole('link', { name: 'EN', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Government services, online in one place');
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await page.getByRole('link', { name: '繁', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('一網通辦，讓群眾少跑腿');
    // Remembered for the next page load.
    await page.goto('/guide');
    await expect(page.locator('.page-banner h1')).toHaveText('辦事指南');
    await page.getByRole('link', { name: '简', exact: true }).click();
    await expect(page.locator('.page-banner h1')).toHaveText('办事指南');
  });

  test('each channel not built yet has a page that says what is coming', async ({ page }) => {
    const response = await page.goto('/apply');
    expect(response?.status()).toBe(200);
    await expect(page.locator('.page-banner h1')).toHaveText('网上申请');
    await expect(page.locator('.coming-soon')).toContainText('即将');
    await expect(page.locator('.channels a[href="/apply"]')).toHaveAttribute('aria-current', 'page');
    // The conversation channels are built: each its own page with a form, marked in the navigation.
    for (const [path, name] of [['/consult', '网上咨询'], ['/petition', '网上信访'], ['/mailbox', '领导信箱']]) {
      await page.goto(path);
      await expect(page.locator('.page-banner h1')).toHaveText(name);
      await expect(page.locator('#write')).toBeVisible();
      await expect(page.locator(`.channels a[href="${path}"]`)).toHaveAttribute('aria-current', 'page');
    }
    // 办件查询 is built: its own page, marked in the navigation.
    await page.goto('/status');
    await expect(page.locator('.page-banner h1')).toHaveText('办件查询');
    await expect(page.locator('.channels a[href="/status"]')).toHaveAttribute('aria-current', 'page');
  });

  test('an unknown address answers 404 with a way home', async ({ page }) => {
    const response = await page.goto('/no-such-page');
    expect(response?.status()).toBe(404);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('页面不存在');
    await expect(page.getByRole('link', { name: '返回首页' })).toBeVisible();
  });
});

test.describe('staff back office', () => {
  test('a visitor is sent to log in first', async ({ page }) => {
    await page.goto('/staff');
    await expect(page).toHaveURL(/\/login\?next=%2Fstaff|\/login\?next=\/staff/);
  });

  test('clerk1 logs in and reaches the staff desk with the clerk menu only', async ({ page }) => {
    await page.setViewportSize({ width: 1366, height: 800 });
    await login(page, 'clerk1');
    await expect(page).toHaveURL(/\/staff$/);
    await expect(page.locator('.staff-user-name')).toHaveText('王窗口');
    const menu = page.locator('.staff-nav');
    await expect(menu.getByRole('link', { name: '窗口收件与受理' })).toBeVisible();
    await expect(menu.getByRole('link', { name: '电子监察' })).toHaveCount(0);
    await expect(menu.getByRole('link', { name: '系统管理' })).toHaveCount(0);
    await page.screenshot({ path: `${SCREENS}/staff-desk.png`, fullPage: true });

    // The server refuses a section the role does not hold, whatever the menu shows.
    await page.goto('/supervision');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('无权访问');

    await page.goto('/staff');
    await waitForHydration(page);
    await page.getByRole('button', { name: '退出登录' }).click();
    await expect(page).toHaveURL(/\/$/);
    await page.goto('/staff');
    await expect(page).toHaveURL(/\/login/);
  });

  test('a wrong password is refused with a clear message', async ({ page }) => {
    await login(page, 'reviewer1', 'Wrong@Password1');
    await expect(page.getByRole('alert')).toHaveText('用户名或密码错误');
    await expect(page).toHaveURL(/\/login/);
  });

  test('a citizen logs in to their own space and may not open the staff desk', async ({ page }) => {
    await login(page, 'citizen1');
    await expect(page).toHaveURL(/\/my$/);
    await expect(page.locator('.welcome')).toContainText('张晓明');
    await page.goto('/staff');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('无权访问');
  });
});

test.describe('kiosk', () => {
  test('the kiosk start screen fits a 1080×1920 portrait touch screen', async ({ browser }) => {
    const context = await browser.newContext({
      viewport: { width: 1080, height: 1920 },
      hasTouch: true,
      isMobile: false,
      locale: 'zh-CN',
    });
    const page = await context.newPage();
    await page.goto('/kiosk');
    await waitForHydration(page);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('自助服务终端');
    const tiles = page.locator('.kiosk-tile');
    await expect(tiles).toHaveCount(4);
    // Every touch target is at least 64 px in both directions.
    const targets = page.locator('.kiosk a, .kiosk button');
    for (let i = 0; i < (await targets.count()); i++) {
      const box = await targets.nth(i).boundingBox();
      expect(box, `target ${i}`).not.toBeNull();
      expect(box!.width).toBeGreaterThanOrEqual(64);
      expect(box!.height).toBeGreaterThanOrEqual(64);
    }
    await expectNoHorizontalScroll(page);
    await page.screenshot({ path: `${SCREENS}/kiosk-portrait.png` });
    await tiles.first().tap();
    await expect(page).toHaveURL(/\/kiosk\/guide$/);
    await page.getByRole('link', { name: '返回首页' }).first().tap();
    await expect(page).toHaveURL(/\/kiosk$/);
    await page.setViewportSize({ width: 1920, height: 1080 });
    await expectNoHorizontalScroll(page);
    await page.screenshot({ path: `${SCREENS}/kiosk-landscape.png` });
    await context.close();
  });
});

test.describe('without JavaScript', () => {
  test('login works as a plain form, and a wrong password is explained', async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto('/login?next=/staff');
    await page.getByLabel('用户名').fill('clerk1');
    await page.getByLabel('密码').fill('Wrong#Pass1');
    await page.getByRole('button', { name: '登录' }).click();
    await expect(page).toHaveURL(/\/login\?error=bad_credentials/);
    await expect(page.getByRole('alert')).toHaveText('用户名或密码错误');

    await page.getByLabel('用户名').fill('clerk1');
    await page.getByLabel('密码').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await expect(page).toHaveURL(/\/staff$/);
    await expect(page.locator('.staff-user-name')).toHaveText('王窗口');
    await context.close();
  });
});

test.describe('every shell in four modes', () => {
  const modes = [
    { name: 'desktop', width: 1366, height: 900, care: false },
    { name: 'phone', width: 390, height: 844, care: false },
    { name: 'kiosk', width: 1080, height: 1920, care: false },
    { name: 'elderly', width: 1280, height: 900, care: true },
  ];
  const pages = [
    { name: 'guide', path: '/guide', user: null },
    { name: 'login', path: '/login', user: null },
    { name: 'kiosk', path: '/kiosk', user: null },
    { name: 'staff', path: '/staff', user: 'approver1' },
  ];
  for (const mode of modes) {
    test(`pages fit without sideways scrolling: ${mode.name}`, async ({ browser }) => {
      const context = await browser.newContext({
        viewport: { width: mode.width, height: mode.height },
        hasTouch: mode.name !== 'desktop',
        locale: 'zh-CN',
      });
      if (mode.care) {
        await context.addCookies([{ name: 'yz_care', value: '1', url: 'http://' + (process.env.E2E_ADDR ?? '127.0.0.1:3710') }]);
      }
      const page = await context.newPage();
      for (const p of pages) {
        if (p.user) await loginAs(page, p.user);
        await page.goto(p.path);
        await waitForHydration(page);
        if (mode.care) await expect(page.locator('body')).toHaveClass(/\bcare\b/);
        await expectNoHorizontalScroll(page);
        await expect(page).toHaveURL(new RegExp(p.path + '$'));
        await page.screenshot({ path: `${SCREENS}/${p.name}-${mode.name}.png`, fullPage: true });
      }
      await context.close();
    });
  }
});
