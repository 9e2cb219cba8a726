// The pages a visitor starts from: the home page (a search box and the newest open posts, from the in-memory
// catalogue) and the list of recruitment drives (with their dates; closed drives only when asked for).
import mongoose from 'mongoose';
import { Announcement } from '../../models/Announcement';
import { useTestApp } from '../helpers/app';
import { makeOrg } from '../helpers/builders';
import { makeOpenVacancy } from '../helpers/postings';

const t = useTestApp({ start: new Date('2026-11-29T02:00:00Z') });
const DAY = 86_400_000;

describe('home page', () => {
  it('when a visitor opens the home page, then a search box sends a keyword to the job board', async () => {
    const res = await t.agent().get('/');
    expect(res.text).toMatch(/<form method="get" action="\/jobs"[^>]*role="search"/);
    expect(res.text).toMatch(/<input id="home-q" name="q" type="search"/);
    expect(res.text).toContain('<label for="home-q">搜索岗位</label>');
  });

  it('when posts are open, then the home page lists the newest six, links each, and never a closed one, answering from memory', async () => {
    const school = await makeOrg({ county: '130722', name: '首页测试中学' });
    const now = t.clock.now().getTime();
    for (let i = 1; i <= 7; i += 1)
      await makeOpenVacancy(school, { title: `首页岗位${i}号` }, { openedAt: new Date(now - (10 - i) * DAY) });
    await makeOpenVacancy(school, { title: '首页已关闭岗位' }, { openedAt: new Date(now), status: 'closed' });
    const first = await t.agent().get('/');
    for (let i = 2; i <= 7; i += 1) expect(first.text).toContain(`首页岗位${i}号`);
    expect(first.text).not.toContain('首页岗位1号');
    expect(first.text).not.toContain('首页已关闭岗位');
    // Newest first.
    expect(first.text.indexOf('首页岗位7号')).toBeLessThan(first.text.indexOf('首页岗位2号'));
    expect(first.text).toMatch(/<a href="\/jobs">查看全部 \d+ 个在招岗位<\/a>/);

    // Once the catalogue is loaded, the home page reads no vacancy from the database.
    const collections: string[] = [];
    mongoose.set('debug', (collection: string) => void collections.push(collection));
    try {
      const again = await t.agent().get('/?lang=en');
      expect(again.text).toContain('Latest open posts');
      expect(again.text).toMatch(/See all \d+ open posts/);
    } finally {
      mongoose.set('debug', false);
    }
    expect(collections).toContain('cataloguestamps'); // the catalogue checked it is fresh
    expect(collections.filter((c) => c === 'vacancies')).toEqual([]);
  });
});

describe('recruitment drives', () => {
  it('when drives are listed, then each shows its dates and closed drives are hidden until asked for', async () => {
    const issuer = await makeOrg({ county: '130722' });
    const at = (day: string) => new Date(`${day}T00:00:00+08:00`);
    await Announcement.create({
      issuer: issuer._id,
      issuerName: '张北县教育局',
      unitCode: '1307',
      programme: 'open_recruitment',
      title: '张北县2027年公开招聘教师公告',
      status: 'open',
      openedAt: t.clock.now(),
      phases: [
        { kind: 'registration', start: at('2026-12-01'), end: at('2026-12-10') },
        { kind: 'interview', start: at('2027-01-05'), end: at('2027-01-08') },
      ],
    });
    await Announcement.create({
      issuer: issuer._id,
      issuerName: '张北县教育局',
      unitCode: '1307',
      programme: 'open_recruitment',
      title: '张北县2026年春季招聘（已结束）',
      status: 'closed',
      openedAt: new Date(t.clock.now().getTime() - 200 * DAY),
      phases: [{ kind: 'registration', start: at('2026-03-01'), end: at('2026-03-10') }],
    });

    const open = await t.agent().get('/announcements');
    expect(open.text).toContain('张北县2027年公开招聘教师公告');
    expect(open.text).toContain('报名 2026-12-01 至 2026-12-10');
    expect(open.text).toContain('日程 2026-12-01 至 2027-01-08');
    expect(open.text).not.toContain('张北县2026年春季招聘（已结束）');
    expect(open.text).toContain('href="/announcements?closed=1"');

    const all = await t.agent().get('/announcements?closed=1');
    expect(all.text).toContain('张北县2026年春季招聘（已结束）');
    expect(all.text).toContain('报名 2026-03-01 至 2026-03-10');
    expect(all.text).toContain('张北县2027年公开招聘教师公告');
    expect(all.text).toContain('href="/announcements">只看正在进行的</a>');

    const english = await t.agent().get('/announcements?lang=en');
    expect(english.text).toContain('Registration 2026-12-01 to 2026-12-10');
    expect(english.text).toContain('Show closed drives too');
  });
});
