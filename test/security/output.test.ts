// Stored XSS and CSV injection: a script payload in every free-text field a user can set is escaped on every page,
// feed, email and export that shows it, and spreadsheet formulas in exported cells are neutralised.
import { Announcement } from '../../models/Announcement';
import { Application, ApplicationNote, Notice } from '../../models/Application';
import { CheckIn } from '../../models/CheckIn';
import { Mentor } from '../../models/Mentor';
import { Organisation } from '../../models/Organisation';
import { Placement } from '../../models/Placement';
import { Referral } from '../../models/Referral';
import { User } from '../../models/User';
import { Vacancy } from '../../models/Vacancy';
import { useTestApp } from '../helpers/app';
import { csrfFrom } from '../helpers/http';
import { fill, routesOf } from './inventory';
import { demoWorld, type World } from './world';

jest.setTimeout(600_000);

const t = useTestApp({ start: new Date('2026-11-29T02:00:00Z') });
const XSS = `<script>alert('x')</script><img src=x onerror=alert(1)>"'&`;
const RAW = [/<script>alert/i, /<img src=x onerror/i];
const FORMULA = '=HYPERLINK("http://evil.example","点我")';

let world: World;

beforeAll(async () => {
  world = await demoWorld(t);
  const text = (s: string) => `${s}${XSS}`;
  // Every free-text field a user can set, as they would have typed it.
  for (const o of await Organisation.find({}).lean())
    await Organisation.updateOne({ _id: o._id }, { $set: { name: text(o.name), address: XSS } });
  for (const u of await User.find({}).lean()) await User.updateOne({ _id: u._id }, { $set: { name: text(u.name) } });
  for (const v of await Vacancy.find({}).lean())
    await Vacancy.updateOne(
      { _id: v._id },
      { $set: { title: text(v.title), description: XSS, benefits: XSS, schoolName: text(v.schoolName) } },
    );
  for (const a of await Announcement.find({}).lean())
    await Announcement.updateOne({ _id: a._id }, { $set: { title: text(a.title), body: XSS, venue: XSS } });
  for (const a of await Application.find({}).lean())
    await Application.updateOne(
      { _id: a._id },
      {
        $set: {
          statement: XSS,
          rejectMessage: XSS,
          'snapshot.legalName': `${FORMULA}${XSS}`,
          sourcePartnerName: XSS,
        },
      },
    );
  await ApplicationNote.updateMany({}, { $set: { text: XSS, authorName: XSS } });
  for (const p of await Placement.find({}).lean())
    await Placement.updateOne(
      { _id: p._id },
      { $set: { teacherName: `${FORMULA}${XSS}`, schoolName: XSS, title: XSS, mentorName: XSS } },
    );
  await Referral.updateMany({}, { $set: { name: `${FORMULA}${XSS}`, major: XSS, note: XSS, partnerName: XSS } });
  await Mentor.updateMany({}, { $set: { name: XSS, organisationName: XSS } });
  await CheckIn.updateMany({ status: 'answered' }, { $set: { 'answer.text': XSS, 'answer.mentoring': XSS } });
  await Notice.updateMany({}, { $set: { title: XSS, schoolName: XSS } });
});

function rawIn(text: string): boolean {
  return RAW.some((re) => re.test(text));
}

describe('stored XSS', () => {
  it('is escaped on every page, feed and export, for every role', async () => {
    const a = world.agents;
    const unescaped: string[] = [];
    let shown = 0;
    const routes = routesOf(t.app).filter((r) => r.method === 'get');
    for (const [name, agent] of Object.entries({
      anonymous: a.anonymous,
      school: a.school,
      partner: a.partner,
      coordinator: a.unitCoordinator,
      candidate: a.otherCandidate,
    })) {
      for (const route of routes) {
        const paths = route.params.length ? world.ids.map((id) => fill(route.path, () => id)) : [route.path];
        for (const path of paths) {
          const res = await agent.get(path);
          const body = res.text ?? '';
          if (body.includes('alert(')) shown += 1;
          const type = String(res.headers['content-type'] ?? '');
          // JSON and CSV carry the data exactly as typed; they are never rendered as markup (nosniff, and CSV
          // downloads as an attachment). Everything else a browser may render must be escaped.
          if (/^(application\/json|text\/csv)/.test(type)) {
            expect(res.headers['x-content-type-options']).toBe('nosniff');
            if (type.startsWith('text/csv')) expect(res.headers['content-disposition']).toMatch(/^attachment/);
          } else if (rawIn(body)) unescaped.push(`${name}: GET ${path} (${type})`);
        }
      }
    }
    expect(unescaped).toEqual([]);
    // The payload really is on the pages (escaped), so the check above means something.
    expect(shown).toBeGreaterThan(50);
  });

  it('is escaped in emails, whose subjects and headers carry no line breaks', async () => {
    const a = world.agents;
    const token = csrfFrom((await a.school.get(`/manage/applications/${world.planted.application}`)).text);
    const res = await a.school
      .post(`/manage/applications/${world.planted.application}/move`)
      .type('form')
      .send({ _csrf: token, action: 'reject', reason: 'other', message: XSS });
    expect(res.status).toBe(303);
    await t.deliver();
    const mails = t.smtp.received.filter((m) => m.html.includes('alert') || m.text.includes('alert'));
    expect(mails.length).toBeGreaterThan(0);
    for (const mail of mails) {
      expect(rawIn(mail.html)).toBe(false);
      expect(mail.subject).not.toMatch(/[\r\n]/);
    }
  });
});

describe('CSV injection', () => {
  it('neutralises cells that a spreadsheet would run as a formula, in every export', async () => {
    const a = world.agents;
    const exports: [typeof a.school, string][] = [
      [a.school, `/manage/vacancies/${world.planted.open}/applications.csv`],
      [a.partner, '/partner/referrals.csv'],
      [a.unitCoordinator, '/coordinator/placements.csv'],
    ];
    for (const [agent, path] of exports) {
      const res = await agent.get(path);
      expect(res.status).toBe(200);
      expect(res.text).toContain(`'=HYPERLINK`);
      // No cell starts with a bare formula character.
      for (const cell of res.text.replace(/^\uFEFF/, '').split(/[,\r\n]+/)) expect(cell).not.toMatch(/^"?[=+\-@]/);
    }
  });
});
