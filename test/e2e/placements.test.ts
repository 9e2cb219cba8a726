// A placement followed from the school's side, the teacher's mailbox and the coordinator's registry: staff tick an
// onboarding item and match a mentor from the paired Beijing school, the teacher answers the one-month check-in from
// the emailed link without signing in, and the low intention to stay reaches the coordinator as a flag.
import type { Page } from 'playwright-core';
import { expectAccessible, signIn, useBrowserApp } from '../helpers/browser';

jest.setTimeout(150_000);

const e2e = useBrowserApp();

async function openMail(page: Page, to: string, subject: string) {
  await page.goto(`${e2e.app.baseUrl}/dev/mailbox`);
  const item = page.locator('.mail-list li', { hasText: to }).filter({ hasText: subject });
  for (let i = 0; i < 40 && (await item.count()) === 0; i += 1) {
    await page.waitForTimeout(250); // the scheduler's first run and the mail worker take moments
    await page.reload();
  }
  await item.first().getByRole('link').click();
}

it('staff tick onboarding and assign a mentor, the teacher answers the check-in from the mailbox, the coordinator sees the flag', async () => {
  const staff = await (await e2e.browser.newContext({ locale: 'zh-CN' })).newPage();
  await signIn(staff, e2e.app.baseUrl, 'hr.zhangbei@demo.teachbridge.cn');
  await staff.getByRole('link', { name: '入职跟踪', exact: true }).click();
  await staff.getByRole('link', { name: /韩雨桐/ }).click();
  await expectAccessible(staff);
  const training = staff.locator('li', { hasText: '岗前培训' });
  await training.getByRole('button', { name: '完成' }).click();
  await staff.locator('li', { hasText: '岗前培训' }).getByRole('button', { name: '撤销' }).waitFor();
  expect(await staff.locator('li', { hasText: '岗前培训' }).innerText()).toContain('赵老师');

  // The paired Beijing school's junior English mentor is suggested first; assigning introduces both by email.
  const first = staff.locator('.suggestions li').first();
  expect(await first.innerText()).toContain('刘雅琴');
  expect(await first.innerText()).toContain('对口帮扶学校');
  await first.getByRole('button', { name: '指派为导师' }).click();
  expect(await staff.locator('.mentor-name').innerText()).toContain('刘雅琴');

  // The teacher answers the one-month check-in from the emailed link, no sign-in.
  const teacher = await (
    await e2e.browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 } })
  ).newPage();
  await openMail(teacher, 'teacher@demo.teachbridge.cn', '入职回访');
  await teacher.locator('.mail-body a[href*="/checkins/"]').first().click();
  await expectAccessible(teacher);
  // Every question is answered: nothing is pre-selected for the teacher.
  await teacher.locator('input[name="inPost"][value="yes"]').check();
  await teacher.locator('input[name="workload"][value="3"]').check();
  await teacher.locator('input[name="support"][value="4"]').check();
  await teacher.locator('input[name="housing"][value="1"]').check();
  await teacher.locator('input[name="intention"][value="1"]').check();
  await teacher.getByLabel('想说的话').fill('宿舍还没有落实，冬天很冷。');
  await teacher.getByRole('button', { name: '提交' }).click();
  expect(await teacher.locator('h1').innerText()).toContain('谢谢');
  await openMail(teacher, 'teacher@demo.teachbridge.cn', '带教导师');
  expect(await teacher.locator('.mail-body').innerText()).toContain('刘雅琴');

  // The school sees the answer; the coordinator finds the placement among the flagged.
  await staff.reload();
  expect(await staff.locator('body').innerText()).toContain('宿舍还没有落实');
  const coordinator = await (await e2e.browser.newContext({ locale: 'zh-CN' })).newPage();
  await signIn(coordinator, e2e.app.baseUrl, 'coordinator@demo.teachbridge.cn');
  await coordinator.getByRole('link', { name: '入职跟踪登记' }).click();
  await coordinator.getByLabel('只看需关注的').check();
  await coordinator.getByRole('button', { name: '搜索' }).click();
  await expectAccessible(coordinator);
  expect(await coordinator.locator('main').innerText()).toContain('韩雨桐');
  await coordinator.getByRole('link', { name: '韩雨桐' }).click();
  expect(await coordinator.locator('.mentor-name').innerText()).toContain('刘雅琴');
  await expectAccessible(coordinator);

  // The mentor opens their page from the introduction email; the Beijing school sees its mentor's load.
  const mentor = await (await e2e.browser.newContext({ locale: 'zh-CN' })).newPage();
  await openMail(mentor, 'mentor.1@demo.teachbridge.cn', '结对带教');
  await mentor.locator('.mail-body a[href*="/mentoring/"]').first().click();
  expect(await mentor.locator('main').innerText()).toContain('宿舍还没有落实');
  await expectAccessible(mentor);
  const bj80 = await (await e2e.browser.newContext({ locale: 'zh-CN' })).newPage();
  await signIn(bj80, e2e.app.baseUrl, 'hr.bj80@demo.teachbridge.cn');
  await bj80.getByRole('link', { name: '带教导师' }).click();
  expect(await bj80.locator('tr', { hasText: '刘雅琴' }).innerText()).toContain('1 / 3');
  await expectAccessible(bj80);
  await staff.goto(`${e2e.app.baseUrl}/manage/placements/template`);
  await expectAccessible(staff);
});
