// A new candidate completes a profile, sees they are eligible and applies; the school screens, scores and moves
// them through the gates to the public notice, where the name shows masked.
import type { Page } from 'playwright-core';
import { checkDigit } from '../../server/services/idcard';
import { expectAccessible, signIn, useBrowserApp } from '../helpers/browser';

jest.setTimeout(150_000);

const e2e = useBrowserApp();

async function staffMove(page: Page, button: string | RegExp) {
  await page.getByRole('button', { name: button }).click();
  await page.waitForLoadState();
}

it('a candidate applies and the school runs the procedure to the public notice', async () => {
  const password = '京津冀 good teachers 2026';
  const email = 'zhou.min@example.cn';
  const idNumber = '13072220010203004' + checkDigit('13072220010203004');

  // Sign up and verify through the local mailbox.
  const candidate = await (
    await e2e.browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 } })
  ).newPage();
  await candidate.goto(`${e2e.app.baseUrl}/register`);
  await candidate.getByLabel('姓名').fill('周敏');
  await candidate.getByLabel('电子邮箱').fill(email);
  await candidate.getByRole('textbox', { name: '密码', exact: true }).fill(password);
  await candidate.getByLabel('再次输入密码').fill(password);
  await candidate.getByLabel(/我已阅读并同意/).check();
  await candidate.getByRole('button', { name: '注册' }).click();
  await candidate.goto(`${e2e.app.baseUrl}/dev/mailbox`);
  const mail = candidate.getByRole('link', { name: /请验证您的邮箱/ });
  for (let i = 0; i < 20 && (await mail.count()) === 0; i += 1) {
    await candidate.waitForTimeout(250);
    await candidate.reload();
  }
  await mail.first().click();
  await candidate.locator('.mail-body a[href*="/verify-email/"]').click();
  await signIn(candidate, e2e.app.baseUrl, email, password);

  // The profile.
  await candidate.goto(`${e2e.app.baseUrl}/me/profile`);
  await expectAccessible(candidate);
  await candidate.getByLabel('姓名（与身份证一致）').fill('周敏');
  await candidate.getByRole('textbox', { name: '身份证号' }).fill(idNumber);
  await candidate.getByLabel(/我单独同意/).check(); // the ID number is sensitive: its own consent
  await candidate.getByLabel('手机号').fill('13800138000');
  await candidate.getByLabel('学校').first().fill('首都师范大学');
  await candidate.getByRole('combobox', { name: '学历' }).first().selectOption('bachelor');
  await candidate.getByLabel('专业').first().fill('数学与应用数学');
  await candidate.getByRole('combobox', { name: '教师资格证' }).first().selectOption('junior');
  await candidate.getByLabel('证书编号').first().fill('20261100012345');
  await candidate.getByRole('combobox', { name: '普通话等级' }).selectOption('2A');
  await candidate.getByRole('button', { name: '保存' }).first().click();
  expect(await candidate.locator('.flash').innerText()).toContain('档案已保存');

  // Find the post, see eligibility, apply.
  await candidate.goto(`${e2e.app.baseUrl}/jobs?county=130722&subject=math`);
  await candidate.getByRole('link', { name: '初中数学教师' }).first().click();
  expect(await candidate.locator('.eligibility h2').innerText()).toContain('符合报考条件');
  await expectAccessible(candidate);
  await candidate.getByRole('link', { name: '报名此岗位' }).click();
  await expectAccessible(candidate);
  await candidate.getByLabel('个人陈述').fill('我愿意到张北任教。');
  await candidate.getByLabel(/我同意将我的求职档案提供给/).check();
  await candidate.getByRole('button', { name: '确认报名' }).click();
  expect(await candidate.locator('.flash').innerText()).toContain('报名成功');
  const applicationUrl = candidate.url();
  await expectAccessible(candidate);

  // The school screens, scores and advances.
  const staff = await (await e2e.browser.newContext({ locale: 'zh-CN' })).newPage();
  await signIn(staff, e2e.app.baseUrl, 'hr.zhangbei@demo.teachbridge.cn');
  const applicationId = applicationUrl.split('/').pop()!;
  await staff.goto(`${e2e.app.baseUrl}/manage/applications/${applicationId}`);
  await expectAccessible(staff);
  expect(await staff.locator('main').innerText()).toMatch(/1307\*{10}\d{4}|1307\*{10}\d{3}X/);
  await staffMove(staff, /进入“资格审查”/);
  await staffMove(staff, /进入“笔试”/);
  await staff.getByRole('spinbutton', { name: '笔试' }).fill('86.5');
  await staff.getByRole('button', { name: '保存', exact: true }).first().click();
  await staffMove(staff, /进入“面试”/);
  expect(await staff.locator('.status').first().innerText()).toBe('面试');
  await staff.getByRole('spinbutton', { name: '面试' }).fill('90');
  await staff.getByRole('button', { name: '保存', exact: true }).first().click();
  await staffMove(staff, /进入“体检”/);
  await staffMove(staff, /进入“考察”/);
  await staffMove(staff, /进入“公示”/);
  await expectAccessible(staff);

  // The public notice: masked name and scores, no personal data.
  await staff.goto(`${e2e.app.baseUrl}/manage/applications/${applicationId}`);
  await staff
    .getByRole('link', { name: /初中数学教师/ })
    .first()
    .click();
  await staffMove(staff, '发布拟聘用公示');
  expect(staff.url()).toContain('/notices/');
  const noticeText = await staff.locator('main').innerText();
  expect(noticeText).toContain('周*');
  expect(noticeText).not.toContain('周敏');
  expect(noticeText).toContain('88.25');
  expect(noticeText).not.toContain('13800138000');
  await expectAccessible(staff);

  // The candidate follows it.
  await candidate.goto(applicationUrl);
  expect(await candidate.locator('main').innerText()).toContain('公示');
  await candidate.goto(`${e2e.app.baseUrl}/dev/mailbox`);
  expect(await candidate.locator('main').innerText()).toContain('报名进展：初中数学教师');
});

it('the demo candidate accepts an offer and the school records the signing', async () => {
  const candidate = await (
    await e2e.browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 } })
  ).newPage();
  await signIn(candidate, e2e.app.baseUrl, 'candidate@demo.teachbridge.cn');
  await candidate.goto(`${e2e.app.baseUrl}/me/applications`);
  await expectAccessible(candidate);
  await candidate.locator('.job-card', { hasText: '北京市第八十中学雄安分校' }).getByRole('link').click();
  const offer = candidate.getByRole('button', { name: '接受聘用' });
  await expectAccessible(candidate);
  await offer.click();
  expect(await candidate.locator('.flash[role="status"]').innerText()).toContain('您已接受聘用');
  const applicationId = candidate.url().split('/').pop()!;

  const staff = await (await e2e.browser.newContext({ locale: 'zh-CN' })).newPage();
  await signIn(staff, e2e.app.baseUrl, 'hr.bj80@demo.teachbridge.cn');
  await staff.goto(`${e2e.app.baseUrl}/manage/applications/${applicationId}`);
  await staff.getByLabel('签约日期').fill('2027-02-20');
  await staffMove(staff, /进入“已签约”/);
  expect(await staff.locator('.status').first().innerText()).toBe('已签约');
  await expectAccessible(staff);

  await candidate.reload();
  expect(await candidate.locator('.status').first().innerText()).toBe('已签约');
});
