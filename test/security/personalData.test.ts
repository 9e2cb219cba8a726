// A person's rights over their data: the copy holds everything about them (and nothing secret of the system's),
// and erasure removes every personal trace while the recruitment statistics and published notices stay.
import { unzipSync, strFromU8 } from 'fflate';
import { Application, ApplicationNote } from '../../models/Application';
import { CandidateProfile } from '../../models/CandidateProfile';
import { Event } from '../../models/Event';
import { User } from '../../models/User';
import { TEST_PASSWORD, useTestApp } from '../helpers/app';
import { makeCandidate } from '../helpers/candidates';
import { makeOrg, makeUser } from '../helpers/builders';
import { csrfFrom, loginAs, submitForm } from '../helpers/http';
import { makeOpenVacancy } from '../helpers/postings';

const t = useTestApp();
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(100, 0x20), Buffer.from('%%EOF')]);

async function candidateWithApplication() {
  const { user, agent } = await makeCandidate(t, '沈清');
  const token = csrfFrom((await agent.get('/me/profile')).text);
  await agent.post('/me/documents').field('_csrf', token).field('kind', 'cv').attach('file', PDF, '沈清简历.pdf');
  const school = await makeOrg({ county: '130722' });
  const staff = await makeUser({ role: 'staff', org: school._id });
  const vacancy = await makeOpenVacancy(school);
  const applied = await submitForm(agent, `/jobs/${String(vacancy._id)}/apply`, {
    statement: '我想回张北教书。',
    consent: '1',
  });
  expect(applied.status).toBe(303);
  const application = (await Application.findOne({ candidate: user._id }).lean())!;
  await ApplicationNote.create({ application: application._id, author: staff._id, text: '电话沟通过', at: new Date() });
  return { user, agent, staff, application };
}

describe('a copy of my data', () => {
  it('is a ZIP with my account, profile (ID number included), applications, activity and documents, without secrets', async () => {
    const { user, agent } = await candidateWithApplication();
    const res = await agent
      .get('/me/data/export.zip')
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    const files = unzipSync(new Uint8Array(res.body as Buffer));
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining(['my-account.json', 'profile.json', 'applications.json', 'activity.json']),
    );
    const accountJson = strFromU8(files['my-account.json']!);
    expect(accountJson).toContain(user.email);
    expect(accountJson).not.toContain('passwordHash');
    expect(accountJson).not.toContain('$argon2');
    const profile = JSON.parse(strFromU8(files['profile.json']!)) as { idNumber: string; idCipher?: string };
    expect(profile.idNumber).toMatch(/^130722\d{11}[\dX]$/);
    expect(profile.idCipher).toBeUndefined();
    expect(strFromU8(files['applications.json']!)).toContain('我想回张北教书。');
    const doc = Object.keys(files).find((k) => k.startsWith('documents/'));
    expect(doc).toMatch(/沈清简历\.pdf$/);
    expect(Buffer.from(files[doc!]!).equals(PDF)).toBe(true);
    // Anonymous visitors get nothing.
    expect((await t.agent().get('/me/data/export.zip')).status).toBe(303);
  });
});

describe('erasing my account', () => {
  it('needs my password and a confirmation, then leaves nothing personal; the statistics and notices stay', async () => {
    const { user, agent, staff, application } = await candidateWithApplication();
    const page = await agent.get('/me/data');
    const refused = await agent
      .post('/me/data/erase')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), password: 'wrong password', understood: '1' });
    expect(refused.status).toBe(422);
    expect(
      await User.findById(user._id)
        .lean()
        .then((u) => u!.name),
    ).toBe('沈清');

    const done = await agent
      .post('/me/data/erase')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), password: 'correct horse 电池 staple', understood: '1' });
    expect(done.status).toBe(200);
    expect(done.text).toContain('账户已注销');
    // Signed out, and the account cannot sign in again.
    expect((await agent.get('/me/applications')).status).toBe(303);
    expect(
      (await submitForm(t.agent(), '/login', { email: user.email, password: 'correct horse 电池 staple' })).status,
    ).toBe(401);
    const erased = (await User.findById(user._id).lean())!;
    expect(erased.name).toBe('已注销用户');
    expect(erased.email).not.toContain(user.email);
    expect(erased.erasedAt).toBeInstanceOf(Date);
    expect(await CandidateProfile.exists({ user: user._id })).toBeNull();
    expect(await ApplicationNote.countDocuments({ application: application._id })).toBe(0);
    // The application remains as a statistic: stage and dates, no name, statement, documents or history notes.
    const kept = (await Application.findById(application._id).lean())!;
    expect(kept.stage).toBe(application.stage);
    expect(kept.submittedAt).toEqual(application.submittedAt);
    expect(kept.statement).toBe('');
    expect(kept.snapshot).toEqual({});
    expect(kept.documents).toEqual([]);
    // Staff see no personal data in their pipeline any more, and nobody can bring it back.
    const school = t.agent();
    await loginAs(school, staff.email);
    const pipeline = await school.get(`/manage/applications/${String(application._id)}`);
    expect(pipeline.text).not.toContain('沈清');
    expect(pipeline.text).not.toContain('我想回张北教书');
  });

  it('is not offered to staff, who are refused', async () => {
    const org = await makeOrg({ county: '130722' });
    const staff = await makeUser({ role: 'staff', org: org._id });
    const agent = t.agent();
    await loginAs(agent, staff.email);
    const page = await agent.get('/me/data');
    expect(page.text).toContain('由所在单位或协同办管理');
    const res = await agent
      .post('/me/data/erase')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), password: 'correct horse 电池 staple', understood: '1' });
    expect(res.status).toBe(403);
    expect(
      await User.findById(staff._id)
        .lean()
        .then((u) => u!.erasedAt),
    ).toBeNull();
  });
});

