// A signed-in candidate's own view of the public vacancies: their application's status on the post's page and the
// board (never cached for, or served to, anyone else), and the posts they saved with where each stands now.
import { User } from '../../models/User';
import { Vacancy } from '../../models/Vacancy';
import { useTestApp } from '../helpers/app';
import { makeOrg, makeUser } from '../helpers/builders';
import { makeCandidate } from '../helpers/candidates';
import { csrfFrom, loginAs, submitForm } from '../helpers/http';
import { makeOpenVacancy } from '../helpers/postings';

jest.setTimeout(120_000);

const t = useTestApp();
const DAY = 86_400_000;

async function openPost(title: string, fields: Parameters<typeof makeOpenVacancy>[1] = {}) {
  const school = await makeOrg({ county: '130722' });
  return makeOpenVacancy(school, {
    title,
    maxAge: 35,
    mandarinLevel: '2B',
    certificateType: 'junior',
    deadline: new Date(t.clock.now().getTime() + 20 * DAY),
    ...fields,
  });
}

type Agent = ReturnType<typeof t.agent>;

/** An attribute's value as the browser reads it (Handlebars writes `=` as `&#x3D;`). */
const unescapeHtml = (s: string) =>
  s.replace(/&#x([\da-f]+);/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))).replace(/&amp;/g, '&');

/** Presses a form on a page as the browser would: the page's CSRF token and its hidden fields. */
async function press(agent: Agent, pageUrl: string, action: string) {
  const page = await agent.get(pageUrl);
  const form = new RegExp(
    `<form method="post" action="${action.replace(/[/?]/g, '\\$&')}"[^>]*>([\\s\\S]*?)</form>`,
  ).exec(page.text);
  if (!form) throw new Error(`no form posting to ${action} on ${pageUrl}`);
  const back = /name="back" value="([^"]*)"/.exec(form[1]!)?.[1] ?? '';
  return agent
    .post(action)
    .type('form')
    .send({ _csrf: csrfFrom(page.text), back: unescapeHtml(back) });
}

