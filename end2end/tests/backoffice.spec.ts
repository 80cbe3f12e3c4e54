import { test, expect, Browser, Page } from '@playwright/test';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SCREENS, MODES, loginAs, waitForHydration, expectNoHorizontalScroll, pagesInFourModes, ModePage } from './helpers';

// 食品经营许可 (市场监管局): 审查 by reviewer1, 批准 by approver1; four required materials.
const ITEM = '990100-XK-0013';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n');
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

async function as(browser: Browser, user: string, width = 1366, height = 900): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height }, locale: 'zh-CN' });
  const page = await context.newPage();
  await loginAs(page, user);
  return page;
}

async function openCase(page: Page, caseNo: string) {
  await page.goto(`/staff/cases/${caseNo}`);
  await waitForHydration(page);
  await expect(page.locator('.case-head')).toContainText(caseNo);
}

/// Opens the action by its shortcut digit, as a clerk at the keyboard does.
async function openAction(page: Page, name: string) {
  const panel = page.locator('.action-panel').filter({
    has: page.locator('summary', { hasText: new RegExp(`^\\d?\\s*${name}$`) }),
  });
  await waitForHydration(page);
  const key = await panel.getAttribute('data-key');
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press(key!);
  await expect(panel).toHaveAttribute('open', '');
  return panel;
}

