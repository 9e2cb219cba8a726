import { Application } from '../../models/Application';
import { Referral } from '../../models/Referral';
import { User } from '../../models/User';
import { funnel, referralStatus, type ReferralStatus } from '../../server/services/referrals';
import { useTestApp } from '../helpers/app';
import { makeOrg, makeUser, unique } from '../helpers/builders';
import { makeCandidate } from '../helpers/candidates';
import { csrfFrom, linkIn, loginAs, submitForm } from '../helpers/http';
import { makeOpenVacancy } from '../helpers/postings';

const t = useTestApp();
const DAY = 86_400_000;

async function partner(name = unique('首都师范大学')) {
  const org = await makeOrg({ kind: 'university', county: '110108', name });
  const staff = await makeUser({ role: 'staff', org: org._id });
  const agent = t.agent();
  await loginAs(agent, staff.email);
  return { org, staff, agent };
}

const referralForm = (email: string, extra: Record<string, string> = {}) => ({
  name: '陈佳怡',
  email,
  phone: '13800138000',
  major: '英语',
  graduationYear: '2027',
  degree: 'bachelor',
  subjects: 'english',
  ...extra,
});

async function importCsv(agent: ReturnType<typeof t.agent>, data: Buffer) {
  const token = csrfFrom((await agent.get('/partner/referrals')).text);
  return agent.post('/partner/referrals/import').field('_csrf', token).attach('file', data, 'graduates.csv');
}

describe('invitations', () => {
  it('when a partner refers a graduate, then a bilingual invitation arrives, its link opens a pre-filled sign-up that works once', async () => {
    const { org, agent } = await partner();
    const email = `${unique('grad')}@test.cn`;
    const res = await submitForm(agent, '/partner/referrals/new', referralForm(email));
    expect(res.status).toBe(303);
    await t.deliver();
    const mail = t.smtp.to(email)[0]!;
    expect(mail.subject).toContain(org.name);
    expect(mail.text).toContain('接受推荐');
    expect(mail.text).toContain('Accept the referral');
    const link = linkIn(mail.text, '/referrals/');
    const page = await t.agent().get(link);
    expect(page.status).toBe(200);
    expect(page.text).toContain('value="陈佳怡"');
    const graduate = t.agent();
    const claimed = await submitForm(graduate, link, {
      name: '陈佳怡',
      password: 'a-good-password-1',
      passwordConfirm: 'a-good-password-1',
      privacy: '1',
      consent: 'status',
    });
    expect(claimed.status).toBe(303);
    const user = (await User.findOne({ email }).lean())!;
    expect(user.emailVerifiedAt).toBeInstanceOf(Date);
    expect(await Referral.findOne({ email }).lean()).toMatchObject({ candidate: user._id, consent: 'status' });
    expect((await t.agent().get(link)).status).toBe(400);
  });

  it('when an invitation is revoked, resent, expired or tampered with, then the old link no longer works', async () => {
    const { agent } = await partner();
    const email = `${unique('grad')}@test.cn`;
    const res = await submitForm(agent, '/partner/referrals/new', referralForm(email));
    const id = res.headers.location!.split('/').pop()!;
    await t.deliver();
    const first = linkIn(t.smtp.to(email)[0]!.text, '/referrals/');
    await submitForm(agent, `/partner/referrals/${id}`, {}, `/partner/referrals/${id}/resend`);
    await t.deliver();
    const second = linkIn(t.smtp.to(email)[1]!.text, '/referrals/');
    expect(second).not.toBe(first);
    expect((await t.agent().get(first)).status).toBe(400);
    expect((await t.agent().get(`${second}x`)).status).toBe(400);
    t.clock.advance(31 * DAY);
    expect((await t.agent().get(second)).text).toContain('这个链接已过期');
    t.clock.advance(-31 * DAY);
    await submitForm(agent, `/partner/referrals/${id}`, {}, `/partner/referrals/${id}/revoke`);
    expect((await t.agent().get(second)).status).toBe(400);
  });
});

