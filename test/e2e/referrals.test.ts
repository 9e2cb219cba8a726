// A careers office imports its graduates, one accepts the invitation, applies to a recommended post, and the
// office sees the status change.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkDigit } from '../../server/services/idcard';
import { expectAccessible, signIn, useBrowserApp } from '../helpers/browser';

jest.setTimeout(150_000);

const e2e = useBrowserApp();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'teachbridge-csv-'));

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

it('partner imports a CSV, a graduate accepts from the mailbox, applies to a recommended post, and the partner sees it', async () => {
  const csv = path.join(dir, 'graduates.csv');
  fs.writeFileSync(
    csv,
    '\uFEFF姓名,邮箱,手机,专业,毕业年份,学历,教师资格证,任教学科,意向地区,备注\r\n' +
      '林若曦,lin.ruoxi@example.cn,13700137000,英语,2027,本科,初中英语,英语,张家口市,\r\n' +
      '何明哲,he.mingzhe@example.cn,,数学,2027,本科,,数学,保定市,\r\n',
  );

  const partner = await (await e2e.browser.newContext({ locale: 'zh-CN' })).newPage();
  await signIn(partner, e2e.app.baseUrl, 'careers@demo.bnu.edu.cn');
  await partner.getByRole('link', { name: '推荐学生' }).click();
  await expectAccessible(partner);
  await partner.goto(`${e2e.app.baseUrl}/partner/referrals`);
  await partner.getByLabel('CSV 文件').setInputFiles(csv);
  await partner.getByRole('button', { name: '导入' }).click();
  expect(await partner.locator('.lead').innerText()).toContain('新增 2 人');
  await expectAccessible(partner);

  // The graduate opens the invitation from the local mailbox and registers.
  const graduate = await (
    await e2e.browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 } })
  ).newPage();
  await graduate.goto(`${e2e.app.baseUrl}/dev/mailbox`);
  const invitation = graduate.locator('.mail-list li', { hasText: 'lin.ruoxi@example.cn' });
  for (let i = 0; i < 20 && (await invitation.count()) === 0; i += 1) {
    await graduate.waitForTimeout(250); // the worker delivers within moments
    await graduate.reload();
  }
  await invitation.getByRole('link').click();
  await graduate.locator('.mail-body a[href*="/referrals/"]').first().click();
  await expectAccessible(graduate);
  expect(await graduate.getByLabel('姓名').inputValue()).toBe('林若曦');
  await graduate.getByRole('textbox', { name: '密码', exact: true }).fill('ruoxi-teaches-2027');
  await graduate.getByLabel('再次输入密码').fill('ruoxi-teaches-2027');
  await graduate.getByLabel(/我已阅读并同意/).check();
  // What the partner may see is her own choice: nothing is chosen for her.
  await graduate.getByLabel('允许推荐单位看到').selectOption('status');
  await graduate.getByRole('button', { name: '注册并接受' }).click();
  await signIn(graduate, e2e.app.baseUrl, 'lin.ruoxi@example.cn', 'ruoxi-teaches-2027');

  // Profile, so that she can apply.
  await graduate.goto(`${e2e.app.baseUrl}/me/profile`);
  await graduate.getByLabel('姓名（与身份证一致）').fill('林若曦');
  await graduate.getByRole('textbox', { name: '身份证号' }).fill('13072220020310004' + checkDigit('13072220020310004'));
  await graduate.getByLabel(/我单独同意/).check();
  await graduate.getByLabel('手机号').fill('13700137000');
  await graduate.getByLabel('学校').first().fill('北京师范大学');
  await graduate.getByRole('combobox', { name: '学历' }).first().selectOption('bachelor');
  await graduate.getByRole('combobox', { name: '教师资格证' }).first().selectOption('junior');
  await graduate.getByRole('combobox', { name: '学科' }).first().selectOption('english');
  await graduate.getByLabel('证书编号').first().fill('20271100000001');
  await graduate.getByRole('combobox', { name: '普通话等级' }).selectOption('2A');
  await graduate.getByRole('button', { name: '保存' }).first().click();

  // The partner recommends a post.
  await partner.goto(`${e2e.app.baseUrl}/partner/referrals`);
  await partner.getByRole('link', { name: '林若曦' }).click();
  expect(await partner.locator('.status').first().innerText()).toBe('已注册');
  const option = partner.locator('#f-vacancyId option', { hasText: '初中英语教师 · 北京市第八十中学雄安分校' });
  await partner.getByLabel('招聘中的岗位').selectOption(await option.getAttribute('value'));
  await partner.getByRole('button', { name: '推荐给毕业生' }).click();

  // She sees it and applies.
  await graduate.goto(`${e2e.app.baseUrl}/me/referrals`);
  await expectAccessible(graduate);
  await graduate.getByRole('link', { name: '初中英语教师' }).click();
  await graduate.getByRole('link', { name: '报名此岗位' }).click();
  await graduate.getByLabel(/我同意将我的求职档案提供给/).check();
  await graduate.getByRole('button', { name: '确认报名' }).click();
  expect(await graduate.locator('.flash').innerText()).toContain('报名成功');

  // The partner sees the change.
  await partner.reload();
  expect(await partner.locator('.status').first().innerText()).toBe('已报名');
  await expectAccessible(partner);
});
