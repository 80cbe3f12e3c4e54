import { expect, Browser, Page, test } from '@playwright/test';

export const DEMO_PASSWORD = process.env.YIZHAN_DEMO_PASSWORD ?? 'Yizhan@2026';

/// Screenshots land in test-results/screens (kept by CI as the record of what the pages looked like).
export const SCREENS = 'test-results/screens';

/// The app marks `<body data-hydrated>` from an effect, which runs only once the page has hydrated.
export async function waitForHydration(page: Page) {
  await page.waitForSelector('body[data-hydrated="true"]', { state: 'attached', timeout: 30_000 });
}

export async function login(page: Page, username: string, password = DEMO_PASSWORD) {
  await page.goto('/login');
  await waitForHydration(page);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录', exact: true }).click();
}

/// Logs in and waits until the browser has left the login page.
export async function loginAs(page: Page, username: string) {
  await login(page, username);
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

export async function expectNoHorizontalScroll(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(1);
}

/// The four ways the citizen pages are seen: desktop, phone, the kiosk's portrait touch screen, and
/// 关怀模式 (elderly mode).
export const MODES = [
  { name: 'desktop', width: 1366, height: 900, care: false, touch: false },
  { name: 'phone', width: 390, height: 844, care: false, touch: true },
  { name: 'kiosk', width: 1080, height: 1920, care: false, touch: true },
  { name: 'elderly', width: 1280, height: 900, care: true, touch: false },
];

export type ModePage = { name: string; path: string; user: string | null };

/// One test per mode: each page answers 200, hydrates, has no horizontal scroll, and is
/// photographed as `{page}-{mode}.png`.
export function pagesInFourModes(title: string, pages: ModePage[]) {
  for (const mode of MODES) {
    test(`${title}: ${mode.name}`, async ({ browser }: { browser: Browser }) => {
      const context = await browser.newContext({
        viewport: { width: mode.width, height: mode.height },
        hasTouch: mode.touch,
        locale: 'zh-CN',
      });
      if (mode.care) {
        await context.addCookies([{ name: 'yz_care', value: '1', url: 'http://' + (process.env.E2E_ADDR ?? '127.0.0.1:3710') }]);
      }
      const page = await context.newPage();
      let signedIn: string | null = null;
      for (const p of pages) {
        if (p.user && p.user !== signedIn) {
          await loginAs(page, p.user);
          signedIn = p.user;
        }
        const response = await page.goto(p.path);
        expect(response?.status(), p.path).toBe(200);
        await waitForHydration(page);
        if (mode.care) await expect(page.locator('body')).toHaveClass(/\bcare\b/);
        await expectNoHorizontalScroll(page);
        await page.screenshot({ path: `${SCREENS}/${p.name}-${mode.name}.png`, fullPage: true });
      }
      await context.close();
    });
  }
}
