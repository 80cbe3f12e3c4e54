import { test, expect, Page } from '@playwright/test';
import { createHmac } from 'node:crypto';
import { DEMO_PASSWORD, SCREENS, waitForHydration, expectNoHorizontalScroll } from './helpers';

// The demo security administrator's authenticator key (app/src/backend/demo.rs): public, like the
// demo password, and only in the demo.
const DEMO_TOTP_SECRET = 'YIZHANDEMOSECADMINTWOFACTORAAAAA';

function base32(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of text) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const bytes = bits.match(/.{8}/g)!.map((b) => parseInt(b, 2));
  return Buffer.from(bytes);
}

/// The six digits an authenticator app holding `secret` shows now (RFC 6238, SHA-1, 30 s).
function totp(secret: string, at = Date.now()): string {
  const step = Buffer.alloc(8);
  step.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const h = createHmac('sha1', base32(secret)).update(step).digest();
  const o = h[h.length - 1] & 0x0f;
  const n = ((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
  return String(n % 1_000_000).padStart(6, '0');
}

async function passwordStep(page: Page) {
  await page.goto('/login');
  await waitForHydration(page);
  await page.getByLabel('用户名').fill('secadmin1');
  await page.getByLabel('密码').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.waitForURL(/\/login\/verify$/);
  await expect(page.getByRole('heading', { name: '动态验证码' })).toBeVisible();
}

test('a staff member with an authenticator gives its code after the password', async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 900 });
  await passwordStep(page);
  await waitForHydration(page);
  await expect(page.getByText('吴安全')).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/login-verify-desktop.png`, fullPage: true });

  // A wrong code is refused in words, and the page stays.
  const right = totp(DEMO_TOTP_SECRET);
  await page.getByLabel('动态验证码或恢复码').fill(right === '000000' ? '111111' : '000000');
  await page.getByRole('button', { name: '验证并登录' }).click();
  await expect(page.getByRole('alert')).toContainText('动态验证码不正确');
  await page.screenshot({ path: `${SCREENS}/login-verify-wrong.png`, fullPage: true });

  await page.getByLabel('动态验证码或恢复码').fill(totp(DEMO_TOTP_SECRET));
  await page.getByRole('button', { name: '验证并登录' }).click();
  // The security administrator lands on their own section (administrators handle no cases).
  await page.waitForURL((url) => url.pathname === '/admin/security');

  // 账号安全: who has an authenticator, who is locked; actions are the administrator's.
  await waitForHydration(page);
  await expect(page.getByRole('heading', { name: '账号安全' })).toBeVisible();
  // Their menu holds their own section only: no case desk.
  const menu = page.locator('.staff-nav');
  await expect(menu.getByRole('link')).toHaveText(['账号与安全']);
  await expect(page.locator('.staff-brand')).toHaveAttribute('href', '/admin/security');
  const own = page.getByRole('row').filter({ hasText: 'secadmin1' });
  await expect(own).toContainText('已绑定');
  await expect(page.getByRole('row').filter({ hasText: 'clerk1' })).toContainText('未绑定');
  await page.screenshot({ path: `${SCREENS}/admin-security-desktop.png`, fullPage: true });
  // Resetting one's own authenticator is refused with the reason.
  await own.getByRole('button', { name: '重置验证器' }).click();
  await expect(page.getByRole('alert')).toContainText('不能重置自己的验证器');
  await expect(own).toContainText('已绑定');
});

test('the code step on a phone and in elderly mode', async ({ browser }) => {
  for (const mode of [
    { name: 'phone', width: 390, height: 844, care: false },
    { name: 'elderly', width: 1280, height: 900, care: true },
  ]) {
    const context = await browser.newContext({ viewport: { width: mode.width, height: mode.height }, locale: 'zh-CN' });
    if (mode.care) {
      await context.addCookies([{ name: 'yz_care', value: '1', url: 'http://' + (process.env.E2E_ADDR ?? '127.0.0.1:3710') }]);
    }
    const page = await context.newPage();
    await passwordStep(page);
    await expectNoHorizontalScroll(page);
    await page.screenshot({ path: `${SCREENS}/login-verify-${mode.name}.png`, fullPage: true });
    await context.close();
  }
});

test('without the password step the code page sends the visitor back to log in', async ({ page }) => {
  await page.goto('/login/verify');
  await expect(page.getByRole('alert')).toContainText('登录验证已超时');
  await page.getByRole('link', { name: '重新输入用户名和密码' }).first().click();
  await page.waitForURL(/\/login$/);
});
