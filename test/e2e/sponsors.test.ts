// A sponsor's programme from its creation to a funded teacher: the foundation drafts and submits it, the regional
// office approves it, the matching vacancy shows the incentive, the school signs a hire there, and the award appears
// for the teacher (who accepts it) and for the sponsor (who then sees the teacher's name).
import { expectAccessible, signIn, useBrowserApp } from '../helpers/browser';

jest.setTimeout(150_000);

const e2e = useBrowserApp();

const cstDay = (offsetDays: number) =>
  new Date(Date.now() + 8 * 3600 * 1000 + offsetDays * 86_400_000).toISOString().slice(0, 10);

it('sponsor creates a programme → coordinator approves → the vacancy shows it → a hire starts → the award reaches teacher and sponsor', async () => {
  const sponsor = await (await e2e.browser.newContext({ locale: 'zh-CN' })).newPage();
  await signIn(sponsor, e2e.app.baseUrl, 'grants@demo.chunhui.org.cn');
  await sponsor.getByRole('link', { name: '资助项目', exact: true }).click();
  await sponsor.getByRole('link', { name: '新建资助项目' }).click();
  await expectAccessible(sponsor);
  await sponsor.getByLabel('项目名称').fill('雄安乡村教师安家补助');
  await sponsor.getByLabel('资助类型').selectOption('relocation_grant');
  await sponsor.getByLabel('金额（元）').fill('3000');
  await sponsor.getByLabel('发放周期').selectOption('once');
  await sponsor.getByLabel('最多发放期数').fill('1');
  await sponsor.getByLabel('名额').fill('5');
  await sponsor.getByLabel('总预算（元）').fill('15000');
  await sponsor.getByLabel('开始日期').fill(cstDay(-1));
  await sponsor.getByLabel('结束日期').fill(cstDay(365));
  await sponsor.getByLabel('仅限农村学校').check();
  await sponsor.getByLabel('资助条款（中文）').fill('到雄安新区农村学校任教的新教师，入职后一次性安家补助 3000 元。');
  await sponsor
    .getByLabel('资助条款（英文）')
    .fill("A one-off 3,000 yuan relocation grant for new teachers in rural Xiong'an schools.");
  await sponsor.getByRole('button', { name: '保存草稿' }).click();
  expect(await sponsor.locator('.flash[role="status"]').innerText()).toContain('资助项目已保存');
  await expectAccessible(sponsor);
  await sponsor.getByRole('button', { name: '提交审核' }).click();
  expect(await sponsor.locator('.flash[role="status"]').innerText()).toContain('等待区域协同办审核');
  const programmeUrl = sponsor.url();

  const coordinator = await (await e2e.browser.newContext({ locale: 'zh-CN' })).newPage();
  await signIn(coordinator, e2e.app.baseUrl, 'coordinator@demo.teachbridge.cn');
  await coordinator.getByRole('link', { name: '资助项目', exact: true }).click();
  await expectAccessible(coordinator);
  await coordinator.getByRole('link', { name: '雄安乡村教师安家补助' }).click();
  await coordinator.getByLabel('批准').check();
  await coordinator.getByRole('button', { name: '提交审核结果' }).click();
  expect(await coordinator.locator('.flash[role="status"]').innerText()).toContain('资助项目已批准');

  // A visitor filters the board to sponsored posts and finds the Xiong'an English post with both incentives.
  const visitor = await (await e2e.browser.newContext({ locale: 'zh-CN' })).newPage();
  await visitor.goto(`${e2e.app.baseUrl}/jobs`);
  await visitor.getByLabel('关键词').fill('雄安');
  await visitor.getByLabel('只看有资助激励的岗位').check();
  await visitor.getByRole('button', { name: '搜索' }).click();
  const card = visitor.locator('.job-card', { hasText: '北京市第八十中学雄安分校' }).filter({ hasText: '初中英语' });
  expect(await card.first().innerText()).toContain('有资助');
  await card.first().getByRole('link').click();
  await expectAccessible(visitor);
  const incentives = await visitor.locator('.incentive').innerText();
  expect(incentives).toContain('雄安乡村教师安家补助');
  expect(incentives).toContain('春晖乡村教育基金会：安家补助，一次性 3,000 元');

  // The demo candidate accepts the offer there and the school signs the contract: the placement starts.
  const candidate = await (
    await e2e.browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 } })
  ).newPage();
  await signIn(candidate, e2e.app.baseUrl, 'candidate@demo.teachbridge.cn');
  await candidate.goto(`${e2e.app.baseUrl}/me/applications`);
  await candidate.locator('.job-card', { hasText: '北京市第八十中学雄安分校' }).getByRole('link').click();
  await candidate.getByRole('button', { name: '接受聘用' }).click();
  const applicationId = candidate.url().split('/').pop()!;
  const staff = await (await e2e.browser.newContext({ locale: 'zh-CN' })).newPage();
  await signIn(staff, e2e.app.baseUrl, 'hr.bj80@demo.teachbridge.cn');
  await staff.goto(`${e2e.app.baseUrl}/manage/applications/${applicationId}`);
  await staff.getByLabel('签约日期').fill(cstDay(0));
  await staff.getByRole('button', { name: /进入“已签约”/ }).click();
  await staff.waitForLoadState();

  // The teacher finds the award on their placement page and accepts it, sharing their name.
  await candidate.goto(`${e2e.app.baseUrl}/me/placement`);
  await expectAccessible(candidate);
  const award = candidate.locator('section.incentive', { hasText: '雄安乡村教师安家补助' });
  expect(await award.innerText()).toContain('待确认');
  await award.getByLabel(/允许春晖乡村教育基金会看到我的姓名/).check();
  await award.getByRole('button', { name: '接受资助条款' }).click();
  expect(await candidate.locator('.flash[role="status"]').innerText()).toContain('已接受资助条款');
  expect(await candidate.locator('section.incentive', { hasText: '雄安乡村教师安家补助' }).innerText()).toContain(
    '发放中',
  );

  // The sponsor sees the funded teacher by name, and one place used.
  await sponsor.goto(programmeUrl);
  await expectAccessible(sponsor);
  const funded = await sponsor.locator('main').innerText();
  expect(funded).toContain('张晓明');
  expect(funded).toContain('已用 1 / 共 5 个');
});