describe('a vacancy page for a signed-in candidate', () => {
  it('when the candidate has applied, then the page shows their status and a link to the application instead of how to apply, in both languages', async () => {
    const vacancy = await openPost('初中英语教师（状态测试）');
    const { user, agent } = await makeCandidate(t, '李晓华');
    const url = `/jobs/${String(vacancy._id)}`;
    expect((await agent.get(url)).text).toContain('报名此岗位');
    const applied = await submitForm(agent, `${url}/apply`, { statement: '', consent: '1' });
    expect(applied.status).toBe(303);
    const appUrl = applied.headers.location as string;
    expect(appUrl).toMatch(/^\/me\/applications\/[a-f\d]{24}$/);

    const page = await agent.get(url);
    expect(page.text).toContain('已报名 · 资格审查中');
    expect(page.text).toContain(`href="${appUrl}"`);
    expect(page.text).not.toContain('报名此岗位');
    expect(page.text).not.toContain('如何报名');
    expect(page.headers['cache-control']).toBe('private, no-store');

    // In English, for a candidate who reads in English.
    await User.updateOne({ _id: user._id }, { $set: { locale: 'en' } });
    const en = await agent.get(url);
    expect(en.text).toContain('Applied · qualification review');
    expect(en.text).toContain(`href="${appUrl}"`);
    expect(en.text).not.toContain('Apply for this post');
    expect(en.text).not.toContain('How to apply');
  });

  it('when a candidate has seen their status, then visitors without a session still get the kept anonymous page, without it', async () => {
    const vacancy = await openPost('初中英语教师（缓存隔离）');
    const url = `/jobs/${String(vacancy._id)}`;
    const first = await t.agent().get(url);
    expect(first.headers['cache-control']).toBe('no-cache');
    const { agent } = await makeCandidate(t, '赵一鸣');
    expect((await submitForm(agent, `${url}/apply`, { statement: '', consent: '1' })).status).toBe(303);
    const mine = await agent.get(url);
    expect(mine.text).toContain('已报名 · 资格审查中');

    const anonymous = await t.agent().get(url);
    expect(anonymous.text).not.toContain('已报名 ·');
    expect(anonymous.text).not.toContain('/me/applications/');
    expect(anonymous.text).toContain('如何报名');
    // Still answered from the page cache: the same bytes, and a 304 for the browser that has them.
    expect(anonymous.text).toBe(first.text);
    const etag = anonymous.headers.etag as string;
    expect(etag).toBeTruthy();
    expect((await t.agent().get(url).set('If-None-Match', etag)).status).toBe(304);
  });

  it('when a candidate opens the board, then the posts they applied to show their status', async () => {
    const vacancy = await openPost('初中英语教师（列表状态）');
    const { agent } = await makeCandidate(t, '钱多多');
    await submitForm(agent, `/jobs/${String(vacancy._id)}/apply`, { statement: '', consent: '1' });
    const board = await agent.get('/jobs?q=列表状态');
    expect(board.text).toContain('初中英语教师（列表状态）');
    expect(board.text).toContain('已报名 · 资格审查中');
    expect((await t.agent().get('/jobs?q=列表状态')).text).not.toContain('已报名 ·');
  });
  it('when a candidate opens the apply link of a post they already applied to, then it names their application and links to it, not to the profile', async () => {
    const vacancy = await openPost('初中英语教师（再次报名）');
    const { agent } = await makeCandidate(t, '郑再报');
    const applyUrl = `/jobs/${String(vacancy._id)}/apply`;
    const applied = await submitForm(agent, applyUrl, { statement: '', consent: '1' });
    const again = await agent.get(applyUrl);
    expect(again.text).toContain('您已经报名了这个岗位');
    expect(again.text).toContain('已报名 · 资格审查中');
    expect(again.text).toContain(`href="${String(applied.headers.location)}"`);
    expect(again.text).not.toContain('完善我的档案');
  });
});