describe('CSV import', () => {
  const header = '姓名,邮箱,手机,专业,毕业年份,学历,教师资格证,任教学科,意向地区,备注';

  it('imports good rows, reports bad and duplicate rows, and re-importing invites nobody twice', async () => {
    const { agent } = await partner();
    const a = `${unique('a')}@test.cn`;
    const b = `${unique('b')}@test.cn`;
    const csv = [
      header,
      `王雨桐,${a},13800138001,英语,2027,本科,初中英语,英语、音乐,张家口市、保定市,`,
      `刘思远,${b},,数学,2026,硕士,,数学,Langfang,`,
      `没有邮箱,,13800138002,数学,2026,本科,,,,`,
      `重复,${a},,英语,2027,本科,,英语,,`,
      `赵,bad@test.cn,123,物理,26,学士,,天文,火星,`,
      `"=HYPERLINK(""http://evil"")",${unique('c')}@test.cn,,英语,2027,本科,,,,`,
    ].join('\r\n');
    const res = await importCsv(agent, Buffer.from(`\uFEFF${csv}`));
    expect(res.status).toBe(422);
    expect(res.text).toContain('新增 3 人，已推荐过跳过 0 人，有问题 3 行');
    expect(res.text).toContain('第 4 行：缺少姓名'.replace('缺少姓名', '邮箱无效'));
    expect(res.text).toContain('第 5 行：与文件中前面的行邮箱重复');
    expect(res.text).toMatch(
      /第 6 行：手机号无效；毕业年份无效；学历应为专科、本科、硕士或博士；有无法识别的学科；有无法识别的地区/,
    );
    const imported = (await Referral.findOne({ email: a }).lean())!;
    expect(imported).toMatchObject({
      subjects: ['english', 'music'],
      preferredUnits: ['1307', '1306'],
      graduationYear: 2027,
    });
    await t.deliver();
    expect(t.smtp.to(a)).toHaveLength(1);

    const again = await importCsv(agent, Buffer.from(csv));
    expect(again.text).toContain('新增 0 人，已推荐过跳过 3 人');
    await t.deliver();
    expect(t.smtp.to(a)).toHaveLength(1);

    // A formula in a cell is stored as text and neutralised in the partner's export.
    const exported = await agent.get('/partner/referrals.csv');
    expect(exported.text).toContain(`"'=HYPERLINK(""http://evil"")"`);
  });

  it('converts a GBK file saved by Excel', async () => {
    const { agent } = await partner();
    const email = `${unique('gbk')}@test.cn`;
    const text = `${header}\r\n张晓明,${email},,英语,2027,本科,,英语,张家口市,\r\n`;
    const gbk = encodeGbk(text);
    expect(gbk.equals(Buffer.from(text, 'utf8'))).toBe(false);
    const res = await importCsv(agent, gbk);
    expect(res.status).toBe(200);
    expect(res.text).toContain('已自动转换');
    expect((await Referral.findOne({ email }).lean())?.name).toBe('张晓明');
  });
});

