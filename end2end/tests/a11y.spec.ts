import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { SCREENS, waitForHydration } from './helpers';

// WCAG 2.1 A and AA (GB/T 37668-2019 follows it), checked by axe-core on the citizen pages and the
// kiosk, in normal and elderly mode and in each language.
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const ADDR = 'http://' + (process.env.E2E_ADDR ?? '127.0.0.1:3710');

const PAGES = [
  { name: 'home', path: '/', width: 1366, height: 900 },
  { name: 'guide', path: '/guide', width: 1366, height: 900 },
  { name: 'guide-search', path: '/guide?q=sfz', width: 1366, height: 900 },
  { name: 'item', path: '/guide/990100-XK-0013', width: 1366, height: 900 },
  { name: 'status', path: '/status?case_no=99010020260101000001&query_code=00000000', width: 1366, height: 900 },
  { name: 'consult', path: '/consult', width: 1366, height: 900 },
  { name: 'mailbox', path: '/mailbox', width: 1366, height: 900 },
  { name: 'kiosk', path: '/kiosk', width: 1080, height: 1920 },
  { name: 'kiosk-guide', path: '/kiosk/guide?q=SPJY', width: 1080, height: 1920 },
  { name: 'kiosk-status', path: '/kiosk/status', width: 1080, height: 1920 },
  { name: 'kiosk-rate', path: '/kiosk/rate', width: 1080, height: 1920 },
];

for (const [mode, cookies] of [
  ['normal', []],
  ['elderly', [{ name: 'yz_care', value: '1', url: ADDR }]],
  ['english', [{ name: 'yz_lang', value: 'en', url: ADDR }]],
] as const) {
  test(`no WCAG 2.1 A/AA violations: ${mode}`, async ({ browser }) => {
    test.setTimeout(180_000);
    const context = await browser.newContext({ locale: 'zh-CN' });
    await context.addCookies([...cookies]);
    const page = await context.newPage();
    const found: string[] = [];
    for (const p of PAGES) {
      await page.setViewportSize({ width: p.width, height: p.height });
      await page.goto(p.path);
      await waitForHydration(page);
      const result = await new AxeBuilder({ page }).withTags(TAGS).analyze();
      for (const v of result.violations) {
        for (const node of v.nodes) {
          found.push(`${p.path} [${v.id}] ${v.help}: ${node.target.join(' ')} — ${node.failureSummary?.split('\n').slice(1).join(' ')}`);
        }
      }
      if (mode === 'english') {
        await page.screenshot({ path: `${SCREENS}/en-${p.name}.png`, fullPage: !p.name.startsWith('kiosk') });
      }
    }
    expect(found, found.join('\n')).toEqual([]);
    await context.close();
  });
}

test('the citizen site works from the keyboard: skip link, visible focus, search', async ({ page }) => {
  await page.goto('/');
  await waitForHydration(page);
  await page.keyboard.press('Tab');
  const skip = page.locator('.skip-link');
  await expect(skip).toBeFocused();
  const outline = await skip.evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(outline).not.toBe('none');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#main$/);
  // To the site search by keyboard, type, and submit with Enter.
  await page.locator('#site-search').focus();
  await page.keyboard.type('sfz');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/guide\?q=sfz/);
  await expect(page.locator('.item-card').first()).toBeVisible();
});
