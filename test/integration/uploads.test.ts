// Every form that posts a file: what the user sees when the upload breaks, and where the CSRF token travels.
import { Writable } from 'node:stream';
import express from 'express';
import pino from 'pino';
import request from 'supertest';
import { Application } from '../../models/Application';
import { CandidateProfile } from '../../models/CandidateProfile';
import { Referral } from '../../models/Referral';
import { User } from '../../models/User';
import { httpLogger } from '../../server/logger';
import { toActor } from '../../server/services/actor';
import { useTestApp } from '../helpers/app';
import { makeOrg, makeUser, unique } from '../helpers/builders';
import { makeCandidate } from '../helpers/candidates';
import { csrfFrom, loginAs } from '../helpers/http';
import { makeOpenVacancy } from '../helpers/postings';

const t = useTestApp();
type Agent = ReturnType<typeof t.agent>;
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(200, 0x20), Buffer.from('%%EOF')]);
const CSV = Buffer.from('姓名,邮箱\n陈佳怡,chen@example.cn\n');

interface Form {
  name: string;
  /** The page the form is on. */
  page: string;
  action: string;
  file: string;
  maxBytes: number;
  /** The limit as the page states it. */
  limit: string;
  /** Text fields the user fills in beside the file, which must survive a refusal. */
  typed: Record<string, string>;
  /** Nothing was stored. */
  untouched: () => Promise<void>;
}

async function setUp(): Promise<{ forms: Form[]; agents: Record<string, Agent> }> {
  const { user, agent: candidate } = await makeCandidate(t, '赵丽');
  const university = await makeOrg({ kind: 'university', county: '110108', name: unique('首都师范大学') });
  const partnerStaff = await makeUser({ role: 'staff', org: university._id });
  const partner = t.agent();
  await loginAs(partner, partnerStaff.email);
  const school = await makeOrg({ county: '130722' });
  const schoolStaff = await makeUser({ role: 'staff', org: school._id });
  const staff = t.agent();
  await loginAs(staff, schoolStaff.email);
  const vacancy = await makeOpenVacancy(school, { certificateType: 'junior' });
  await t.services.applications.apply({ actor: toActor(user) }, String(vacancy._id), { statement: '', consent: true });
  const forms: Form[] = [
    {
      name: 'documents',
      page: '/me/profile',
      action: '/me/documents',
      file: 'file',
      maxBytes: 5 * 1024 * 1024,
      limit: '5 MB',
      typed: { kind: 'certificate' },
      untouched: async () => expect((await CandidateProfile.findOne({ user: user._id }).lean())!.documents).toEqual([]),
    },
    {
      name: 'referral import',
      page: '/partner/referrals',
      action: '/partner/referrals/import',
      file: 'file',
      maxBytes: 2 * 1024 * 1024,
      limit: '2 MB',
      typed: {},
      untouched: async () => expect(await Referral.countDocuments({ partner: university._id })).toBe(0),
    },
    {
      name: 'score sheet',
      page: `/manage/vacancies/${vacancy._id}/applications`,
      action: `/manage/vacancies/${vacancy._id}/scores`,
      file: 'sheet',
      maxBytes: 1024 * 1024,
      limit: '1 MB',
      typed: {},
      untouched: async () =>
        expect((await Application.find({ vacancy: vacancy._id }).lean()).map((a) => a.scores?.written ?? null)).toEqual(
          [null],
        ),
    },
  ];
  return { forms, agents: { documents: candidate, 'referral import': partner, 'score sheet': staff } };
}

async function post(agent: Agent, form: Form, build: (req: ReturnType<Agent['post']>) => ReturnType<Agent['post']>) {
  const token = csrfFrom((await agent.get(form.page)).text);
  let req = agent.post(form.action).field('_csrf', token);
  for (const [k, v] of Object.entries(form.typed)) req = req.field(k, v);
  return build(req);
}

/** The refusal is shown on a page with the summary first, naming the field, and the form again to retry. */
function expectShownOnForm(html: string, form: Form, message: string) {
  const summary = /<div class="error-summary"[\s\S]*?<\/div>/.exec(html)?.[0] ?? '';
  expect(summary).toContain(message);
  expect(summary).toContain(`href="#f-${form.file}"`);
  expect(html).toMatch(new RegExp(`<form[^>]+action="${form.action}#[a-z]+"[^>]+enctype="multipart/form-data"`));
  expect(html).toContain(`id="f-${form.file}"`);
  expect(html).not.toContain('_csrf=');
}