test('a walk-in case goes from the counter through supplement, review and grant to a verified certificate', async ({ browser }) => {
  // A whole case by five people: about 100 s on an idle machine; one CI run, slower, ran out of
  // 180 s at the last steps.
  test.setTimeout(360_000);
  // 窗口收件 by clerk1 at the hall, for citizen1 who has an account.
  const clerk = await as(browser, 'clerk1');
  await clerk.goto('/staff/intake?q=spjy');
  await waitForHydration(clerk);
  await clerk.getByRole('link', { name: /食品经营许可/ }).click();
  await clerk.waitForURL(`**/staff/intake/${ITEM}`);
  await waitForHydration(clerk);
  await clerk.getByLabel('申请人证件号码（身份证号或统一社会信用代码）').fill('990102198005121236');
  await clerk.getByRole('button', { name: '查询账号' }).click();
  await expect(clerk.locator('.flash-ok')).toContainText('张晓明');
  await expect(clerk.locator('#f-name')).toHaveValue('张晓明');
  await clerk.locator('#f-request').fill('在人民路 8 号开设便利店，申请食品经营许可。');
  await clerk.setInputFiles('input[name="file.m1"]', { name: '申请书.pdf', mimeType: 'application/pdf', buffer: PDF });
  await clerk.setInputFiles('input[name="file.m2"]', { name: '营业执照.png', mimeType: 'image/png', buffer: PNG });
  await clerk.screenshot({ path: `${SCREENS}/intake-form-desktop.png`, fullPage: true });
  await clerk.getByRole('button', { name: '收件并生成回执' }).click();
  await clerk.waitForURL(/\/staff\/cases\/\d{20}\?done=intake$/);
  await waitForHydration(clerk);
  const caseNo = clerk.url().match(/cases\/(\d{20})/)![1];
  await expect(clerk.locator('.flash-ok')).toContainText('已收件');
  await expect(clerk.locator('.case-head')).toContainText('待受理');
  // The receipt prints from the documents list.
  const receipt = await clerk.request.get(`/staff/cases/${caseNo}/documents/receipt.pdf`);
  expect(receipt.status()).toBe(200);
  expect(receipt.headers()['content-type']).toBe('application/pdf');

  // The counter tablet: the person rates the service with one large button.
  const rateHref = await clerk.getByRole('link', { name: '评价页' }).getAttribute('href');
  const tablet = await (await browser.newContext({ viewport: { width: 1080, height: 1920 }, hasTouch: true, locale: 'zh-CN' })).newPage();
  await tablet.goto(rateHref!);
  await waitForHydration(tablet);
  await tablet.screenshot({ path: `${SCREENS}/counter-rate-kiosk.png`, fullPage: true });
  await tablet.getByRole('button', { name: '非常满意' }).tap();
  await expect(tablet.locator('.rate-done')).toContainText('谢谢您的评价');

  // The queue: the case is waiting, with its badge; `/` goes to the search box.
  await clerk.goto('/staff');
  await waitForHydration(clerk);
  await expect(clerk.locator('.queue-table')).toContainText(caseNo);
  await clerk.keyboard.press('/');
  await expect(clerk.locator('#queue-search')).toBeFocused();
  await clerk.locator('#queue-search').fill('990102198005121236');
  await clerk.keyboard.press('Enter');
  await clerk.waitForURL(/q=990102198005121236/);
  // citizen1's cases only (other tests may have made more), this one among them.
  await expect(clerk.locator('.queue-table')).toContainText(caseNo);
  for (const row of await clerk.locator('.queue-table tbody tr').all()) {
    await expect(row).toContainText('张晓明');
  }
  await clerk.screenshot({ path: `${SCREENS}/staff-queue-search-desktop.png`, fullPage: true });
  // By its number: one row.
  await clerk.locator('#queue-search').fill(caseNo);
  await clerk.keyboard.press('Enter');
  await clerk.waitForURL(new RegExp(`q=${caseNo}`));
  await waitForHydration(clerk);
  await expect(clerk.locator('.queue-table tbody tr')).toHaveCount(1);
  // j moves to the row, Enter opens it.
  await clerk.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await clerk.keyboard.press('j');
  await expect(clerk.locator('.queue-link').first()).toBeFocused();
  await clerk.keyboard.press('Enter');
  await clerk.waitForURL(`**/staff/cases/${caseNo}`);
  // A client-side navigation: the body was hydrated already, so wait for the case itself (its
  // keys are the case page's once it is there).
  await expect(clerk.locator('.case-head')).toContainText(caseNo);

  // 一次性告知补正: the two missing materials ticked, one notice listing both.
  const supplement = await openAction(clerk, '一次性告知补正');
  await supplement.getByLabel('与食品经营相适应的主要设备设施、经营布局、操作流程等文件').check();
  await supplement.getByLabel(/保证食品安全的规章制度目录/).check();
  await supplement.getByLabel('需要补正的具体内容').fill('布局图须标明各功能区面积。');
  await clerk.screenshot({ path: `${SCREENS}/staff-case-desktop.png`, fullPage: true });
  await supplement.getByRole('button', { name: '确认一次性告知补正' }).click();
  await clerk.waitForURL(/done=request_supplement/);
  await expect(clerk.locator('.case-head')).toContainText('待补正');
  const notice = await clerk.request.get(`/staff/cases/${caseNo}/documents/supplement.pdf`);
  expect(notice.status()).toBe(200);

  // citizen1 sees the notice online, downloads it, uploads the two materials and resubmits.
  const citizen = await as(browser, 'citizen1');
  await citizen.goto(`/my/${caseNo}`);
  await waitForHydration(citizen);
  await expect(citizen.locator('.supplement-notice')).toContainText('主要设备设施');
  await expect(citizen.getByRole('link', { name: '补正材料告知书 (PDF)' })).toBeVisible();
  await citizen.setInputFiles('#s-m3', { name: '布局图.pdf', mimeType: 'application/pdf', buffer: PDF });
  await citizen.setInputFiles('#s-m4', { name: '制度目录.pdf', mimeType: 'application/pdf', buffer: PDF });
  await citizen.getByRole('button', { name: '上传并重新提交' }).click();
  await citizen.waitForURL(/resubmitted=1/);
  await expect(citizen.locator('.state-badge').first()).toHaveText('待受理');

  // A second clerk tab still showing the old version is refused with a clear message.
  const stale = await clerk.context().newPage();
  await openCase(stale, caseNo);
  // clerk1 accepts in the first tab.
  await openCase(clerk, caseNo);
  const accept = await openAction(clerk, '受理');
  await accept.getByRole('button', { name: '确认受理' }).click();
  await clerk.waitForURL(/done=accept/);
  await expect(clerk.locator('.case-head')).toContainText('审查中');
  // The stale tab's page was drawn at the resubmission: its actions are refused with 409's words.
  const old = stale.locator('.action-panel').filter({ has: stale.locator('summary', { hasText: /^\d?\s*不予受理$/ }) });
  await old.locator('summary').click();
  await old.getByLabel('不予受理的理由').fill('测试');
  await old.getByRole('button', { name: '确认不予受理' }).click();
  await stale.waitForURL(/error=/);
  await expect(stale.locator('.form-error')).toContainText('已被他人处理');
  await expect(stale.locator('.case-head')).toContainText('审查中');

  // approver1, head of 市场监管局, gives the case to reviewer1.
  const approver = await as(browser, 'approver1');
  await openCase(approver, caseNo);
  await approver.getByPlaceholder('分派给（用户名）').fill('reviewer1');
  await approver.getByRole('button', { name: '分派', exact: true }).click();
  await approver.waitForURL(/done=assign/);
  await expect(approver.locator('.case-claim')).toContainText('赵承办');

  // reviewer1 of 市场监管局 reviews; approver1 grants and concludes.
  const reviewer = await as(browser, 'reviewer1');
  await reviewer.goto('/staff/review');
  await waitForHydration(reviewer);
  await expect(reviewer.locator('.queue-table')).toContainText(caseNo);
  await openCase(reviewer, caseNo);
  const step = await openAction(reviewer, '完成本环节');
  await step.getByLabel('审查意见').fill('材料齐全，经营场所符合要求，建议准予许可。');
  await step.getByRole('button', { name: '确认完成本环节' }).click();
  await reviewer.waitForURL(/done=complete_step/);

  await approver.goto('/staff/approve');
  await waitForHydration(approver);
  await expect(approver.locator('.queue-table')).toContainText(caseNo);
  await openCase(approver, caseNo);
  const grant = await openAction(approver, '准予许可');
  await grant.getByLabel('法律依据').fill('《食品经营许可和备案管理办法》第二十一条');
  await grant.getByRole('button', { name: '确认准予许可' }).click();
  await approver.waitForURL(/done=grant/);
  const conclude = await openAction(approver, '办结');
  await conclude.getByRole('button', { name: '确认办结' }).click();
  await approver.waitForURL(/done=conclude/);
  await expect(approver.locator('.case-head')).toContainText('已办结');
  await approver.screenshot({ path: `${SCREENS}/staff-case-concluded-desktop.png`, fullPage: true });

  // The certificate's QR code leads to /verify/{code}: read the address printed under the code.
  const pdf = await approver.request.get(`/staff/cases/${caseNo}/documents/certificate.pdf`);
  expect(pdf.status()).toBe(200);
  const file = path.join(os.tmpdir(), `yizhan-cert-${process.pid}.pdf`);
  fs.writeFileSync(file, await pdf.body());
  const text = execFileSync('pdftotext', ['-layout', file, '-']).toString();
  fs.unlinkSync(file);
  expect(text).toContain('食品经营许可证');
  const url = text.match(/https?:\/\/\S+\/verify\/[A-Z0-9]{20}/)![0];
  const visitor = await (await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, locale: 'zh-CN' })).newPage();
  await visitor.goto(url);
  await waitForHydration(visitor);
  await expect(visitor.locator('.verdict-valid')).toContainText('证照有效');
  await expect(visitor.locator('.verdict-valid')).toContainText('张*明');
  await expect(visitor.locator('.verdict-valid')).not.toContainText('张晓明');
  await expectNoHorizontalScroll(visitor);
  await visitor.screenshot({ path: `${SCREENS}/verify-valid-phone.png`, fullPage: true });
  // An altered code is invalid.
  await visitor.goto(url.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')));
  await expect(visitor.locator('.verdict-invalid')).toBeVisible();
  // Revoked by the approver: the same address now says so.
  await openCase(approver, caseNo);
  await approver.locator('summary', { hasText: '注销证照' }).click();
  await approver.getByLabel('注销理由 *').fill('经营者申请注销');
  await approver.getByRole('button', { name: '确认注销' }).click();
  await approver.waitForURL(/done=revoke/);
  await visitor.goto(url);
  await expect(visitor.locator('.verdict-revoked')).toContainText('经营者申请注销');
  await visitor.screenshot({ path: `${SCREENS}/verify-revoked-phone.png`, fullPage: true });

  // The applicant has every notice and the certificate online.
  await citizen.goto(`/my/${caseNo}`);
  await waitForHydration(citizen);
  for (const name of ['补正材料告知书', '受理通知书', '行政许可决定书', '电子证照']) {
    await expect(citizen.getByRole('link', { name: `${name} (PDF)` })).toBeVisible();
  }
  await expect(citizen.getByRole('link', { name: '下载申请回执（PDF）' })).toBeVisible();
  await citizen.screenshot({ path: `${SCREENS}/my-case-documents-desktop.png`, fullPage: true });

  // The case page in the four ways it is seen.
  for (const mode of MODES) {
    const context = await browser.newContext({ viewport: { width: mode.width, height: mode.height }, hasTouch: mode.touch, locale: 'zh-CN' });
    if (mode.care) {
      await context.addCookies([{ name: 'yz_care', value: '1', url: 'http://' + (process.env.E2E_ADDR ?? '127.0.0.1:3710') }]);
    }
    const page = await context.newPage();
    await loginAs(page, 'clerk1');
    await openCase(page, caseNo);
    await page.screenshot({ path: `${SCREENS}/staff-case-${mode.name}.png`, fullPage: true });
    const wide = await page.evaluate(() => [...document.querySelectorAll('body *')]
      .filter((e) => !e.closest('.table-scroll') && e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
      .slice(0, 5).map((e) => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`));
    expect(wide, mode.name).toEqual([]);
    await expectNoHorizontalScroll(page);
    await context.close();
  }
});

test.describe('back office pages in four modes', () => {
  const pages: ModePage[] = [
    { name: 'staff-queue', path: '/staff', user: 'clerk1' },
    { name: 'staff-intake', path: '/staff/intake', user: 'clerk1' },
    { name: 'staff-intake-form', path: `/staff/intake/${ITEM}`, user: 'clerk1' },
    { name: 'verify-invalid', path: '/verify/NOSUCHCODE', user: null },
  ];
  pagesInFourModes('back office pages fit', pages);
});

test('another department cannot open the case page and intake needs the clerk role', async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 900 });
  await loginAs(page, 'reviewer1');
  await page.goto('/staff/intake');
  await waitForHydration(page);
  await expect(page.locator('.staff-forbidden')).toBeVisible();
});