describe('what partners may see', () => {
  it('shows stage-level status by default, schools only with consent, never scores, and another partner nothing', async () => {
    const { org, agent } = await partner();
    const school = await makeOrg({ county: '130722', name: unique('张北县第二中学') });
    const staff = await makeUser({ role: 'staff', org: school._id });
    const vacancy = await makeOpenVacancy(school, { certificateType: 'junior' });
    const email = `${unique('seen')}@test.cn`;
    const res = await submitForm(agent, '/partner/referrals/new', referralForm(email));
    const id = res.headers.location!.split('/').pop()!;
    await t.deliver();
    const link = linkIn(t.smtp.to(email)[0]!.text, '/referrals/');
    // The graduate already has a profile-ready account: sign in, then accept (links the referral).
    const { user, actor, agent: graduate } = await makeCandidate(t, '陈佳怡');
    await User.updateOne({ _id: user._id }, { $set: { email } });
    // (Its session is reloaded on every request, so the changed address applies at once.)
    expect((await submitForm(graduate, link, { consent: 'status' })).status).toBe(303);

    await submitForm(
      agent,
      `/partner/referrals/${id}`,
      { vacancyId: String(vacancy._id) },
      `/partner/referrals/${id}/recommend`,
    );
    const appId = await t.services.applications.apply({ actor: { ...actor, email } }, String(vacancy._id), {
      statement: '',
      consent: true,
    });
    const app = (await Application.findById(appId).lean())!;
    expect(app).toMatchObject({ source: 'recommendation', sourcePartnerName: org.name });
    const staffAgent = t.agent();
    await loginAs(staffAgent, staff.email);
    expect((await staffAgent.get(`/manage/applications/${appId}`)).text).toContain(`${org.name}推荐此岗位`);
    await Application.updateOne({ _id: appId }, { $set: { 'scores.written': 87.65 } });

    const progress = (html: string) => /<h2>报名进展<\/h2>\s*<ul>([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? '';
    const statusOnly = await agent.get(`/partner/referrals/${id}`);
    expect(progress(statusOnly.text)).toBe('<li>已报名</li>');
    expect(statusOnly.text).not.toContain('87.65');
    await submitForm(graduate, '/me/referrals', { consent: 'details' }, `/me/referrals/${id}/consent`);
    expect(progress((await agent.get(`/partner/referrals/${id}`)).text)).toBe(
      `<li>已报名 · 初中英语教师 · ${school.name}</li>`,
    );
    await submitForm(graduate, '/me/referrals', { consent: 'none' }, `/me/referrals/${id}/consent`);
    expect(progress((await agent.get(`/partner/referrals/${id}`)).text)).toBe('');

    const other = await partner();
    expect((await other.agent.get(`/partner/referrals/${id}`)).status).toBe(404);
    expect((await other.agent.get('/partner/referrals')).text).not.toContain(email);
    // Hebei schools are not partners.
    expect((await staffAgent.get('/partner/referrals')).status).toBe(403);
  });
});

describe('the funnel', () => {
  it('counts each graduate at every step they reached, with conversion rates', () => {
    const statuses: ReferralStatus[] = [
      ...Array<ReferralStatus>(4).fill('invited'),
      ...Array<ReferralStatus>(3).fill('registered'),
      ...Array<ReferralStatus>(3).fill('applied'),
      'in_process',
      'not_hired',
      ...Array<ReferralStatus>(3).fill('hired'),
      'expired',
    ];
    const f = funnel(statuses);
    expect(f.map((s) => [s.step, s.count])).toEqual([
      ['invited', 16],
      ['registered', 11],
      ['applied', 8],
      ['in_process', 4],
      ['hired', 3],
    ]);
    expect(f.map((s) => s.rate)).toEqual([null, 69, 73, 50, 75]);
  });

  it('never shows a group of one or two, nor a rate built on one', () => {
    const f = funnel(['invited', 'invited', 'invited', 'hired', 'hired']);
    expect(f.map((s) => s.shown)).toEqual([5, '<3', '<3', '<3', '<3']);
    expect(f.map((s) => s.rate)).toEqual([null, null, null, null, null]);
    expect(funnel([]).map((s) => s.shown)).toEqual([0, 0, 0, 0, 0]);
  });

  it('derives each status from the referral and its applications', () => {
    const now = new Date();
    const base = { revokedAt: null, declinedAt: null, candidate: null, expiresAt: new Date(now.getTime() + DAY) };
    expect(referralStatus(base, [], now)).toBe('invited');
    expect(referralStatus({ ...base, expiresAt: new Date(now.getTime() - 1) }, [], now)).toBe('expired');
    const claimed = { ...base, candidate: {} as never };
    expect(referralStatus(claimed, [], now)).toBe('registered');
    expect(referralStatus(claimed, [{ stage: 'submitted', outcome: null }], now)).toBe('applied');
    expect(referralStatus(claimed, [{ stage: 'interview', outcome: null }], now)).toBe('in_process');
    expect(referralStatus(claimed, [{ stage: 'signed', outcome: null }], now)).toBe('hired');
    expect(referralStatus(claimed, [{ stage: 'interview', outcome: 'rejected' }], now)).toBe('not_hired');
  });
});

/** GBK for the characters this test uses, through Node's TextDecoder in reverse (a small table). */
function encodeGbk(text: string): Buffer {
  const bytes: number[] = [];
  const decoder = new TextDecoder('gbk');
  const table = new Map<string, number[]>();
  for (let hi = 0x81; hi <= 0xfe; hi += 1) {
    for (let lo = 0x40; lo <= 0xfe; lo += 1) {
      if (lo === 0x7f) continue;
      const ch = decoder.decode(Uint8Array.from([hi, lo]));
      if (ch.length === 1 && !table.has(ch)) table.set(ch, [hi, lo]);
    }
  }
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) bytes.push(ch.charCodeAt(0));
    else bytes.push(...table.get(ch)!);
  }
  return Buffer.from(bytes);
}

