// A new visitor's first minutes, in a real browser against the app started as `npm start` starts it.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import {
  checkWeight,
  expectAccessible,
  expectPageWeight,
  pageWeight,
  seriousViolations,
  WEIGHT_BUDGET,
  type PageWeight,
  type WeightRequest,
  useBrowserApp,
} from '../helpers/browser';

jest.setTimeout(120_000);

const e2e = useBrowserApp();
let page: Page;
const visited: string[] = [];

beforeAll(async () => {
  page = await (await e2e.browser.newContext({ locale: 'zh-CN', viewport: { width: 360, height: 740 } })).newPage();
});

/** Every page the journey reaches must have no serious or critical accessibility violations and keep to the weight budget. */
async function checkPage() {
  visited.push(new URL(page.url()).pathname);
  await expectAccessible(page);
}

it('a candidate registers, verifies the email from the local mailbox, signs in and switches to English', async () => {
  await page.goto(`${e2e.app.baseUrl}/`);
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
  const probe = await e2e.browser.newPage();
  await probe.setContent('<html lang="en"><body><main><img src="data:,"><button></button></main></body></html>');
  const ids = (await seriousViolations(probe)).map((v) => v.id);
  expect(ids).toEqual(expect.arrayContaining(['image-alt', 'button-name']));
  await probe.close();
});

it('the weight check records the document and its stylesheet as transferred, and starts again on each page', async () => {
  const probe = await e2e.browser.newPage({ locale: 'zh-CN' });
  await probe.goto(`${e2e.app.baseUrl}/jobs`);
  const weight = await pageWeight(probe);
  const html = await (await fetch(`${e2e.app.baseUrl}/jobs`)).text();
  const document = weight.requests.find((r) => r.type === 'Document');
  const stylesheet = weight.requests.find((r) => r.type === 'Stylesheet');
  expect(document).toMatchObject({ method: 'GET', url: `${e2e.app.baseUrl}/jobs`, status: 200, fromCache: false });
  expect(stylesheet).toMatchObject({ url: `${e2e.app.baseUrl}/public/css/app.css`, status: 200 });
  // Headers and a body that compression can only make smaller than the page's own bytes.
  expect(document!.bytes).toBeGreaterThan(1000);
  expect(document!.bytes).toBeLessThan(Buffer.byteLength(html) + 2000);
  expect(document!.decodedBytes).toBeGreaterThan(Buffer.byteLength(html) / 2);
  expect(stylesheet!.bytes).toBeGreaterThan(1000);
  expect(weight.bytes).toBe(weight.requests.reduce((sum, r) => sum + r.bytes, 0));
  expect(weight.blockingScripts).toEqual([]);

  // A form's post, its redirect and the page it leads to form the record of that page, and only they do.
  await probe.goto(`${e2e.app.baseUrl}/password/forgot`);
  await probe.getByLabel('电子邮箱').fill('nobody@example.cn');
  await probe.getByRole('button', { name: '发送重置链接' }).click();
  await probe.waitForURL('**/password/forgot/sent');
  const after = await pageWeight(probe);
  expect(after.url).toBe(`${e2e.app.baseUrl}/password/forgot/sent`);
  const hops = after.requests.filter((r) => r.type === 'Document');
  expect(hops.map((r) => `${r.method} ${new URL(r.url).pathname} ${r.status}`)).toEqual([
    'POST /password/forgot 303',
    'GET /password/forgot/sent 200',
  ]);
  expect(hops.every((r) => r.bytes > 100)).toBe(true);
  expect(after.requests.map((r) => new URL(r.url).pathname)).toEqual([
    '/password/forgot',
    '/password/forgot/sent',
    '/public/css/app.css',
  ]);
  await probe.close();
});

it('the weight check fails a page over budget, naming the page, its bytes and its requests', async () => {
  // A page of incompressible text, seven images and a script in <head>, from a server of its own.
  const noise = randomBytes(48 * 1024).toString('base64');
  const server = http.createServer((req, res) => {
    if (req.url === '/heavy') {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      const images = [1, 2, 3, 4, 5, 6, 7].map((i) => `<img src="/dot-${i}.svg" alt="">`).join('');
      res.end(`<!doctype html><html lang="en"><head><title>heavy</title><link rel="icon" href="data:,"><script src="/app.js"></script></head>
        <body><main><h1>Heavy</h1>${images}<p>${noise}</p></main></body></html>`);
    } else if (req.url === '/app.js') {
      res.setHeader('content-type', 'text/javascript');
      res.end('void 0;');
    } else {
      res.setHeader('content-type', 'image/svg+xml');
      res.end('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const probe = await e2e.browser.newPage();
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/heavy`;
    await probe.goto(url);
    const weight = await pageWeight(probe);
    expect(weight.requests).toHaveLength(9);
    expect(weight.bytes).toBeGreaterThan(noise.length);
    expect(weight.blockingScripts).toEqual([expect.stringContaining('/app.js in <head>')]);
    expect(checkWeight(weight)).toEqual([
      expect.stringContaining(`${weight.bytes} bytes transferred`),
      '9 requests (budget 6)',
      expect.stringContaining('render-blocking script'),
    ]);
    const failure = await expectPageWeight(probe).catch((e: Error) => e.message);
    expect(failure).toContain(url);
    expect(failure).toContain(`${weight.bytes} bytes`);
    expect(failure).toContain('/dot-7.svg');
  } finally {
    await probe.close();
    await new Promise((r) => server.close(r));
  }
});

it('the weight budget holds at its limits and not a byte or a request beyond', () => {
  const requests = (n: number, bytes: number): WeightRequest[] =>
    Array.from({ length: n }, (_, i) => ({
      method: 'GET',
      url: `http://example.test/${i}`,
      type: i === 0 ? 'Document' : 'Image',
      status: 200,
      bytes,
      decodedBytes: bytes,
      encoding: '',
      fromCache: false,
      finished: true,
    }));
  const weight = (list: WeightRequest[], blockingScripts: string[] = []): PageWeight => ({
    url: 'http://example.test/',
    contentType: 'text/html',
    bytes: list.reduce((sum, r) => sum + r.bytes, 0),
    requests: list,
    blockingScripts,
  });
  expect(checkWeight(weight(requests(6, WEIGHT_BUDGET.bytes / 6)))).toEqual([]);
  expect(checkWeight(weight([...requests(5, 10_000), ...requests(1, 11_441)]))).toEqual([
    '61441 bytes transferred (budget 61440)',
  ]);
  expect(checkWeight(weight(requests(7, 100)))).toEqual(['7 requests (budget 6)']);
  expect(checkWeight(weight(requests(1, 100), ['http://example.test/a.js in <head>']))).toEqual([
    'render-blocking script http://example.test/a.js in <head>',
  ]);
});
