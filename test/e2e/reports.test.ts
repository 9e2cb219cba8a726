// The regional coordinator reads the demo's reports: opens the dashboard from the menu, narrows it to one city,
// downloads a chart's data as CSV, and the page fits A4 when printed.
import fs from 'node:fs/promises';
import { expectAccessible, signIn, useBrowserApp } from '../helpers/browser';

jest.setTimeout(150_000);

const today = () => new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);

const e2e = useBrowserApp();

it('a coordinator opens the dashboard, filters to one city and downloads its shortage figures', async () => {
  const context = await e2e.browser.newContext({ locale: 'zh-CN', acceptDownloads: true });
  const page = await context.newPage();
  await signIn(page, e2e.app.baseUrl, 'coordinator@demo.teachbridge.cn');
  await page.getByRole('link', { name: '数据报表', exact: true }).click();
  expect(await page.locator('h1').innerText()).toBe('数据报表');
  await expectAccessible(page);

  // Every section has its charts, each an image with a name, and the shortage map shows several cities.
  const charts = page.locator('figure.report-chart svg[role="img"]');
  expect(await charts.count()).toBeGreaterThanOrEqual(13);
  const cities = await page.locator('#chart-shortage table tbody th').allTextContents();
  expect(new Set(cities).size).toBeGreaterThan(3);
  // The data table is collapsed until asked for.
  const table = page.locator('#chart-shortage details');
  expect(await table.getAttribute('open')).toBeNull();
  await table.locator('summary').click();
  expect(await table.getAttribute('open')).toBe('');

  // Narrow to Zhangjiakou: the address carries the filter and the map's rows become its counties.
  await page.getByLabel('地市').selectOption({ label: '张家口市' });
  await page.getByRole('button', { name: '筛选', exact: true }).click();
  await page.waitForURL(/unit=1307/);
  expect(await page.locator('#s-shortage').innerText()).toContain('张家口市');
  const counties = await page.locator('#chart-shortage table tbody th').allTextContents();
  expect(counties).toContain('张北县');
  expect(counties.some((c) => c.endsWith('市') && c !== '张家口市')).toBe(false);
  await expectAccessible(page);

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page
      .locator('#chart-shortage')
      .getByRole('link', { name: /下载 CSV/ })
      .click(),
  ]);
  // Named after the chart, in the reader's language, and dated.
  expect(download.suggestedFilename()).toBe(
    '缺口热力图：未补人数（地区 × 学科）-2026-11-29.csv'.replace('2026-11-29', today()),
  );
  const csv = await fs.readFile((await download.path())!);
  expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 BOM, for Excel
  const rows = csv.toString('utf8').slice(1).trim().split('\r\n');
  expect(rows[0]).toBe('县（市、区）,学科,紧缺学科,岗位数,招聘人数,签约人数,未补人数');
  // The CSV holds the table's rows, in the same order.
  expect(rows.slice(1).map((r) => r.split(',')[0])).toEqual(counties);
  expect(rows.some((r) => r.startsWith('张北县,'))).toBe(true);

  // Printed on A4 (about 700 CSS pixels between the margins), nothing runs off the page and the forms are hidden.
  await page.setViewportSize({ width: 700, height: 1000 });
  await page.emulateMedia({ media: 'print' });
  const width = await page.evaluate(
    () =>
      (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement
        .scrollWidth,
  );
  expect(width).toBeLessThanOrEqual(700);
  expect(await page.locator('form.filters').isVisible()).toBe(false);
  expect(await page.locator('.print-only').innerText()).toContain('张家口市');
  const pdf = await page.pdf({ format: 'A4', printBackground: true });
  // A city's dashboard prints on a handful of A4 pages (charts are kept whole, tables stay folded).
  const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
  expect(pages).toBeGreaterThanOrEqual(4);
  expect(pages).toBeLessThanOrEqual(12);
  await context.close();
});