describe('refused uploads', () => {
  it('when a file is larger than its form allows, then each upload form answers 413 on its own page, states the limit, keeps what was typed and stores nothing', async () => {
    const { forms, agents } = await setUp();
    for (const form of forms) {
      const agent = agents[form.name]!;
      const res = await post(agent, form, (r) =>
        r.attach(form.file, Buffer.concat([CSV, Buffer.alloc(form.maxBytes)]), 'big.csv'),
      );
      expect([form.name, res.status]).toEqual([form.name, 413]);
      expectShownOnForm(res.text, form, `文件超过 ${form.limit}`);
      for (const [k, v] of Object.entries(form.typed)) {
        expect(res.text).toMatch(new RegExp(`name="${k}"[\\s\\S]*?<option value="${v}" selected>`));
      }
      await form.untouched();
    }
  });

  it('when two files, or a file under a name the form does not have, are sent, then each upload form answers 400 on its own page', async () => {
    const { forms, agents } = await setUp();
    for (const form of forms) {
      const agent = agents[form.name]!;
      const two = await post(agent, form, (r) => r.attach(form.file, CSV, 'a.csv').attach(form.file, CSV, 'b.csv'));
      expect([form.name, two.status]).toEqual([form.name, 400]);
      expectShownOnForm(two.text, form, '一次只能上传一个文件');
      const stray = await post(agent, form, (r) => r.attach('other', CSV, 'a.csv'));
      expect([form.name, stray.status]).toEqual([form.name, 400]);
      expectShownOnForm(stray.text, form, '表单里有这个页面不接受的文件');
      await form.untouched();
    }
  });

  it('when the body is cut short, then each upload form answers 400 with a message to upload again, never a 500', async () => {
    const { forms, agents } = await setUp();
    for (const form of forms) {
      const agent = agents[form.name]!;
      const token = csrfFrom((await agent.get(form.page)).text);
      const boundary = 'tbBoundary7MA4YWxk';
      const head =
        `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${token}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="${form.file}"; filename="a.csv"\r\n` +
        `Content-Type: text/csv\r\n\r\n姓名,邮箱\n陈佳怡,chen`;
      const res = await agent
        .post(form.action)
        .set('Content-Type', `multipart/form-data; boundary=${boundary}`)
        .send(head);
      expect([form.name, res.status]).toEqual([form.name, 400]);
      expectShownOnForm(res.text, form, '上传没有完成');
      // Cut short before even the token arrived: the localised error page, still a 400.
      const bare = await agent
        .post(form.action)
        .set('Content-Type', `multipart/form-data; boundary=${boundary}`)
        .send(`--${boundary}\r\nContent-Disposition: form-data; name="${form.file}"; filename="a.csv"\r\n\r\nx`);
      expect([form.name, bare.status]).toEqual([form.name, 400]);
      expect(bare.text).toContain('上传没有完成');
      await form.untouched();
    }
  });

  it('when an upload is refused in English, then the page is in English and names the field', async () => {
    const { forms, agents } = await setUp();
    const form = forms[0]!;
    const agent = agents[form.name]!;
    await User.updateMany({ role: 'candidate' }, { $set: { locale: 'en' } });
    const res = await post(agent, form, (r) =>
      r.attach(form.file, Buffer.concat([PDF, Buffer.alloc(form.maxBytes)]), 'big.pdf'),
    );
    expect(res.status).toBe(413);
    expect(res.text).toContain('File: The file is larger than 5 MB');
  });
});

describe('the CSRF token of upload forms', () => {
  it('when a page shows an upload form, then its token is a hidden field, never in the action URL, and an upload without it is refused', async () => {
    const { forms, agents } = await setUp();
    for (const form of forms) {
      const agent = agents[form.name]!;
      const html = (await agent.get(form.page)).text;
      expect(html).not.toContain('_csrf=');
      const upload = /<form[^>]+enctype="multipart\/form-data"[\s\S]*?<\/form>/.exec(html)?.[0] ?? '';
      expect(upload).toContain('name="_csrf"');
      // The token in the query string, as the old forms sent it, no longer counts.
      const token = csrfFrom(html);
      const old = await agent.post(`${form.action}?_csrf=${token}`).attach(form.file, CSV, 'a.csv');
      expect([form.name, old.status]).toEqual([form.name, 403]);
      await form.untouched();
    }
  });

  it('when a multipart body is posted to a route that takes no file, then it is refused as forged even with a valid token', async () => {
    const { agents } = await setUp();
    const agent = agents.documents!;
    const token = csrfFrom((await agent.get('/me/profile')).text);
    const res = await agent.post('/me/profile').field('_csrf', token).field('legalName', '钱多多');
    expect(res.status).toBe(403);
    const query = await agent.post(`/me/profile?_csrf=${token}`).field('legalName', '钱多多');
    expect(query.status).toBe(403);
  });

  it('when a request URL carries a _csrf parameter, then the request log line does not contain its value', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const app = express();
    app.use(httpLogger(pino({ level: 'info' }, sink)));
    app.post('/x', (_req, res) => void res.sendStatus(204));
    await request(app)
      .post('/x?_csrf=secret-token-123&a=1')
      .set('Referer', 'http://teachbridge.test/y?_csrf=secret-token-456');
    const logged = lines.join('\n');
    expect(logged).toContain('/x?_csrf=[redacted]&a=1');
    expect(logged).not.toContain('secret-token');
  });
});
