// Pages people use every day, in a real browser on the demo, on a 360 px phone and on a desktop: the county picker
// follows the city chosen (public/js/county-picker.js), the home page searches and lists the newest posts, the
// drives list shows dates, the partner's list pages, and the sponsor reads why nothing is due.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { expectAccessible, signIn, useBrowserApp } from '../helpers/browser';

jest.setTimeout(180_000);

const e2e = useBrowserApp();
const shots = fs.mkdtempSync(path.join(os.tmpdir(), 'teachbridge-everyday-'));

const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true };
const DESKTOP = { viewport: { width: 1280, height: 900 } };

async function open(size: typeof PHONE | typeof DESKTOP, locale = 'zh-CN'): Promise<Page> {
  return (await e2e.browser.newContext({ locale, ...size })).newPage();
}

/** The page body never scrolls sideways. */
async function expectNoSidewaysScroll(page: Page) {
  type Doc = { document: { documentElement: { scrollWidth: number; clientWidth: number } } };
  const { scroll, client } = await page.evaluate(() => {
    const root = (globalThis as unknown as Doc).document.documentElement;
    return { scroll: root.scrollWidth, client: root.clientWidth };
  });
  expect({ url: page.url(), scroll }).toEqual({ url: page.url(), scroll: Math.min(scroll, client) });
}

const countyValues = (page: Page) =>
  page.locator('#f-county option').evaluateAll((os) => os.map((o) => (o as unknown as { value: string }).value));

it('when a city is chosen on the job board, then the county list offers only its counties, on a phone and a desktop', async () => {
  for (const [size, name] of [
    [PHONE, 'phone'],
    [DESKTOP, 'desktop'],
  ] as const) {
    const page = await open(size);
    await page.goto(`${e2e.app.baseUrl}/jobs`);
    const all = await countyValues(page);
    expect(all.length).toBeGreaterThan(150);
    await page.selectOption('#f-unit', '1307');
    const zhangjiakou = await countyValues(page);
    expect(zhangjiakou.filter((v) => v !== '').every((v) => v.startsWith('1307'))).toBe(true);
    expect(zhangjiakou).toContain('130722');
    expect(await page.locator('#f-county option[value="130703"]').innerText()).toBe('桥西区（张家口市）');
    // A county left from another city is cleared when the city changes.
    await page.selectOption('#f-county', '130722');
    await page.selectOption('#f-unit', '1301');
    expect(await page.locator('#f-county').inputValue()).toBe('');
    // Choosing a county with no city chosen chooses its city.
    await page.selectOption('#f-unit', '');
    expect((await countyValues(page)).length).toBe(all.length);
    await page.selectOption('#f-county', '130104');
    expect(await page.locator('#f-unit').inputValue()).toBe('1301');
    expect(await page.locator('#f-county').inputValue()).toBe('130104');
    await page.screenshot({ path: path.join(shots, `jobs-${name}.png`), fullPage: false });
    await Promise.all([page.waitForURL(/county=130104/), page.getByRole('button', { name: '搜索' }).click()]);
    await expectNoSidewaysScroll(page);
    await expectAccessible(page);
    await page.context().close();
  }
});

it('when a visitor opens the home page, then they can search and see the newest posts; the drives list shows dates', async () => {
  for (const [size, name] of [
    [PHONE, 'phone'],
    [DESKTOP, 'desktop'],
  ] as const) {
    const page = await open(size);
    await page.goto(`${e2e.app.baseUrl}/`);
    expect(await page.locator('#latest-heading + .job-list .job-card').count()).toBe(6);
    await expectNoSidewaysScroll(page);
    await expectAccessible(page);
    await page.screenshot({ path: path.join(shots, `home-${name}.png`), fullPage: true });
    await page.getByRole('searchbox', { name: '搜索岗位' }).fill('英语');
    await Promise.all([page.waitForURL(/\/jobs\?q=/), page.locator('.home-search button').click()]);
    expect(decodeURIComponent(new URL(page.url()).search)).toBe('?q=英语');

    await page.goto(`${e2e.app.baseUrl}/announcements`);
    await expect(page.locator('main').innerText()).resolves.toMatch(/报名 \d{4}-\d{2}-\d{2} 至 \d{4}-\d{2}-\d{2}/);
    await expectNoSidewaysScroll(page);
    await expectAccessible(page);
    await page.screenshot({ path: path.join(shots, `announcements-${name}.png`), fullPage: true });
    await page.context().close();
  }
});

it('when a careers office and a sponsor read their pages on a phone, then the list pages and searches, and nothing due is explained', async () => {
  const page = await open(PHONE);
  await signIn(page, e2e.app.baseUrl, 'careers@demo.bnu.edu.cn');
  await page.goto(`${e2e.app.baseUrl}/partner`);
  await expectNoSidewaysScroll(page);
  await page.screenshot({ path: path.join(shots, 'partner-dashboard-phone.png'), fullPage: true });
  await page.goto(`${e2e.app.baseUrl}/partner/referrals`);
  const rows = await page.locator('tbody tr').count();
  expect(rows).toBeGreaterThan(0);
  expect(rows).toBeLessThanOrEqual(50);
  const firstName = (await page.locator('tbody tr td a').first().innerText()).trim();
  await page.getByLabel('姓名').fill(firstName);
  await Promise.all([page.waitForURL(/name=/), page.getByRole('button', { name: '搜索' }).click()]);
  expect(await page.locator('tbody tr td a').allInnerTexts()).toContain(firstName);
  await expectAccessible(page);
  await page.screenshot({ path: path.join(shots, 'partner-referrals-phone.png'), fullPage: true });
  await page.context().close();

  const sponsor = await open(PHONE);
  await signIn(sponsor, e2e.app.baseUrl, 'grants@demo.chunhui.org.cn');
  await sponsor.goto(`${e2e.app.baseUrl}/sponsor/programmes`);
  await sponsor.locator('main a[href^="/sponsor/programmes/"]:not([href$="/new"])').first().click();
  await sponsor.waitForLoadState();
  const text = await sponsor.locator('main').innerText();
  expect(text).not.toMatch(/\b0 人中 0 人/);
  await expectAccessible(sponsor);
  await sponsor.locator('#funded-heading').scrollIntoViewIfNeeded();
  await sponsor.screenshot({ path: path.join(shots, 'sponsor-programme-phone.png') });
  await sponsor.setViewportSize(DESKTOP.viewport);
  await sponsor.locator('#funded-heading').scrollIntoViewIfNeeded();
  await sponsor.screenshot({ path: path.join(shots, 'sponsor-programme-desktop.png') });
  // A new programme: ticking a city narrows the county list to that city's counties.
  await sponsor.goto(`${e2e.app.baseUrl}/sponsor/programmes/new`);
  const counties = () =>
    sponsor.locator('#f-counties option').evaluateAll((os) => os.map((o) => (o as unknown as { value: string }).value));
  expect((await counties()).length).toBeGreaterThan(150);
  await sponsor.locator('input[name="units"][value="1307"]').check();
  expect((await counties()).every((v) => v.startsWith('1307'))).toBe(true);
  await sponsor.locator('input[name="units"][value="1307"]').uncheck();
  expect((await counties()).length).toBeGreaterThan(150);
  await sponsor.context().close();
});

afterAll(() => {
  process.stdout.write(`everyday screenshots: ${shots}\n`);
});
