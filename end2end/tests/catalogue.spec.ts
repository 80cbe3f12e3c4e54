import { test, expect } from '@playwright/test';
import { SCREENS, loginAs, waitForHydration, expectNoHorizontalScroll, pagesInFourModes, ModePage } from './helpers';
import * as fs from 'fs';

test.describe('办事指南 and 表格下载', () => {
  test('a citizen finds ID card renewal by typing sfz, reads its guide and downloads its form', async ({ page }) => {
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.goto('/');
    await waitForHydration(page);
    await page.locator('#hero-search').fill('sfz');
    await page.locator('#hero-search').press('Enter');
    await expect(page).toHaveURL(/\/guide\?q=sfz$/);
    const first = page.locator('.item-card').first();
    await expect(first.getByRole('heading')).toHaveText('居民身份证换领');
    await page.screenshot({ path: `${SCREENS}/guide-search-sfz.png`, fullPage: true });

    await first.getByRole('link', { name: '居民身份证换领' }).click();
    await expect(page).toHaveURL(/\/guide\/990100-QR-0001$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('居民身份证换领');
    for (const section of ['受理条件', '申请材料', '办理流程', '办理地点与咨询', '收费', '办理结果', '设定依据']) {
      await expect(page.getByRole('heading', { level: 2, name: section })).toBeVisible();
    }
    await expect(page.locator('.guide-version')).toContainText('第 1 版');
    await page.screenshot({ path: `${SCREENS}/guide-detail-desktop.png`, fullPage: true });

    const downloadPromise = page.waitForEvent('download');
    await page.locator('.material-forms a', { hasText: '居民身份证申领登记表' }).first().click();
    const download = await downloadPromise;
    expect(download.suggestedFilename()).toBe('居民身份证申领登记表.pdf');
    const path = await download.path();
    expect(fs.readFileSync(path!).subarray(0, 5).toString()).toBe('%PDF-');

    const pdfPromise = page.waitForEvent('download');
    await page.getByRole('link', { name: '下载 PDF' }).click();
    const pdf = await pdfPromise;
    expect(pdf.suggestedFilename()).toBe('990100-QR-0001-办事指南.pdf');
  });

  test('browsing by audience and topic narrows the list, and filters come off again', async ({ page }) => {
    await page.goto('/guide');
    await waitForHydration(page);
    await page.locator('.guide-filters').getByRole('link', { name: '法人服务' }).click();
    await expect(page).toHaveURL(/audience=company/);
    await page.locator('.guide-filters').getByRole('link', { name: '开办企业' }).click();
    await expect(page).toHaveURL(/topic=startup/);
    await expect(page.locator('.item-card h3', { hasText: '企业设立登记' })).toBeVisible();
    await page.locator('.active-filters a', { hasText: '开办企业' }).click();
    await expect(page).not.toHaveURL(/topic=/);
  });

  test('a hostile search is shown back as text, and an unknown code gets a friendly 404', async ({ page }) => {
    await page.goto('/guide?q=' + encodeURIComponent('<img src=x onerror=alert(1)>'));
    await expect(page.locator('.empty-result h2')).toHaveText('没有找到相关事项');
    await expect(page.locator('.active-filters')).toContainText('<img src=x onerror=alert(1)>');
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    const response = await page.goto('/guide/NO-SUCH-ITEM');
    expect(response?.status()).toBe(404);
    await expect(page.locator('.unknown-item')).toContainText('NO-SUCH-ITEM');
    await page.locator('#unknown-q').fill('营业执照');
    await page.locator('#unknown-q').press('Enter');
    await expect(page.locator('.item-card h3', { hasText: '企业设立登记' })).toBeVisible();
  });

  test('search, guide and forms work without JavaScript', async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto('/guide');
    await page.locator('#guide-q').fill('社保卡');
    await page.locator('#guide-q').press('Enter');
    await expect(page.locator('.item-card h3').first()).toContainText('社会保障卡');
    await page.goto('/forms');
    await page.locator('select[name="department"]').selectOption('gaj');
    await page.getByRole('button', { name: '搜索' }).last().click();
    await expect(page).toHaveURL(/department=gaj/);
    await expect(page.locator('.forms-department')).toHaveText(['示范市公安局']);
    await context.close();
  });

  test('an administrator edits a guide and the public page shows the new version', async ({ page }) => {
    await page.setViewportSize({ width: 1366, height: 900 });
    await loginAs(page, 'admin1');
    await page.goto('/admin/items?q=' + encodeURIComponent('食品经营许可'));
    await page.getByRole('link', { name: '食品经营许可' }).first().click();
    await waitForHydration(page);
    const promised = page.locator('input[name="form[promised_limit]"]');
    const before = Number(await promised.inputValue());
    await promised.fill(String(before - 1));
    await page.locator('input[name="form[note]"]').fill('压缩承诺时限');
    await page.getByRole('button', { name: '保存', exact: true }).click();
    await expect(page.locator('.flash-ok')).toContainText('已保存为第 2 版（承诺办结时限）');
    await page.screenshot({ path: `${SCREENS}/admin-item-saved.png`, fullPage: true });
    // Saving again from the same page works: the form now starts from version 2.
    await promised.fill(String(before - 2));
    await page.getByRole('button', { name: '保存', exact: true }).click();
    await expect(page.locator('.flash-ok')).toContainText('已保存为第 3 版');
    const url = page.url();
    const code = url.substring(url.lastIndexOf('/') + 1);
    await page.goto(`/guide/${code}`);
    await expect(page.locator('.guide-version')).toContainText('第 3 版');
    await expect(page.locator('.fact-strong dd')).toHaveText(`${before - 2} 个工作日`);
  });
});

