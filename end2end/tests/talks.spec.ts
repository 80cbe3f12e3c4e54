import { test, expect, Browser, Page } from '@playwright/test';
import { SCREENS, loginAs, waitForHydration, pagesInFourModes, expectNoHorizontalScroll } from './helpers';

// 食品经营许可, answered by 市场监管局 (reviewer1).
const ITEM = '990100-XK-0013';

async function as(browser: Browser, user: string | null, width = 1366, height = 900): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height }, locale: 'zh-CN' });
  const page = await context.newPage();
  if (user) await loginAs(page, user);
  return page;
}

/// The page as it is now, also at phone width (then back to the desktop size).
async function alsoOnPhone(page: Page, name: string) {
  await page.screenshot({ path: `${SCREENS}/${name}-desktop.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await expectNoHorizontalScroll(page);
  await page.screenshot({ path: `${SCREENS}/${name}-phone.png`, fullPage: true });
  await page.setViewportSize({ width: 1366, height: 900 });
}

/// Opens a staff action panel by its name and returns it.
async function panel(page: Page, name: string) {
  const p = page.locator('.action-panel').filter({ has: page.locator(':scope > summary', { hasText: name }) });
  if ((await p.getAttribute('open')) === null) await p.locator(':scope > summary').click();
  await expect(p).toHaveAttribute('open', '');
  return p;
}

async function openTalk(page: Page, channel: string, ref: string) {
  await page.goto(`/staff/talks?channel=${channel}`);
  await waitForHydration(page);
  await page.getByRole('link', { name: ref }).click();
  await page.waitForURL(`**/staff/talks/${ref}`);
  await waitForHydration(page);
}

test('a question is answered, published with the asker’s consent, and shown on the item’s guide page', async ({ browser }) => {
  test.setTimeout(120_000);
  const stamp = Date.now().toString(36);
  const subject = `开面馆要办哪些证 ${stamp}`;
  const citizen = await as(browser, 'citizen1');
  await citizen.goto(`/consult?item=${ITEM}`);
  await waitForHydration(citizen);
  await expect(citizen.locator('#f-item_code')).toHaveValue(ITEM);
  await citizen.locator('#f-subject').fill(subject);
  await citizen.locator('#f-body').fill('我想在人民路开一家面馆，手机13912345678，需要办食品经营许可吗？多久能办好？');
  await citizen.getByRole('button', { name: '提交', exact: true }).click();
  await citizen.waitForURL(/\/talk\/ZX\d+\?code=\d{8}&sent=1/);
  const ref = citizen.url().match(/\/talk\/(ZX\d+)/)![1];
  await expect(citizen.locator('.flash-ok')).toContainText(ref);
  await citizen.screenshot({ path: `${SCREENS}/talk-sent-desktop.png`, fullPage: true });

  // 市场监管局 answers, starting from its template (a click fills the box: hydration works).
  const reviewer = await as(browser, 'reviewer1');
  await openTalk(reviewer, 'consultation', ref);
  const reply = await panel(reviewer, '答复');
  await reply.locator('details.templates summary').click();
  await reply.getByRole('button', { name: '使用此模板' }).first().click();
  await expect(reply.locator('textarea[name="text"]')).toHaveValue(/营业执照/);
  await reply.locator('textarea[name="text"]').fill(`您好！开面馆需办理食品经营许可，承诺 10 个工作日内办结。${stamp}`);
  await alsoOnPhone(reviewer, 'staff-talk');
  await reply.getByRole('button', { name: '确认答复' }).click();
  await expect(reviewer.locator('.flash-ok')).toContainText('已完成“答复”');

  // The asker reads the answer and agrees to publication.
  await citizen.goto(`/talk/${ref}`);
  await waitForHydration(citizen);
  await expect(citizen.locator('.talk-answer')).toContainText('10 个工作日');
  await citizen.getByRole('button', { name: '同意公开' }).click();
  await expect(citizen.locator('.flash-ok')).toBeVisible();
  await expect(citizen.locator('.talk-side')).toContainText('您已同意公开');
  await alsoOnPhone(citizen, 'talk-answered');

  // The department publishes the redacted text.
  await reviewer.goto(`/staff/talks/${ref}`);
  await waitForHydration(reviewer);
  const publish = await panel(reviewer, '公开');
  await expect(publish.locator('textarea[name="public_body"]')).toHaveValue(/139\*\*\*\*5678/);
  await publish.getByRole('button', { name: '确认公开' }).click();
  await expect(reviewer.locator('.flash-ok')).toContainText('已完成“公开”');

  // Anyone finds it in the public list and on the guide page; the mobile number is masked.
  const visitor = await as(browser, null);
  await visitor.goto(`/consult?q=${encodeURIComponent(stamp)}`);
  await waitForHydration(visitor);
  const card = visitor.locator('.qa-card', { hasText: subject });
  await expect(card).toContainText('承诺 10 个工作日内办结');
  await expect(card).not.toContainText('13912345678');
  await visitor.goto(`/guide/${ITEM}`);
  await waitForHydration(visitor);
  await expect(visitor.locator('.guide-qa .qa-card', { hasText: subject })).toBeVisible();
  await visitor.locator('.guide-qa').screenshot({ path: `${SCREENS}/guide-qa-desktop.png` });
});

test('a letter to the mayor is assigned, answered, checked by the office and published', async ({ browser }) => {
  test.setTimeout(120_000);
  const stamp = Date.now().toString(36);
  const subject = `建议周六开放市民服务中心 ${stamp}`;
  const citizen = await as(browser, 'citizen2');
  await citizen.goto('/mailbox');
  await waitForHydration(citizen);
  await citizen.getByRole('radio', { name: /^市长信箱/ }).check();
  await citizen.locator('#f-subject').fill(subject);
  await citizen.locator('#f-body').fill('上班族工作日难以请假，建议周六开放。');
  await citizen.getByLabel(/我同意在隐去个人信息后公开/).check();
  await citizen.getByRole('button', { name: '提交', exact: true }).click();
  await citizen.waitForURL(/\/talk\/XX\d+/);
  const ref = citizen.url().match(/\/talk\/(XX\d+)/)![1];

  const office = await as(browser, 'office1');
  await openTalk(office, 'letter', ref);
  const assign = await panel(office, '交办');
  await assign.getByLabel('交办给 *').selectOption({ label: '示范市市场监督管理局' });
  await assign.getByRole('button', { name: '确认交办' }).click();
  await expect(office.locator('.flash-ok')).toContainText('已完成“交办”');

  const reviewer = await as(browser, 'reviewer1');
  await openTalk(reviewer, 'letter', ref);
  const draft = await panel(reviewer, '拟写答复');
  await draft.locator('textarea[name="text"]').fill(`感谢建议，自下月起周六 9:00—17:00 开放。${stamp}`);
  await draft.getByRole('button', { name: /确认拟写答复/ }).click();
  await expect(reviewer.locator('.case-meta')).toContainText('答复待审核');

  // The writer does not see the draft before the office has checked it.
  await citizen.goto(`/talk/${ref}`);
  await waitForHydration(citizen);
  await expect(citizen.locator('.talk-answer')).toContainText('尚未答复');

  await office.goto(`/staff/talks/${ref}`);
  await waitForHydration(office);
  await expect(office.locator('main')).toContainText('拟答复（待领导办公室审核）');
  await (await panel(office, '审核通过并答复')).getByRole('button', { name: '确认审核通过并答复' }).click();
  await expect(office.locator('.flash-ok')).toContainText('已完成');
  await (await panel(office, '公开')).getByRole('button', { name: '确认公开' }).click();
  await expect(office.locator('.flash-ok')).toContainText('已完成“公开”');
  await office.goto('/staff/talks?channel=letter&queue=done');
  await waitForHydration(office);
  await office.screenshot({ path: `${SCREENS}/staff-talks-desktop.png`, fullPage: true });

  await citizen.goto(`/talk/${ref}`);
  await expect(citizen.locator('.talk-answer')).toContainText('周六 9:00—17:00');
  const visitor = await as(browser, null);
  await visitor.goto('/mailbox?mailbox=mayor');
  await waitForHydration(visitor);
  await expect(visitor.locator('.qa-card', { hasText: subject })).toContainText('周六 9:00—17:00');
  const mayor = visitor.locator('.mailbox-card').filter({ has: visitor.locator('h3', { hasText: /^市长信箱$/ }) });
  await expect(mayor.locator('.mailbox-figures dd').nth(1)).not.toHaveText('0');
  await visitor.screenshot({ path: `${SCREENS}/mailbox-published-desktop.png`, fullPage: true });
});

pagesInFourModes('conversation channel pages', [
  { name: 'consult', path: '/consult', user: null },
  { name: 'mailbox', path: '/mailbox', user: null },
  { name: 'petition', path: '/petition', user: 'citizen1' },
  { name: 'staff-talks', path: '/staff/talks?channel=consultation&queue=done', user: 'reviewer1' },
]);

test('hostile input: markup, 100,000 characters and 20 attachments are refused with messages and nothing typed is lost', async ({ browser }) => {
  test.setTimeout(120_000);
  const page = await as(browser, 'citizen1');
  let dialogs = 0;
  page.on('dialog', async (d) => {
    dialogs += 1;
    await d.dismiss();
  });
  const stamp = Date.now().toString(36);
  const subject = `<script>alert('x')</script><img src=x onerror=alert(1)> ${stamp}`;
  await page.goto('/mailbox?to=mayor');
  await waitForHydration(page);
  await page.locator('#f-subject').fill(subject);
  await page.locator('#f-body').fill('长'.repeat(100_000));
  const pdfs = Array.from({ length: 20 }, (_, i) => ({
    name: `第${i + 1}页.pdf`,
    mimeType: 'application/pdf',
    buffer: Buffer.from(`%PDF-1.4\n% page ${i}\n%%EOF\n`),
  }));
  await page.setInputFiles('#f-attachments', pdfs);
  await page.getByRole('button', { name: '提交', exact: true }).click();
  await page.waitForURL(/\/mailbox\?kept=1/);
  await waitForHydration(page);
  await expect(page.locator('.talk-form .notice')).toContainText('都已保留');
  await expect(page.locator('#f-body').locator('..')).toContainText('不能超过 5000 字（现在 100000 字）');
  await expect(page.locator('#f-body')).toHaveValue('长'.repeat(100_000));
  await expect(page.locator('#e-attachments')).toContainText('最多 5 个附件');
  await expect(page.locator('.kept-files li')).toHaveCount(5);
  await expect(page.locator('#f-subject')).toHaveValue(subject);
  await page.screenshot({ path: `${SCREENS}/mailbox-kept-desktop.png`, fullPage: true });
  // Shortened and sent: the five kept files go with it, the markup stays text.
  await page.locator('#f-body').fill('请延长周末开放时间。');
  await page.getByRole('button', { name: '提交', exact: true }).click();
  await page.waitForURL(/\/talk\/XX\d+/);
  await waitForHydration(page);
  await expect(page.locator('h1')).toHaveText(subject);
  await expect(page.locator('.kept-files li')).toHaveCount(5);
  expect(dialogs).toBe(0);
});
