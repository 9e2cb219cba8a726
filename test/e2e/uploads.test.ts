// A refused upload in a real browser: the page lands on the upload's section with the summary in view, and the
// token never shows in the address bar.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expectAccessible, signIn, useBrowserApp } from '../helpers/browser';

jest.setTimeout(120_000);

const e2e = useBrowserApp();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'teachbridge-upload-'));

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

it('when a candidate uploads a file over the limit on a phone, then they land on the documents section with the summary in view, the kind they chose kept, and no token in the address', async () => {
  const big = path.join(dir, 'scan.pdf');
  fs.writeFileSync(big, Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(6 * 1024 * 1024, 0x20)]));
  const page = await (
    await e2e.browser.newContext({ locale: 'zh-CN', viewport: { width: 360, height: 740 } })
  ).newPage();
  await signIn(page, e2e.app.baseUrl, 'candidate@demo.teachbridge.cn');
  await page.goto(`${e2e.app.baseUrl}/me/profile`);
  await page.getByLabel('材料类型').selectOption('certificate');
  await page.getByLabel('选择文件').setInputFiles(big);
  await page.getByRole('button', { name: '上传' }).click();
  await page.waitForLoadState('load');

  expect(new URL(page.url()).hash).toBe('#documents');
  expect(page.url()).not.toContain('_csrf');
  const summary = page.locator('#documents .error-summary');
  expect(await summary.innerText()).toContain('选择文件：文件超过 5 MB');
  const box = (await summary.boundingBox())!;
  expect(box.y).toBeGreaterThanOrEqual(0);
  expect(box.y).toBeLessThan(740);
  expect(await page.getByLabel('材料类型').inputValue()).toBe('certificate');
  await expectAccessible(page);
});
