import { expect, Page } from '@playwright/test';

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
  await page.getByRole('button', { name: '登录' }).click();
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