describe('saved vacancies', () => {
  it('when a candidate saves posts from a post page and the board, then /me/saved lists them with where each stands, and unsaving removes them', async () => {
    const open = await openPost('初中英语教师（收藏甲）');
    const closing = await openPost('初中英语教师（收藏乙）', { deadline: new Date(t.clock.now().getTime() + 2 * DAY) });
    const toClose = await openPost('初中英语教师（收藏丙）');
    const toReview = await openPost('初中英语教师（收藏丁）');
    const { agent } = await makeCandidate(t, '孙收藏');

    // From the post's page, back to it, marked as saved.
    const saved = await press(agent, `/jobs/${String(open._id)}`, `/me/saved/${String(open._id)}`);
    expect(saved.status).toBe(303);
    expect(saved.headers.location).toBe(`/jobs/${String(open._id)}`);
    const page = await agent.get(`/jobs/${String(open._id)}`);
    expect(page.text).toContain('已收藏');
    expect(page.text).toContain(`action="/me/saved/${String(open._id)}/delete"`);
    // Saving twice keeps one.
    await agent
      .post(`/me/saved/${String(open._id)}`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) });

    // From the board, back to the same search.
    for (const v of [closing, toClose, toReview]) {
      const res = await press(agent, '/jobs?q=收藏', `/me/saved/${String(v._id)}`);
      expect(decodeURI(String(res.headers.location))).toBe('/jobs?q=收藏');
    }
    const board = await agent.get('/jobs?q=收藏');
    expect(board.text.match(/★ 已收藏/g)?.length).toBe(4);

    await Vacancy.updateOne({ _id: toClose._id }, { $set: { status: 'closed', closedAt: t.clock.now() } });
    await Vacancy.updateOne({ _id: toReview._id }, { $set: { status: 'in_review', title: '未经审核的新标题' } });

    const list = await agent.get('/me/saved');
    expect(list.status).toBe(200);
    expect(list.headers['cache-control']).toBe('private, no-store');
    const card = (title: string) => {
      const at = list.text.indexOf(title);
      return at < 0 ? '' : list.text.slice(at, list.text.indexOf('</li>', at));
    };
    expect(card('初中英语教师（收藏甲）')).toMatch(/报名中，\d{4}-\d{2}-\d{2} 截止/);
    expect(card('初中英语教师（收藏乙）')).toMatch(/即将截止：\d{4}-\d{2}-\d{2}/);
    expect(card('初中英语教师（收藏丙）')).toMatch(/已截止（\d{4}-\d{2}-\d{2}）/);
    // A post taken back to review is listed as no longer published, without its unreviewed text.
    expect(list.text).not.toContain('未经审核的新标题');
    expect(list.text).toContain('这个岗位已不再公开');
    expect(list.text.match(/class="job-card/g)?.length).toBe(4);
    // Newest saved first.
    expect(list.text.indexOf('收藏乙')).toBeLessThan(list.text.indexOf('收藏甲'));

    const removed = await press(agent, '/me/saved', `/me/saved/${String(open._id)}/delete`);
    expect(removed.headers.location).toBe('/me/saved');
    const after = await agent.get('/me/saved');
    expect(after.text).not.toContain('初中英语教师（收藏甲）');
    expect(after.text).toContain('已取消收藏');
    expect(after.text.match(/class="job-card/g)?.length).toBe(3);
  });

  it('when the saved post was applied to, then the list shows the application status with its link', async () => {
    const vacancy = await openPost('初中英语教师（收藏已报）');
    const { agent } = await makeCandidate(t, '周已报');
    await press(agent, `/jobs/${String(vacancy._id)}`, `/me/saved/${String(vacancy._id)}`);
    const applied = await submitForm(agent, `/jobs/${String(vacancy._id)}/apply`, { statement: '', consent: '1' });
    const list = await agent.get('/me/saved');
    expect(list.text).toContain('已报名 · 资格审查中');
    expect(list.text).toContain(`href="${String(applied.headers.location)}"`);
  });

  it('when someone other than a candidate saves, or a post without a public page is saved, or the way back leads elsewhere, then nothing is saved', async () => {
    const school = await makeOrg({ county: '130722' });
    const draft = await makeOpenVacancy(school, { title: '草稿岗位（收藏）' }, { status: 'draft' });
    const open = await openPost('初中英语教师（收藏权限）');
    const staff = await makeUser({ role: 'staff', org: school._id });
    const staffAgent = t.agent();
    await loginAs(staffAgent, staff.email);
    const staffToken = csrfFrom((await staffAgent.get('/account')).text);
    const byStaff = await staffAgent
      .post(`/me/saved/${String(open._id)}`)
      .type('form')
      .send({ _csrf: staffToken });
    expect(byStaff.status).toBe(403);
    expect((await staffAgent.get(`/jobs/${String(open._id)}`)).text).not.toContain('/me/saved/');
    expect((await t.agent().get(`/jobs/${String(open._id)}`)).text).not.toContain('/me/saved/');

    const { agent } = await makeCandidate(t, '吴权限');
    const token = csrfFrom((await agent.get(`/jobs/${String(open._id)}`)).text);
    expect(
      (
        await agent
          .post(`/me/saved/${String(draft._id)}`)
          .type('form')
          .send({ _csrf: token })
      ).status,
    ).toBe(404);
    expect((await agent.post('/me/saved/not-an-id').type('form').send({ _csrf: token })).status).toBe(404);
    const offsite = await agent
      .post(`/me/saved/${String(open._id)}`)
      .type('form')
      .send({ _csrf: token, back: 'https://evil.example/' });
    expect(offsite.headers.location).toBe(`/jobs/${String(open._id)}`);
    const list = await agent.get('/me/saved');
    expect(list.text).not.toContain('草稿岗位（收藏）');
    expect(list.text.match(/class="job-card/g)?.length).toBe(1);
  });
});
