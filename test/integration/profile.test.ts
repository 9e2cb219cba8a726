import { CandidateProfile } from '../../models/CandidateProfile';
import { checkDigit } from '../../server/services/idcard';
import { useTestApp } from '../helpers/app';
import { makeOrg, makeUser } from '../helpers/builders';
import { loginAs, submitForm } from '../helpers/http';
import { makeOpenVacancy } from '../helpers/postings';

const t = useTestApp();
const idFor = (body17: string) => body17 + checkDigit(body17);
let seq = 0;
/** A valid, unique ID number for a person born on 2000-05-20. */
const freshId = () =>
  idFor(`130722200005${String(20).padStart(2, '0')}${String(100 + (seq++ % 800)).padStart(3, '0')}`);

const profileForm = (idNumber: string, extra: Record<string, string | string[]> = {}) => ({
  legalName: '张晓明',
  idNumber,
  phone: '13812345678',
  edu0Institution: '首都师范大学',
  edu0Level: 'bachelor',
  edu0Major: '英语',
  edu0Graduation: '2026-06-30',
  edu0FullTime: '1',
  edu0Normal: '1',
  cert0Type: 'junior',
  cert0Subject: 'english',
  cert0Number: '20261100000123',
  mandarinLevel: '2A',
  stages: ['junior', 'primary'],
  subjects: ['english'],
  preferredUnits: ['1307', '1306'],
  availableFrom: '2027-08-01',
  ...extra,
});

async function candidate() {
  const user = await makeUser();
  const agent = t.agent();
  await loginAs(agent, user.email);
  return { user, agent };
}

describe('candidate profile', () => {
  it('when a candidate saves their profile, then the ID number is encrypted at rest, shown in full only to them, and birth date and sex are derived', async () => {
    const { user, agent } = await candidate();
    const id = freshId();
    const res = await submitForm(agent, '/me/profile', profileForm(id));
    expect(res.status).toBe(303);
    const stored = await CandidateProfile.findOne({ user: user._id }).lean();
    expect(stored?.idCipher).toMatch(/^v1\./);
    expect(JSON.stringify(stored)).not.toContain(id);
    expect(stored?.idHash).toMatch(/^[a-f0-9]{64}$/);
    expect(stored?.gender).toBe(Number(id[16]) % 2 ? 'male' : 'female');
    expect(stored?.birthDate?.toISOString()).toBe('2000-05-20T00:00:00.000Z');
    expect(stored?.education[0]).toMatchObject({
      institution: '首都师范大学',
      level: 'bachelor',
      normalUniversity: true,
    });
    const page = await agent.get('/me/profile');
    expect(page.text).toContain(`value="${id}"`);
    expect(page.text).toContain('档案完整度 78%');
    expect(page.text).toContain('简历');
  });

  it('when the ID number is invalid, then the form comes back with the error and everything typed', async () => {
    const { agent } = await candidate();
    const res = await submitForm(agent, '/me/profile', profileForm('130722200005201235', { phone: '12345' }));
    expect(res.status).toBe(422);
    expect(res.text).toContain('身份证号码无效');
    expect(res.text).toContain('请输入 11 位手机号');
    expect(res.text).toContain('value="首都师范大学"');
    expect(res.text).toMatch(/value="primary" checked/);
  });

  it('when an ID number is already on another account, then it is refused', async () => {
    const id = freshId();
    const first = await candidate();
    expect((await submitForm(first.agent, '/me/profile', profileForm(id))).status).toBe(303);
    const second = await candidate();
    const res = await submitForm(second.agent, '/me/profile', profileForm(id));
    expect(res.status).toBe(422);
    expect(res.text).toContain('已经登记在另一个账户中');
    expect((await CandidateProfile.findOne({ user: second.user._id }).lean())?.idCipher ?? '').toBe('');
  });

  it('when a candidate opens a vacancy, then they see whether they are eligible, and why', async () => {
    const school = await makeOrg({ county: '130722' });
    const vacancy = await makeOpenVacancy(school, {
      maxAge: 35,
      mandarinLevel: '2B',
      certificateType: 'junior',
      certificateSubjectMatch: true,
    });
    const { agent } = await candidate();
    const before = await agent.get(`/jobs/${vacancy._id}`);
    expect(before.text).toContain('不符合报考条件');
    expect(before.text).toContain('请先在档案中填写身份证号');
    await submitForm(agent, '/me/profile', profileForm(freshId()));
    const after = await agent.get(`/jobs/${vacancy._id}`);
    expect(after.text).toContain('按您的档案: 符合报考条件');
    expect(after.text).toContain('年龄 26 周岁');
    // Anonymous visitors see no eligibility panel.
    expect((await t.agent().get(`/jobs/${vacancy._id}`)).text).not.toContain('按您的档案');
  });

  it('when staff open the profile pages, then they are refused', async () => {
    const staff = t.agent();
    await loginAs(staff, (await makeUser({ role: 'staff', org: (await makeOrg())._id })).email);
    expect((await staff.get('/me/profile')).status).toBe(403);
  });
});