describe('campus-drive quick registration', () => {
  it("when a graduate scans the drive's QR code and signs up, then applications count as coming from that drive and partner", async () => {
    const { org, agent } = await partner();
    const { Announcement } = await import('../../models/Announcement');
    const drive = await Announcement.create({
      issuer: org._id,
      issuerName: org.name,
      unitCode: '11',
      programme: 'campus_drive',
      title: '春季河北专场招聘会',
      status: 'open',
      openedAt: t.clock.now(),
    });
    const qr = await agent.get(`/manage/announcements/${drive._id}/qr.svg`);
    expect(qr.status).toBe(200);
    expect(qr.headers['content-type']).toContain('image/svg+xml');
    const link = t.services.referrals.driveLink(String(drive._id), 'http://teachbridge.test', t.config.sessionSecret);
    const path = new URL(link).pathname;
    expect((await t.agent().get(`${path.slice(0, -2)}xx`)).status).toBe(404);

    const email = `${unique('drive')}@test.cn`;
    const res = await submitForm(t.agent(), path, {
      name: '何一诺',
      email,
      graduationYear: '2027',
      password: 'drive-signup-2027',
      passwordConfirm: 'drive-signup-2027',
      privacy: '1',
      consent: 'status',
    });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/register/sent');
    const user = (await User.findOne({ email }).lean())!;
    expect(await Referral.findOne({ candidate: user._id }).lean()).toMatchObject({
      partner: org._id,
      drive: drive._id,
    });

    const { Referrals } = await import('../../server/services/referrals');
    const school = await makeOrg({ county: '130722' });
    const vacancy = await makeOpenVacancy(school);
    expect(await Referrals.sourceFor(String(user._id), String(vacancy._id))).toMatchObject({
      source: 'campaign',
      sourcePartnerName: org.name,
    });
  });
});

describe('declining', () => {
  it('when the graduate declines, then the link is used up and the partner sees "declined"', async () => {
    const { agent } = await partner();
    const email = `${unique('no')}@test.cn`;
    const res = await submitForm(agent, '/partner/referrals/new', referralForm(email));
    const id = res.headers.location!.split('/').pop()!;
    await t.deliver();
    const link = linkIn(t.smtp.to(email)[0]!.text, '/referrals/');
    const declined = await submitForm(t.agent(), link, {}, `${link}/decline`);
    expect(declined.status).toBe(200);
    expect(declined.text).toContain('已谢绝推荐');
    expect((await t.agent().get(link)).status).toBe(400);
    expect((await agent.get(`/partner/referrals/${id}`)).text).toContain('已谢绝');
  });
});
