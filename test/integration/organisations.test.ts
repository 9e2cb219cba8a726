import { Event } from '../../models/Event';
import { Organisation } from '../../models/Organisation';
import { User } from '../../models/User';
import { TEST_PASSWORD, useTestApp } from '../helpers/app';
import { makeOrg, makeUser, unique } from '../helpers/builders';
import { linkIn, loginAs, submitForm } from '../helpers/http';

const t = useTestApp();

async function registerSchool(fields: Record<string, string | string[]> = {}) {
  const email = `${unique('hr')}@test.cn`;
  const name = unique('张北县第三中学');
  const res = await submitForm(t.agent(), '/register/organisation', {
    mode: 'new',
    orgName: name,
    kind: 'school',
    countyCode: '130722',
    address: '张北县城关镇',
    contactPhone: '0313-5212345',
    name: '赵老师',
    email,
    password: TEST_PASSWORD,
    passwordConfirm: TEST_PASSWORD,
    privacy: '1',
    ...fields,
  });
  return { res, email, name };
}

describe('organisation registration and verification', () => {
  it('a sponsor registers as a foundation, alumni association or the like: the kind of sponsor is required', async () => {
    const missing = await registerSchool({ kind: 'sponsor', orgName: '春晖教育基金会', countyCode: '110108' });
    expect(missing.res.status).toBe(422);
    expect(missing.res.text).toContain('id="f-sponsorType-error"');
    expect(missing.res.text).toContain('value="春晖教育基金会"');
    expect(missing.res.text).toMatch(/<option value="sponsor" selected>资助方（社会力量）/);
    expect(await Organisation.countDocuments({ name: '春晖教育基金会' })).toBe(0);

    const { res, name } = await registerSchool({ kind: 'sponsor', sponsorType: 'alumni', countyCode: '110108' });
    expect(res.status).toBe(303);
    const org = await Organisation.findOne({ name }).lean();
    expect(org).toMatchObject({ kind: 'sponsor', sponsorType: 'alumni', province: 'beijing' });
    expect(org?.verification?.state).toBe('pending');
    // A school's registration ignores the field.
    const school = await registerSchool({ sponsorType: 'enterprise' });
    expect((await Organisation.findOne({ name: school.name }).lean())?.sponsorType).toBeNull();
  });

  it('when staff register a school, then it waits for a coordinator whose approval emails the staff', async () => {
    const coordinator = await makeUser({ role: 'coordinator', scopeUnit: null });
    const { res, email, name } = await registerSchool();
    expect(res.status).toBe(303);
    const org = await Organisation.findOne({ name }).lean();
    expect(org?.verification?.state).toBe('pending');
    expect(org?.province).toBe('hebei');
    expect(org?.unitCode).toBe('1307');

    await t.deliver();
    expect(t.smtp.to(coordinator.email).some((m) => m.subject.includes(name))).toBe(true);
    const verify = linkIn(t.smtp.to(email)[0]!.text, '/verify-email/');
    await t.agent().get(verify);

    const staff = t.agent();
    await loginAs(staff, email);
    const mine = await staff.get('/organisation');
    expect(mine.text).toContain('待审核');

    const agent = t.agent();
    await loginAs(agent, coordinator.email);
    const queue = await agent.get('/coordinator/organisations');
    expect(queue.status).toBe(200);
    expect(queue.text).toContain(name);
    const decide = await submitForm(
      agent,
      `/coordinator/organisations/${org!._id}`,
      { decision: 'verified', reason: '' },
      `/coordinator/organisations/${org!._id}/decision`,
    );
    expect(decide.status).toBe(303);
    expect((await Organisation.findById(org!._id).lean())?.verification?.state).toBe('verified');

    await t.deliver();
    const approved = t.smtp.to(email).find((m) => m.subject.includes('已通过审核'));
    expect(approved?.text).toContain(name);
    expect(await Event.countDocuments({ action: 'organisation.verified', subjectId: String(org!._id) })).toBe(1);
    expect((await staff.get('/organisation')).text).toContain('已审核');
  });

  it('when a coordinator rejects without a reason, then the form asks for one; with one, the staff get it by email', async () => {
    const coordinator = await makeUser({ role: 'coordinator' });
    const { email, name } = await registerSchool();
    const org = await Organisation.findOne({ name }).lean();
    const agent = t.agent();
    await loginAs(agent, coordinator.email);
    const url = `/coordinator/organisations/${org!._id}`;
    const missing = await submitForm(agent, url, { decision: 'rejected', reason: '' }, `${url}/decision`);
    expect(missing.status).toBe(422);
    expect(missing.text).toContain('不通过时请填写理由');
    const done = await submitForm(agent, url, { decision: 'rejected', reason: '请上传办学许可证' }, `${url}/decision`);
    expect(done.status).toBe(303);
    await t.deliver();
    const mail = t.smtp.to(email).find((m) => m.subject.includes('未通过审核'));
    expect(mail?.text).toContain('请上传办学许可证');
  });

  it("when a city coordinator opens another unit's organisation, then it is not found for them", async () => {
    const langfang = await makeUser({ role: 'coordinator', scopeUnit: '1310' });
    const zhangjiakouSchool = await makeOrg({ county: '130722', state: 'pending' });
    const langfangSchool = await makeOrg({ county: '131028', state: 'pending' });
    const agent = t.agent();
    await loginAs(agent, langfang.email);
    const queue = await agent.get('/coordinator/organisations');
    expect(queue.text).toContain(langfangSchool.name);
    expect(queue.text).not.toContain(zhangjiakouSchool.name);
    expect((await agent.get(`/coordinator/organisations/${zhangjiakouSchool._id}`)).status).toBe(404);
    const post = await submitForm(
      agent,
      `/coordinator/organisations/${langfangSchool._id}`,
      { decision: 'verified' },
      `/coordinator/organisations/${zhangjiakouSchool._id}/decision`,
    );
    expect(post.status).toBe(404);
    expect((await Organisation.findById(zhangjiakouSchool._id).lean())?.verification?.state).toBe('pending');
  });

  it('when a candidate or a staff member opens the verification queue, then they get 403', async () => {
    for (const user of [await makeUser(), await makeUser({ role: 'staff', org: (await makeOrg())._id })]) {
      const agent = t.agent();
      await loginAs(agent, user.email);
      const res = await agent.get('/coordinator/organisations');
      expect(res.status).toBe(403);
      expect(res.text).toContain('无权访问');
    }
    const anonymous = await t.agent().get('/coordinator/organisations');
    expect(anonymous.status).toBe(303);
  });

  it('when a Hebei branch names its Beijing parent and a pair, then both links are stored and the pairing is mutual', async () => {
    const parent = await makeOrg({ county: '110105', name: unique('北京市第八十中学') });
    const pair = await makeOrg({ county: '110112' });
    const { res, name } = await registerSchool({
      countyCode: '130638',
      parentId: String(parent._id),
      pairedWith: [String(pair._id)],
      alliances: ['twl'],
    });
    expect(res.status).toBe(303);
    const branch = await Organisation.findOne({ name }).lean();
    expect(String(branch?.parent)).toBe(String(parent._id));
    expect(branch?.unitCode).toBe('xiongan');
    expect(branch?.alliances).toEqual(['twl']);
    expect((await Organisation.findById(pair._id).lean())?.pairedWith.map(String)).toContain(String(branch!._id));
  });

  it('when the organisation form is invalid, then it re-renders with 422 and keeps every value typed', async () => {
    const { res } = await registerSchool({
      orgName: '围场县第二小学',
      countyCode: '',
      contactPhone: '12345',
      alliances: ['twl'],
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain('value="围场县第二小学"');
    expect(res.text).toContain('value="张北县城关镇"');
    expect(res.text).toContain('value="12345"');
    expect(res.text).toContain('请输入有效的手机号或座机号');
    expect(res.text).toMatch(/value="twl" checked/);
    expect(res.text).not.toContain(TEST_PASSWORD);
  });
});

describe('colleagues', () => {
  it('when verified staff invite a colleague, then the emailed link creates a verified member who can sign in', async () => {
    const org = await makeOrg();
    const staff = await makeUser({ role: 'staff', org: org._id });
    const agent = t.agent();
    await loginAs(agent, staff.email);
    const colleague = `${unique('colleague')}@test.cn`;
    const res = await submitForm(agent, '/organisation', { email: colleague }, '/organisation/invitations');
    expect(res.status).toBe(303);
    await t.deliver();
    const mail = t.smtp.to(colleague)[0]!;
    expect(mail.subject).toContain(org.name);
    const link = linkIn(mail.text, '/invitations/');
    const invited = t.agent();
    const accept = await submitForm(invited, link, {
      name: '新同事',
      password: TEST_PASSWORD,
      passwordConfirm: TEST_PASSWORD,
      privacy: '1',
    });
    expect(accept.status).toBe(303);
    const user = await User.findOne({ email: colleague }).lean();
    expect(String(user?.organisation)).toBe(String(org._id));
    expect(user?.membership).toBe('active');
    expect(user?.emailVerifiedAt).toBeInstanceOf(Date);
    await loginAs(invited, colleague);
    expect((await invited.get('/organisation')).text).toContain(org.name);
    expect((await t.agent().get(link)).status).toBe(400);
  });

  it('when a new staff member asks to join, then a colleague approves and no other organisation can decide it', async () => {
    const org = await makeOrg();
    const other = await makeOrg();
    const colleague = await makeUser({ role: 'staff', org: org._id });
    const outsider = await makeUser({ role: 'staff', org: other._id });
    const email = `${unique('joiner')}@test.cn`;
    const res = await submitForm(t.agent(), '/register/organisation', {
      mode: 'join',
      organisationId: String(org._id),
      name: '孙老师',
      email,
      password: TEST_PASSWORD,
      passwordConfirm: TEST_PASSWORD,
      privacy: '1',
    });
    expect(res.status).toBe(303);
    const joiner = await User.findOne({ email }).lean();
    expect(joiner?.membership).toBe('pending');
    await t.deliver();
    expect(t.smtp.to(colleague.email).some((m) => m.text.includes('孙老师'))).toBe(true);

    const outsiderAgent = t.agent();
    await loginAs(outsiderAgent, outsider.email);
    const sneaky = await submitForm(
      outsiderAgent,
      '/organisation',
      { decision: 'approve' },
      `/organisation/requests/${joiner!._id}`,
    );
    expect(sneaky.status).toBe(404);
    expect((await outsiderAgent.get('/organisation')).text).not.toContain('孙老师');

    const agent = t.agent();
    await loginAs(agent, colleague.email);
    expect((await agent.get('/organisation')).text).toContain('孙老师');
    const approve = await submitForm(
      agent,
      '/organisation',
      { decision: 'approve' },
      `/organisation/requests/${joiner!._id}`,
    );
    expect(approve.status).toBe(303);
    expect((await User.findById(joiner!._id).lean())?.membership).toBe('active');
    await t.deliver();
    expect(t.smtp.to(email).some((m) => m.subject.includes('您已加入'))).toBe(true);
  });

  it('when the organisation is not verified yet, then its staff cannot invite', async () => {
    const org = await makeOrg({ state: 'pending' });
    const staff = await makeUser({ role: 'staff', org: org._id });
    const agent = t.agent();
    await loginAs(agent, staff.email);
    const page = await agent.get('/organisation');
    expect(page.text).toContain('单位审核通过、且您的邮箱验证后，才能邀请同事');
    const res = await agent
      .post('/organisation/invitations')
      .type('form')
      .send({ email: 'x@test.cn', _csrf: /name="_csrf" value="([^"]+)"/.exec(page.text)![1] });
    expect(res.status).toBe(403);
  });
});
