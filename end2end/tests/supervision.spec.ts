import { expect, test, Browser, Page } from '@playwright/test';
import { SCREENS, loginAs, waitForHydration, pagesInFourModes, expectNoHorizontalScroll } from './helpers';

// serve.sh loads 3,000 demo cases over the past year (`seed --demo --applications 3000`).

async function as(browser: Browser, user: string, width = 1920, height = 1080): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height }, locale: 'zh-CN' });
  const page = await context.newPage();
  await loginAs(page, user);
  return page;
}

test('a supervisor reads the dashboard, drills into late cases and exports the table', async ({ browser }) => {
  const page = await as(browser, 'supervisor1');
  await page.goto('/supervision?preset=12m');
  await waitForHydration(page);
  // The headline figures, the three charts and the department table, on one 1920×1080 screen.
  await expect(page.getByRole('heading', { name: '电子监察' })).toBeVisible();
  const tiles = page.locator('.sv-tile');
  await expect(tiles).toHaveCount(10);
  await expect(tiles.first()).toContainText('收件');
  // The 3,000 demo cases, and any other tests have made today.
  const received = Number(await page.locator('.sv-tile').filter({ hasText: '收件' }).first().locator('.sv-tile-value').innerText());
  expect(received).toBeGreaterThanOrEqual(3000);
  await expect(page.locator('.sv-chart svg')).toHaveCount(3);
  await expect(page.locator('.sv-table tbody tr').first()).toContainText('全市');
  await expect(page.locator('.sv-tiles')).toBeInViewport();
  await expect(page.locator('.sv-charts')).toBeInViewport();
  await page.screenshot({ path: `${SCREENS}/supervision-1920.png` });
  await page.screenshot({ path: `${SCREENS}/supervision-1920-full.png`, fullPage: true });

  // Another period, by the preset links (a full page load, no script needed).
  await page.getByRole('link', { name: '本季度' }).click();
  await page.waitForURL(/preset=quarter/);
  await waitForHydration(page);
  await expect(page.getByRole('link', { name: '本季度' })).toHaveAttribute('aria-current', 'true');

  // The cases behind 超期办结 in the region's row.
  await page.goto('/supervision?preset=12m');
  await waitForHydration(page);
  const lateCell = page.locator('.sv-table tbody tr').first().locator('td').nth(6);
  const late = Number(await lateCell.innerText());
  expect(late).toBeGreaterThan(0);
  await lateCell.locator('a').click();
  await page.waitForURL(/measure=late/);
  await waitForHydration(page);
  await expect(page.getByRole('heading', { name: /全市 · 超期办结/ })).toBeVisible();
  await expect(page.locator('.sv-head')).toContainText(`共 ${late} 件`);
  await page.screenshot({ path: `${SCREENS}/supervision-drill-1920.png` });

  // The export of the department table.
  await page.goto('/supervision?preset=12m');
  await waitForHydration(page);
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: '导出 Excel' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/\.xlsx$/);
});

test('a red card is explained by the department and closed by the supervisor', async ({ browser }) => {
  const supervisor = await as(browser, 'supervisor1');
  // An open card of 市场监管局 (its head approver1 answers) or else of 公安局 (clerk2): the demo
  // cases are spread over departments by chance, and these two have demo staff.
  let staffUser = 'approver1';
  await supervisor.goto('/supervision/cards?department=scjg');
  await waitForHydration(supervisor);
  if ((await supervisor.locator('.sv-card').count()) === 0) {
    staffUser = 'clerk2';
    await supervisor.goto('/supervision/cards?department=gaj');
    await waitForHydration(supervisor);
  }
  const first = supervisor.locator('.sv-card').first();
  await expect(first).toBeVisible();
  const caseNo = await first.locator('.sv-card-head a.mono').innerText();
  // The supervisor escalates it with a 督办 instruction.
  await first.getByLabel('审核或督办意见').fill('请三个工作日内办结并报告');
  await first.getByRole('button', { name: '升级督办' }).click();
  await supervisor.waitForURL(/done=/);
  await expect(supervisor.locator('.flash-ok')).toContainText('已升级督办');
  await supervisor.screenshot({ path: `${SCREENS}/supervision-cards-1920.png` });

  // Only the card's department explains.
  const staff = await as(browser, staffUser, 1366, 900);
  await staff.goto('/staff/oversight?status=escalated');
  await waitForHydration(staff);
  const card = staff.locator('.sv-card').filter({ hasText: caseNo });
  await card.getByLabel('情况说明').fill('现场核查已完成，明日作出决定');
  await card.getByRole('button', { name: '说明情况' }).click();
  await staff.waitForURL(/done=/);
  await expect(staff.locator('.flash-ok')).toContainText('说明已提交');
  await staff.screenshot({ path: `${SCREENS}/oversight-1366.png`, fullPage: true });

  await supervisor.goto('/supervision/cards?status=explained');
  await waitForHydration(supervisor);
  const explained = supervisor.locator('.sv-card').filter({ hasText: caseNo });
  await expect(explained).toContainText('现场核查已完成');
  await explained.getByRole('button', { name: '审核销号' }).click();
  await supervisor.waitForURL(/done=/);
  await supervisor.goto('/supervision/cards?status=closed');
  await expect(supervisor.locator('.sv-card').filter({ hasText: caseNo })).toContainText('已销号');
});

test('the audit log shows the chain check and filters by person', async ({ browser }) => {
  const page = await as(browser, 'auditor1', 1366, 900);
  await page.goto('/admin/audit?action=auth.');
  await waitForHydration(page);
  await page.getByRole('button', { name: '校验哈希链' }).click();
  await page.waitForURL(/verify=1/);
  await expect(page.locator('.sv-chain-ok')).toContainText('哈希链校验通过');
  await expect(page.locator('.sv-table tbody tr').first()).toContainText('auth.login');
  await page.screenshot({ path: `${SCREENS}/audit-log-1366.png` });
});

test('the kiosk rates a case by its number and query code', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 1080, height: 1920 }, hasTouch: true, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto('/kiosk/rate');
  await waitForHydration(page);
  await page.getByLabel('办件编号或信件编号').fill('990100202601019999');
  await page.getByLabel('查询密码').fill('123456');
  await page.getByRole('button', { name: '开始评价' }).click();
  await expect(page.getByRole('alert')).toContainText('编号或查询密码不正确');
  await expectNoHorizontalScroll(page);
  await page.screenshot({ path: `${SCREENS}/kiosk-rate-lookup.png` });
});

pagesInFourModes('supervision pages', [
  { name: 'supervision', path: '/supervision?preset=12m', user: 'supervisor1' },
  { name: 'supervision-ratings', path: '/supervision/ratings?preset=12m&filter=bad', user: 'supervisor1' },
  { name: 'supervision-league', path: '/supervision/league', user: 'supervisor1' },
  { name: 'oversight', path: '/staff/oversight?tab=ratings', user: 'approver1' },
  { name: 'kiosk-rate', path: '/kiosk/rate', user: null },
]);
