// Consent under PIPL: the versioned privacy notice is accepted at sign-up, a new version is accepted again before
// anything else, and the ID number (sensitive personal information) needs its own explicit consent.
import { CandidateProfile } from '../../models/CandidateProfile';
import { Event } from '../../models/Event';
import { User } from '../../models/User';
import { PRIVACY_VERSION } from '../../server/services/privacy';
import { TEST_PASSWORD, useTestApp } from '../helpers/app';
import { makeUser } from '../helpers/builders';
import { idNumberBornOn } from '../helpers/candidates';
import { csrfFrom, loginAs, submitForm } from '../helpers/http';

const t = useTestApp();

describe('the privacy notice', () => {
  it('is public, versioned and in both languages', async () => {
    const zh = await t.agent().get('/privacy');
    expect(zh.status).toBe(200);
    expect(zh.text).toContain(`版本：${PRIVACY_VERSION}`);
    expect(zh.text).toContain('敏感个人信息');
    const en = await t.agent().get('/privacy?lang=en');
    expect(en.text).toContain(`Version: ${PRIVACY_VERSION}`);
  });

  it('must be accepted to sign up, and the acceptance is recorded with its version', async () => {
    const email = `privacy-${Date.now()}@test.cn`;
    const fields = { name: '孟琪', email, password: TEST_PASSWORD, passwordConfirm: TEST_PASSWORD };
    const refused = await submitForm(t.agent(), '/register', fields);
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('请阅读并勾选同意《隐私政策》');
    expect(refused.text).toContain('value="孟琪"'); // nothing typed is lost
    expect(await User.exists({ email })).toBeNull();
    const ok = await submitForm(t.agent(), '/register', { ...fields, privacy: '1' });
    expect(ok.status).toBe(303);
    const user = await User.findOne({ email }).lean();
    expect(user!.consents).toEqual([expect.objectContaining({ kind: 'privacy', version: PRIVACY_VERSION })]);
  });

  it('when a new version is out, signed-in users accept it before anything else', async () => {
    const user = await makeUser({ role: 'candidate' });
    await User.updateOne(
      { _id: user._id },
      { $set: { consents: [{ kind: 'privacy', version: '2025-01-01', at: new Date('2025-01-01') }] } },
    );
    const agent = t.agent();
    await loginAs(agent, user.email);
    const page = await agent.get('/me/applications');
    expect(page.status).toBe(303);
    expect(page.headers.location).toBe('/privacy/consent?returnTo=%2Fme%2Fapplications');
    const consent = await agent.get(page.headers.location as string);
    expect(consent.text).toContain('隐私政策已更新');
    // Other state changes wait too.
    const token = csrfFrom(consent.text);
    expect((await agent.post('/account').type('form').send({ _csrf: token, name: 'x', locale: 'zh-CN' })).status).toBe(
      403,
    );
    const accepted = await agent
      .post('/privacy/consent')
      .type('form')
      .send({ _csrf: token, returnTo: '/me/applications' });
    expect(accepted.headers.location).toBe('/me/applications');
    expect((await agent.get('/me/applications')).status).toBe(200);
    const stored = await User.findById(user._id).lean();
    expect(stored!.consents.map((c) => c.version)).toEqual(['2025-01-01', PRIVACY_VERSION]);
    expect(await Event.countDocuments({ action: 'privacy.consented_privacy', subjectId: String(user._id) })).toBe(1);
  });
});

describe('the ID number', () => {
  it('is only taken with its own explicit consent', async () => {
    const user = await makeUser({ role: 'candidate', consents: false });
    await User.updateOne(
      { _id: user._id },
      { $set: { consents: [{ kind: 'privacy', version: PRIVACY_VERSION, at: new Date() }] } },
    );
    const agent = t.agent();
    await loginAs(agent, user.email);
    const profile = {
      legalName: '孟琪',
      idNumber: idNumberBornOn('20000101'),
      phone: '13912345678',
      mandarinLevel: '2A',
    };
    const refused = await submitForm(agent, '/me/profile', profile);
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('填写身份证号需要您单独同意');
    expect(refused.text).toContain('value="孟琪"');
    expect(await CandidateProfile.exists({ user: user._id })).toBeNull();
    const saved = await submitForm(agent, '/me/profile', { ...profile, sensitive: '1' });
    expect(saved.status).toBe(303);
    expect(await CandidateProfile.exists({ user: user._id })).not.toBeNull();
    const stored = await User.findById(user._id).lean();
    expect(stored!.consents.map((c) => c.kind)).toEqual(['privacy', 'sensitive']);
    // Once given, the box is not asked again.
    expect((await agent.get('/me/profile')).text).not.toContain('我单独同意');
  });
});
