import fs from 'node:fs';
import path from 'node:path';
import { Application } from '../../models/Application';
import { CandidateProfile } from '../../models/CandidateProfile';
import { Event } from '../../models/Event';
import { toActor } from '../../server/services/actor';
import { useTestApp } from '../helpers/app';
import { makeOrg, makeUser } from '../helpers/builders';
import { csrfFrom, loginAs } from '../helpers/http';
import { makeOpenVacancy } from '../helpers/postings';
import { makeCandidate } from '../helpers/candidates';

const t = useTestApp();
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(200, 0x20), Buffer.from('%%EOF')]);
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64)]);
const candidate = () => makeCandidate(t, '赵丽');

async function upload(agent: ReturnType<typeof t.agent>, data: Buffer, name: string, kind = 'cv') {
  const token = csrfFrom((await agent.get('/me/profile')).text);
  return agent.post('/me/documents').field('_csrf', token).field('kind', kind).attach('file', data, name);
}

describe('documents', () => {
  it('when a candidate uploads a PDF, then it is stored under a random name, listed under the name given, and downloadable by them only', async () => {
    const { user, agent } = await candidate();
    const res = await upload(agent, PDF, '../../etc/我的简历.pdf');
    expect(res.status).toBe(303);
    const doc = (await CandidateProfile.findOne({ user: user._id }).lean())!.documents[0]!;
    expect(doc).toMatchObject({ kind: 'cv', name: '我的简历.pdf', mime: 'application/pdf' });
    expect(doc.id).toMatch(/^[a-f0-9]{32}$/);
    expect(fs.existsSync(path.join(t.config.dataDir, 'uploads', doc.id))).toBe(true);
    const download = await agent.get(`/me/documents/${doc.id}`);
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.headers['content-disposition']).toContain(encodeURIComponent('我的简历.pdf'));
    const other = await candidate();
    expect((await other.agent.get(`/me/documents/${doc.id}`)).status).toBe(404);
    expect((await agent.get('/me/profile')).text).toContain('我的简历.pdf');
  });

  it('when a file is not really a PDF, JPEG or PNG, or is too large, then it is refused with a clear message and nothing is stored', async () => {
    const { user, agent } = await candidate();
    const html = await upload(agent, Buffer.from('<html><script>alert(1)</script></html>'), 'cv.pdf');
    expect(html.status).toBe(422);
    expect(html.text).toContain('只接受 PDF、JPG、PNG 文件');
    const pdfPhoto = await upload(agent, PDF, 'photo.jpg', 'photo');
    expect(pdfPhoto.status).toBe(422);
    const big = await upload(agent, Buffer.concat([PDF, Buffer.alloc(5 * 1024 * 1024)]), 'big.pdf');
    expect(big.status).toBe(413);
    expect(big.text).toContain('文件超过 5 MB');
    expect((await CandidateProfile.findOne({ user: user._id }).lean())!.documents).toEqual([]);
    // Without the token, the upload is refused as a forged request.
    expect((await agent.post('/me/documents').field('kind', 'cv').attach('file', PDF, 'cv.pdf')).status).toBe(403);
  });

  it('when staff handle an application, then they can read its documents and each read is recorded; other staff cannot', async () => {
    const { user, agent } = await candidate();
    await upload(agent, PNG, 'photo.png', 'photo');
    const school = await makeOrg({ county: '130722' });
    const staff = await makeUser({ role: 'staff', org: school._id });
    const vacancy = await makeOpenVacancy(school, { certificateType: 'junior' });
    await t.services.applications.apply({ actor: toActor(user) }, String(vacancy._id), {
      statement: '',
      consent: true,
    });
    const app = (await Application.findOne({ candidate: user._id }).lean())!;
    const docId = app.documents[0]!;
    const staffAgent = t.agent();
    await loginAs(staffAgent, staff.email);
    expect((await staffAgent.get(`/manage/applications/${app._id}`)).text).toContain('photo.png');
    const read = await staffAgent.get(`/manage/applications/${app._id}/documents/${docId}`);
    expect(read.status).toBe(200);
    expect(read.headers['content-type']).toBe('image/png');
    expect(await Event.countDocuments({ action: 'document.read', subjectId: String(app._id) })).toBe(1);
    const outsider = t.agent();
    await loginAs(outsider, (await makeUser({ role: 'staff', org: (await makeOrg())._id })).email);
    expect((await outsider.get(`/manage/applications/${app._id}/documents/${docId}`)).status).toBe(404);
    expect(await Event.countDocuments({ action: 'document.read', subjectId: String(app._id) })).toBe(1);
  });
});