describe('closing a colleague’s account (they left the school)', () => {
  it('ends their sessions and sign-in and erases their name, keeps their work on record, and is for their colleagues only', async () => {
    const org = await makeOrg({ county: '130722' });
    const head = await makeUser({ role: 'staff', org: org._id, name: '校办主任' });
    const leaver = await makeUser({ role: 'staff', org: org._id, name: '离职的王老师' });
    const { application } = await candidateWithApplication();
    await ApplicationNote.create({
      application: application._id,
      author: leaver._id,
      authorName: leaver.name,
      text: '已电话核实学历',
      at: new Date(),
    });
    const leaving = t.agent();
    await loginAs(leaving, leaver.email);
    const headAgent = t.agent();
    await loginAs(headAgent, head.email);

    // Outsiders: staff of another school get "not found", a candidate is refused; nothing changes.
    const stranger = t.agent();
    await loginAs(stranger, (await makeUser({ role: 'staff', org: (await makeOrg({ county: '130102' }))._id })).email);
    const closeBy = async (agent: ReturnType<typeof t.agent>, id: string, understood = '1') => {
      const token = csrfFrom((await agent.get('/account')).text);
      return agent.post(`/organisation/members/${id}/close`).type('form').send({ _csrf: token, understood });
    };
    expect((await closeBy(stranger, String(leaver._id))).status).toBe(404);
    const { agent: candidate } = await makeCandidate(t, '路人');
    expect((await closeBy(candidate, String(leaver._id))).status).toBe(403);
    expect((await User.findById(leaver._id).lean())!.erasedAt).toBeNull();

    // Without the confirmation box: the page again, the message on that colleague's row.
    const page = await headAgent.get('/organisation');
    expect(page.text).toContain('离职的王老师');
    const unconfirmed = await closeBy(headAgent, String(leaver._id), '');
    expect(unconfirmed.status).toBe(422);
    expect(unconfirmed.text).toContain(`id="f-close-${String(leaver._id)}-error"`);
    expect(unconfirmed.text).toContain('请先勾选确认');

    expect((await closeBy(headAgent, String(leaver._id))).status).toBe(303);
    expect((await headAgent.get('/organisation')).text).toContain('账户已注销');
    // Their open session ends at once, and they cannot sign in again.
    expect((await leaving.get('/manage/vacancies')).status).toBe(303);
    expect((await submitForm(t.agent(), '/login', { email: leaver.email, password: TEST_PASSWORD })).status).toBe(401);
    const closed = (await User.findById(leaver._id).lean())!;
    expect([closed.name, closed.membership, closed.email.includes(leaver.email)]).toEqual(['已注销用户', null, false]);
    // Their note stays, under "closed account"; the colleagues' list no longer shows them.
    const note = (await ApplicationNote.findOne({ author: leaver._id }).lean())!;
    expect([note.text, note.authorName]).toEqual(['已电话核实学历', '已注销用户']);
    expect((await headAgent.get('/organisation')).text).not.toContain('离职的王老师');
    // The closure is in the audit trail, by whom.
    const event = (await Event.findOne({
      action: 'organisation.member_closed',
      subjectId: String(leaver._id),
    }).lean())!;
    expect(String(event.actor)).toBe(String(head._id));
  });

  it('cannot leave an organisation without an active member', async () => {
    const org = await makeOrg({ county: '130722' });
    const only = await makeUser({ role: 'staff', org: org._id });
    const agent = t.agent();
    await loginAs(agent, only.email);
    const token = csrfFrom((await agent.get('/organisation')).text);
    const res = await agent
      .post(`/organisation/members/${String(only._id)}/close`)
      .type('form')
      .send({ _csrf: token, understood: '1' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('不能注销本单位最后一位在岗工作人员的账户');
    expect((await User.findById(only._id).lean())!.erasedAt).toBeNull();
  });
});