test('an administrator creates an item, uploads its blank form, and citizens find both', async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 900 });
  await loginAs(page, 'admin1');
  await page.goto('/admin/items');
  await waitForHydration(page);
  await page.getByRole('link', { name: '新建事项' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('新建事项');
  await waitForHydration(page);
  await page.locator('input[name="form[code]"]').fill('990100-GG-0901');
  await page.locator('input[name="form[name]"]').fill('老年人优待证办理');
  await page.locator('select[name="form[department]"]').selectOption('mzj');
  await page.locator('select[name="form[item_type]"]').selectOption('public_service');
  await page.locator('select[name="form[audience]"]').selectOption('person');
  await page.locator('input[name="form[keywords]"]').fill('老年证、优待证');
  await page.locator('textarea[name="form[legal_basis]"]').fill('《中华人民共和国老年人权益保障法》');
  await page.locator('textarea[name="form[conditions]"]').fill('年满 60 周岁的示范市户籍居民');
  await page.locator('input[name="form[materials][0][name]"]').fill('老年人优待证申请表');
  await page.locator('input[name="form[location]"]').fill('示范市市民服务中心一楼 民政窗口');
  await page.locator('input[name="form[consult_phone]"]').fill('0000-2345678');
  await page.locator('input[name="form[result_name]"]').fill('示范市老年人优待证');
  await page.getByRole('button', { name: '保存', exact: true }).click();
  await expect(page).toHaveURL(/\/admin\/items\/990100-GG-0901$/);
  await expect(page.locator('.admin-head h1')).toHaveText('编辑：老年人优待证办理');

  // Upload its blank form: a PDF, linked to material m1.
  await page.locator('.upload-form select[name="kind"]').selectOption('blank');
  await page.locator('.upload-form select[name="material_code"]').selectOption('m1');
  await page.locator('.upload-form input[name="title"]').fill('老年人优待证申请表');
  await page.locator('.upload-form input[name="file"]').setInputFiles({
    name: 'form.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n'),
  });
  await page.getByRole('button', { name: '上传' }).click();
  await expect(page.locator('.flash-ok')).toContainText('已上传《老年人优待证申请表》');
  // A file that is not a form is refused with the reason, and nothing else changes.
  await page.locator('.upload-form input[name="title"]').fill('不是表格');
  await page.locator('.upload-form input[name="file"]').setInputFiles({
    name: 'evil.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.from('<script>alert(1)</script>'),
  });
  await page.getByRole('button', { name: '上传' }).click();
  await expect(page.getByRole('alert')).toContainText('只能上传 PDF');
  await page.screenshot({ path: `${SCREENS}/admin-item-created.png`, fullPage: true });

  await page.goto('/guide?q=lnr');
  await expect(page.locator('.item-card h3', { hasText: '老年人优待证办理' })).toBeVisible();
  await page.goto('/guide/990100-GG-0901');
  await expect(page.locator('.material-forms a', { hasText: '老年人优待证申请表' })).toBeVisible();
});

test.describe('catalogue pages in four modes', () => {
  const pages: ModePage[] = [
    { name: 'catalogue', path: '/guide', user: null },
    { name: 'catalogue-company', path: '/guide?audience=company', user: null },
    { name: 'guide-detail', path: '/guide/990100-QR-0001', user: null },
    { name: 'forms', path: '/forms', user: null },
    { name: 'admin-items', path: '/admin/items', user: 'admin1' },
    { name: 'admin-editor', path: '/admin/items/990100-QR-0001', user: 'admin1' },
  ];
  pagesInFourModes('catalogue pages fit', pages);
});
