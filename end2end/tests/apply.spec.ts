import { test, expect, Page } from '@playwright/test';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SCREENS, loginAs, waitForHydration, expectNoHorizontalScroll, pagesInFourModes, ModePage } from './helpers';

// 离退休提取住房公积金: two required materials (the ID card and the retirement certificate).
const ITEM = '990100-GG-0072';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n');
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

async function openForm(page: Page) {
  await page.goto(`/apply/${ITEM}`);
  await waitForHydration(page);
  await expect(page.locator('h1')).toHaveText('离退休提取住房公积金');
}

test('citizen1 applies with two files and finds the case at /status in a fresh browser', async ({ page, browser }) => {
  await page.setViewportSize({ width: 1366, height: 900 });
  await loginAs(page, 'citizen1');
  await openForm(page);
  // Prefilled from the profile.
  await expect(page.locator('#f-name')).toHaveValue('张晓明');
  await expect(page.locator('#f-id_number')).toHaveValue('990102198005121236');
  await page.locator('#f-address').fill('示范市人民路 8 号');
  await page.locator('#f-request').fill('本人已于今年 9 月退休，申请提取住房公积金账户余额。');
  await page.setInputFiles('input[name="file.m1"]', { name: '身份证.pdf', mimeType: 'application/pdf', buffer: PDF });
  await page.setInputFiles('input[name="file.m2"]', { name: '退休证.png', mimeType: 'image/png', buffer: PNG });
  await page.screenshot({ path: `${SCREENS}/apply-journey-form-desktop.png`, fullPage: true });
  await page.getByRole('button', { name: '下一步：核对信息' }).click();
  await page.waitForURL(/\/apply\/990100-GG-0072\/review$/);
  await waitForHydration(page);
  await expect(page.locator('.review-materials')).toContainText('身份证.pdf');
  await expect(page.locator('.review-materials')).toContainText('退休证.png');
  await page.screenshot({ path: `${SCREENS}/apply-review-desktop.png`, fullPage: true });
  await page.getByRole('button', { name: '确认提交' }).click();
  await page.waitForURL(/\/my\/\d{20}\?submitted=1$/);
  await waitForHydration(page);
  const caseNo = (await page.getByTestId('case-no').textContent())!.trim();
  const queryCode = (await page.getByTestId('query-code').textContent())!.trim();
  expect(caseNo).toMatch(/^990100\d{14}$/);
  expect(queryCode).toMatch(/^\d{8}$/);
  await expect(page.locator('.state-badge').first()).toHaveText('待受理');
  await page.screenshot({ path: `${SCREENS}/apply-submitted-desktop.png`, fullPage: true });
  // The receipt downloads as a PDF.
  const receipt = await page.request.get(`/my/${caseNo}/receipt.pdf`);
  expect(receipt.status()).toBe(200);
  expect(receipt.headers()['content-type']).toBe('application/pdf');
  // /my lists it.
  await page.goto('/my');
  await expect(page.locator('.case-card', { hasText: caseNo })).toBeVisible();

  // Someone else, in a fresh browser, without logging in: the status page finds it.
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, locale: 'zh-CN' });
  const other = await context.newPage();
  await other.goto('/status');
  await waitForHydration(other);
  await other.getByLabel('办件编号').fill(caseNo);
  await other.getByLabel('查询密码').fill(queryCode);
  await other.getByRole('button', { name: '查询' }).click();
  await expect(other.locator('.status-result')).toContainText('离退休提取住房公积金');
  await expect(other.locator('.status-result')).toContainText('受理期限');
  await expect(other.locator('.status-result')).not.toContainText('张晓明');
  await expectNoHorizontalScroll(other);
  await other.screenshot({ path: `${SCREENS}/status-found-phone.png`, fullPage: true });
  // A wrong code says only that the pair is wrong.
  await other.goto(`/status?case_no=${caseNo}&query_code=00000000`);
  await expect(other.locator('.form-error')).toHaveText('办件编号或查询密码不正确，请核对后重试。');

  // The window clerk asks for a clearer scan (through the API until the back office exists)…
  const clerk = other.request;
  expect((await clerk.post('/api/v1/session', { data: { username: 'clerk1', password: 'Yizhan@2026' } })).status()).toBe(200);
  const version = (await (await page.request.get(`/api/v1/applications/${caseNo}`)).json()).version;
  const asked = await clerk.post(`/api/v1/applications/${caseNo}/actions`, {
    data: { action: 'request_supplement', version, reason: '退休证明扫描件不清晰，请重新上传清晰的彩色扫描件。' },
  });
  expect(asked.status(), await asked.text()).toBe(200);
  await context.close();
  // …and the applicant sees what to do, uploads it and resubmits.
  await page.goto(`/my/${caseNo}`);
  await waitForHydration(page);
  await expect(page.locator('.supplement-notice')).toHaveText('退休证明扫描件不清晰，请重新上传清晰的彩色扫描件。');
  await page.setInputFiles('#s-m2', { name: '退休证-清晰.pdf', mimeType: 'application/pdf', buffer: PDF });
  await page.screenshot({ path: `${SCREENS}/case-supplement-desktop.png`, fullPage: true });
  await page.getByRole('button', { name: '上传并重新提交' }).click();
  await page.waitForURL(/resubmitted=1/);
  await expect(page.locator('.state-badge').first()).toHaveText('待受理');
  await expect(page.locator('.review-materials')).toContainText('退休证-清晰.pdf');
  await page.goto('/messages');
  await expect(page.locator('.message').first()).toContainText('补正材料已提交');
  await page.screenshot({ path: `${SCREENS}/messages-after-supplement-desktop.png`, fullPage: true });
});

