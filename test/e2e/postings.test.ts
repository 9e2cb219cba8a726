// A school posts a vacancy, a coordinator approves it, and a candidate on a phone finds it.
import { expectAccessible, signIn, useBrowserApp } from '../helpers/browser';

jest.setTimeout(120_000);

const e2e = useBrowserApp();

it('staff post a vacancy, the coordinator approves it, and a candidate finds it by filter and keyword on a phone and hears of it by alert', async () => {
  const deadline = new Date(Date.now() + 20 * 86_400_000 + 8 * 3600_000).toISOString().slice(0, 10);

  // A candidate on a phone follows geography jobs in Zhangbei before there are any.
  const phone = await (
    await e2e.browser.newContext({ locale: 'zh-CN', viewport: { width: 360, height: 740 }, isMobile: true })
  ).newPage();
  await signIn(phone, e2e.app.baseUrl, 'candidate@demo.teachbridge.cn');
  await phone.goto(`${e2e.app.baseUrl}/jobs?county=130722&subject=geography`);
  expect(await phone.locator('.result-count').innerText()).toBe('共 0 个岗位');
  await phone.getByRole('button', { name: '保存为岗位提醒' }).click();
  expect(await phone.locator('.flash').innerText()).toContain('已保存岗位提醒');
  await phone.goto(`${e2e.app.baseUrl}/me/alerts`);
  expect(await phone.locator('main').innerText()).toContain('张家口市 张北县 · 地理');
  await expectAccessible(phone);

  const staff = await (await e2e.browser.newContext({ locale: 'zh-CN' })).newPage();
  await signIn(staff, e2e.app.baseUrl, 'hr.zhangbei@demo.teachbridge.cn');
  await staff.getByRole('link', { name: '岗位管理' }).click();
  await expectAccessible(staff);
  await staff.getByRole('link', { name: '发布新岗位' }).click();
  await expectAccessible(staff);
  await staff.getByLabel('标题').fill('初中地理教师（乡村学校）');
  // The school is named with its place, which the vacancy takes: there is no county to choose.
  await staff.getByLabel('招聘学校').selectOption({ label: '张北县第二中学 · 张家口市 张北县' });
  expect(await staff.getByLabel('岗位所在县（市、区）').count()).toBe(0);
  await staff.getByRole('combobox', { name: '学段', exact: true }).selectOption('junior');
  await staff.getByRole('combobox', { name: '学科', exact: true }).selectOption('geography');
  await staff.getByLabel('岗位类别').selectOption('established');
  await staff.getByLabel('报名截止').fill(deadline);
  await staff.getByLabel('岗位说明').fill('张北县坝上地区初中，提供周转宿舍。');
  await staff.getByRole('button', { name: '保存' }).click();
  await staff.waitForURL(/\/manage\/vacancies\/[a-f\d]{24}$/);
  await expectAccessible(staff);
  await staff.getByRole('button', { name: '提交审核' }).click();
  expect(await staff.locator('.flash').innerText()).toContain('已提交审核');

  const coordinator = await (await e2e.browser.newContext({ locale: 'zh-CN' })).newPage();
  await signIn(coordinator, e2e.app.baseUrl, 'coordinator@demo.teachbridge.cn');
  await coordinator.goto(`${e2e.app.baseUrl}/coordinator/reviews`);
  await expectAccessible(coordinator);
  await coordinator.getByRole('link', { name: '初中地理教师（乡村学校）' }).click();
  await expectAccessible(coordinator);
  await coordinator.getByRole('button', { name: '审核通过并公开' }).click();
  expect(await coordinator.locator('.flash').innerText()).toContain('已审核通过');

  await phone.goto(`${e2e.app.baseUrl}/jobs`);
  await expectAccessible(phone);
  await phone.getByLabel('县（市、区）').selectOption('130722');
  await phone.getByRole('combobox', { name: '学科', exact: true }).selectOption('geography');
  await phone.getByRole('button', { name: '搜索' }).click();
  expect(phone.url()).toContain('county=130722');
  expect(phone.url()).toContain('subject=geography');
  await expect(phone.getByRole('link', { name: '初中地理教师（乡村学校）' }).count()).resolves.toBe(1);
  await expectAccessible(phone);

  await phone.goto(`${e2e.app.baseUrl}/jobs`);
  await phone.getByLabel('关键词').fill('张北 地理');
  await phone.getByRole('button', { name: '搜索' }).click();
  expect(await phone.locator('.result-count').innerText()).toBe('共 1 个岗位');
  await phone.getByRole('link', { name: '初中地理教师（乡村学校）' }).click();
  expect(await phone.locator('h1').innerText()).toBe('初中地理教师（乡村学校）');
  expect(await phone.locator('main').innerText()).toContain('张家口市 张北县');
  await expectAccessible(phone);

  // The alert's digest, sent now from the local mailbox instead of tomorrow, lists the new post.
  await phone.goto(`${e2e.app.baseUrl}/dev/mailbox`);
  await phone.getByRole('button', { name: /立即发送岗位提醒摘要/ }).click();
  expect(await phone.locator('.flash').innerText()).toContain('已发送 1 封');
  const digest = phone.getByRole('link', { name: '岗位提醒：初中地理教师（乡村学校） 等 1 个新岗位' });
  for (let i = 0; i < 20 && (await digest.count()) === 0; i += 1) {
    await phone.waitForTimeout(250); // the worker delivers within moments of the request
    await phone.reload();
  }
  await digest.click();
  expect(await phone.locator('.mail-body').innerText()).toContain('初中地理教师（乡村学校）');
  await expectAccessible(phone);
});
