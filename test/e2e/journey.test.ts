// A new visitor's first minutes, in a real browser against the app started as `npm start` starts it.
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, seriousViolations, startLocalApp, type RunningApp } from '../helpers/browser';

jest.setTimeout(120_000);

let app: RunningApp;
let browser: Browser;
let page: Page;
const visited: string[] = [];

beforeAll(async () => {
  app = await startLocalApp();
  browser = await launchBrowser();
  page = await (await browser.newContext({ locale: 'zh-CN', viewport: { width: 360, height: 740 } })).newPage();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

/** Every page the journey reaches must have no serious or critical accessibility violations. */
async function checkPage() {
  visited.push(new URL(page.url()).pathname);
  const violations = await seriousViolations(page);
  expect({ page: page.url(), violations }).toEqual({ page: page.url(), violations: [] });
}

it('a candidate registers, verifies the email from the local mailbox, signs in and switches to English', async () => {
  await page.goto(`${app.baseUrl}/`);
  expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
  expect(await page.locator('h1').innerText()).toContain('让好老师来到河北的每一所学校');
  await checkPage();

  await page.getByRole('link', { name: '注册', exact: true }).click();
  await page.waitForURL('**/register');
  await checkPage();
  // First a mistake: the form comes back with the error and the name kept.
  await page.getByLabel('姓名').fill('李明');
  await page.getByLabel('电子邮箱').fill('liming@example.cn');
  await page.getByRole('textbox', { name: '密码', exact: true }).fill('short');
  await page.getByLabel('再次输入密码').fill('short');
  await page.getByRole('button', { name: '注册' }).click();
  expect(await page.locator('.error-summary').innerText()).toContain('密码至少需要 10 个字符');
  expect(await page.getByLabel('姓名').inputValue()).toBe('李明');
  await checkPage();

  await page.getByRole('textbox', { name: '密码', exact: true }).fill('京津冀 good teachers 2026');
  await page.getByLabel('再次输入密码').fill('京津冀 good teachers 2026');
  await page.getByLabel(/我已阅读并同意/).check();
  await page.getByRole('button', { name: '注册' }).click();
  await page.waitForURL('**/register/sent');
  await checkPage();

  // The worker delivers to the local mailbox within a moment.
  await page.getByRole('link', { name: '打开本地邮箱' }).click();
  let subject = page.getByRole('link', { name: /请验证您的邮箱/ });
  for (let i = 0; i < 20 && (await subject.count()) === 0; i += 1) {
    await page.waitForTimeout(250);
    await page.reload();
    subject = page.getByRole('link', { name: /请验证您的邮箱/ });
  }
  await checkPage();
  await subject.first().click();
  expect(await page.locator('.mail-body').innerText()).toContain('李明');
  await checkPage();

  await page.locator('.mail-body a[href*="/verify-email/"]').click();
  await page.waitForURL('**/login');
  expect(await page.locator('.flash').innerText()).toContain('邮箱验证成功');
  await checkPage();

  await page.getByLabel('电子邮箱').fill('liming@example.cn');
  await page.getByRole('textbox', { name: '密码', exact: true }).fill('京津冀 good teachers 2026');
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL('**/account');
  expect(await page.locator('main').innerText()).toContain('liming@example.cn');
  await checkPage();

  await page.getByRole('link', { name: 'English' }).click();
  await page.waitForURL('**/account?lang=en');
  expect(await page.getAttribute('html', 'lang')).toBe('en');
  expect(await page.locator('h1').innerText()).toBe('My account');
  await checkPage();

  // The choice sticks on the next page.
  await page.getByRole('link', { name: 'TeachBridge' }).first().click();
  expect(await page.getAttribute('html', 'lang')).toBe('en');
  await checkPage();
  expect(visited.length).toBeGreaterThanOrEqual(9);
});

it('the accessibility check itself finds a serious violation when there is one', async () => {
  const probe = await browser.newPage();
  await probe.setContent('<html lang="en"><body><main><img src="data:,"><button></button></main></body></html>');
  const ids = (await seriousViolations(probe)).map((v) => v.id);
  expect(ids).toEqual(expect.arrayContaining(['image-alt', 'button-name']));
  await probe.close();
});