test('bad input gets a Chinese message at each field and the draft keeps everything', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await loginAs(page, 'citizen2');
  await openForm(page);
  let dialogs = 0;
  page.on('dialog', async (d) => { dialogs += 1; await d.dismiss(); });
  const long = '长'.repeat(10_000);
  const script = '<script>alert(1)</script>';
  await page.locator('#f-name').fill('');
  await page.locator('#f-address').fill(script);
  await page.locator('#f-request').fill(long);
  await page.setInputFiles('input[name="file.m1"]', {
    name: '身份证.pdf', mimeType: 'application/pdf', buffer: Buffer.from('MZ\x90\x00 a program, not a scan'),
  });
  // 50 MB: more than Playwright passes as a buffer, so from a file.
  const big = path.join(os.tmpdir(), `yizhan-50mb-${process.pid}.pdf`);
  fs.writeFileSync(big, Buffer.concat([PDF, Buffer.alloc(50 * 1024 * 1024, 0x20)]));
  await page.setInputFiles('input[name="file.m2"]', big);
  await page.getByRole('button', { name: '下一步：核对信息' }).click();
  // The files went by XMLHttpRequest with a progress bar: the page reloads at the save's time.
  await expect(page.locator('.upload-progress')).toBeVisible();
  await page.waitForURL(/\/apply\/990100-GG-0072\?saved=\d{8,}/);
  await waitForHydration(page);
  fs.unlinkSync(big);
  const summary = page.locator('.problem-summary');
  await expect(summary).toBeVisible();
  await expect(page.locator('#e-name')).toHaveText('请填写申请人姓名');
  await expect(page.locator('#e-address')).toContainText('网页代码');
  await expect(page.locator('#e-request')).toContainText('不能超过 2000 个字');
  await expect(page.locator('#me-m1')).toContainText('不是 PDF');
  await expect(page.locator('#me-m2')).toContainText('50.0 MB');
  // Everything typed is still there, as typed; nothing ran.
  await expect(page.locator('#f-address')).toHaveValue(script);
  expect((await page.locator('#f-request').inputValue()).length).toBe(10_000);
  await expect(page.locator('#f-id_number')).toHaveValue('990102195503082424');
  expect(dialogs).toBe(0);
  await expectNoHorizontalScroll(page);
  await page.screenshot({ path: `${SCREENS}/apply-problems-phone.png`, fullPage: true });
  // Submitting straight away is refused: back to the form.
  await page.goto(`/apply/${ITEM}/review`);
  await page.waitForURL(/\/apply\/990100-GG-0072\?incomplete=1/);
});

test.describe('application pages in four modes', () => {
  const pages: ModePage[] = [
    { name: 'register', path: '/register', user: null },
    { name: 'status', path: '/status', user: null },
    { name: 'apply-form', path: `/apply/${ITEM}`, user: 'company1' },
    { name: 'my', path: '/my', user: 'company1' },
    { name: 'messages', path: '/messages', user: 'company1' },
  ];
  pagesInFourModes('application pages fit', pages);
});

test('a new citizen registers, is signed in, and sees each problem at its field first', async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.goto('/register');
  await waitForHydration(page);
  await page.getByLabel('身份证号（法人注册填经办人的）').fill('990102198005121237');
  await page.getByLabel('用户名').fill('x');
  await page.getByRole('button', { name: '注册并登录' }).click();
  await expect(page.locator('#rg-id_number-error')).toContainText('校验位');
  await expect(page.locator('#rg-username-error')).toContainText('3 至 64');
  await expect(page.locator('#rg-password-error')).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/register-problems-desktop.png`, fullPage: true });
  await page.getByLabel('姓名（法人注册填经办人姓名）').fill('陈新民');
  await page.getByLabel('身份证号（法人注册填经办人的）').fill('990102199001013574');
  await page.getByLabel('手机号码').fill('13900000009');
  await page.getByLabel('用户名').fill(`chenxm${Date.now() % 100000}`);
  await page.getByLabel('密码', { exact: true }).fill('Lanhua#2026');
  await page.getByLabel('再次输入密码').fill('Lanhua#2026');
  await page.getByLabel('我已阅读并同意《用户服务协议》和《隐私政策》').check();
  await page.getByRole('button', { name: '注册并登录' }).click();
  await page.waitForURL(/\/my/);
  await expect(page.locator('h1')).toHaveText('我的办事');
});

test('an administrator edits the application form as data; bad JSON is refused with the place', async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 900 });
  await loginAs(page, 'admin1');
  await page.goto('/admin/items/990100-QR-0067/form');
  await waitForHydration(page);
  const editor = page.locator('#definition-json');
  await expect(editor).toContainText('"fields"');
  await page.screenshot({ path: `${SCREENS}/admin-apply-form-desktop.png`, fullPage: true });
  await editor.fill('{"fields": [');
  await page.getByRole('button', { name: '检查并保存' }).click();
  await expect(page.locator('.form-error')).toContainText('不是有效的 JSON');
  await editor.fill(JSON.stringify({
    fields: [
      { key: 'name', label: '申请人姓名', kind: 'text', required: true, prefill: 'name' },
      { key: 'disease', label: '申请认定的病种', kind: 'select', required: true, options: ['高血压', '糖尿病', '慢性肾病'] },
    ],
    materials: [{ code: 'm1', required: true }, { code: 'm2', required: false }],
  }, null, 2));
  await page.getByRole('button', { name: '检查并保存' }).click();
  await expect(page.locator('.flash-ok')).toContainText('已保存为第 1 版');
  await expect(page.locator('.form-editor-preview')).toContainText('申请认定的病种');
});
