import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { Announcement } from '../../models/Announcement';
import { parseFilters, toQueryString } from '../../server/services/board';
import { useTestApp } from '../helpers/app';
import { makeOrg } from '../helpers/builders';
import { makeOpenVacancy } from '../helpers/postings';

const t = useTestApp();
const DAY = 86_400_000;
const ids: Record<string, string> = {};

beforeAll(async () => {
  const now = t.clock.now().getTime();
  const zhangbei = await makeOrg({ county: '130722', name: '张北县第二中学' });
  const langfang = await makeOrg({ county: '131002', name: '廊坊市第一中学' });
  const beijing = await makeOrg({ county: '110105', name: '北京市第八十中学' });
  const xiongan = await makeOrg({ county: '130638', name: '北京八十中雄安分校' });
  const drive = await Announcement.create({
    issuer: beijing._id,
    unitCode: '11',
    programme: 'campus_drive',
    title: '春季校园招聘会',
    status: 'open',
    openedAt: new Date(now),
  });
  const at = (days: number) => new Date(now + days * DAY);
  ids.english = String(
    (
      await makeOpenVacancy(
        zhangbei,
        { title: '初中英语教师', subject: 'english', deadline: at(5) },
        { openedAt: at(-1) },
      )
    )._id,
  );
  ids.it = String(
    (
      await makeOpenVacancy(
        zhangbei,
        {
          title: '信息科技教师',
          subject: 'it',
          postType: 'special_post',
          deadline: at(30),
          announcementId: String(drive._id),
        },
        { openedAt: at(-2) },
      )
    )._id,
  );
  ids.math = String(
    (
      await makeOpenVacancy(
        langfang,
        { title: '高中数学教师', stage: 'senior', subject: 'math', certificateType: 'senior', deadline: at(40) },
        { openedAt: at(-3) },
      )
    )._id,
  );
  ids.branch = String(
    (
      await makeOpenVacancy(
        xiongan,
        { title: '初中物理教师', subject: 'physics', deadline: at(20) },
        { poster: beijing, openedAt: at(-4) },
      )
    )._id,
  );
  ids.draft = String(
    (await makeOpenVacancy(zhangbei, { title: '初中历史教师（草稿）', subject: 'history' }, { status: 'draft' }))._id,
  );
  // Enough rows in Baoding (阜平) for pagination, newest first by openedAt.
  const fuping = await makeOrg({ county: '130624', name: '阜平县城南庄小学' });
  for (let i = 0; i < 45; i += 1) {
    await makeOpenVacancy(
      fuping,
      {
        title: `小学语文教师 ${i}`,
        stage: 'primary',
        subject: 'chinese',
        certificateType: 'primary',
        deadline: at(10 + i),
      },
      { openedAt: at(-10 - i) },
    );
  }
  ids.drive = String(drive._id);
});

async function found(query: string): Promise<string[]> {
  const res = await t.agent().get(`/api/v1/vacancies?${query}&perPage=100`);
  expect(res.status).toBe(200);
  return (res.body.data as { id: string }[]).map((v) => v.id);
}

describe('job board filters', () => {
  it.each([
    ['unit=1307', ['english', 'it']],
    ['county=130722&subject=english', ['english']],
    ['stage=senior', ['math']],
    ['postType=special_post', ['it']],
    ['shortage=1&unit=1307', ['english', 'it']],
    ['corridor=1', ['math']],
    ['partner=1', ['branch']],
    ['within=7&unit=1307', ['english']],
  ])('%s', async (query, expected) => {
    const result = await found(query);
    expect(result.sort()).toEqual(expected.map((k) => ids[k]).sort());
  });

  it('filters by recruitment drive', async () => {
    expect(await found(`announcement=${ids.drive}`)).toEqual([ids.it]);
  });

  it('never shows drafts, whatever the filter', async () => {
    expect(await found('unit=1307&q=历史')).toEqual([]);
  });
});

describe('keyword search in Chinese', () => {
  it('when the keyword is a subject alias, then the subject is found (信息技术 finds 信息科技)', async () => {
    expect(await found(`q=${encodeURIComponent('信息技术')}`)).toEqual([ids.it]);
  });

  it('when keywords name a place and a subject, then only posts matching both are found', async () => {
    expect(await found(`q=${encodeURIComponent('张北 英语')}`)).toEqual([ids.english]);
    expect(await found(`q=${encodeURIComponent('廊坊 数学')}`)).toEqual([ids.math]);
    expect(await found(`q=${encodeURIComponent('张北 数学')}`)).toEqual([]);
  });

  it('when the keyword is one character or English, then it still matches', async () => {
    expect(await found(`q=${encodeURIComponent('物')}&unit=xiongan`)).toEqual([ids.branch]);
    expect(await found('q=Physics')).toEqual([ids.branch]);
  });

  it('shows a clear empty state and the count on the page', async () => {
    const res = await t.agent().get(`/jobs?q=${encodeURIComponent('天文学')}`);
    expect(res.text).toContain('共 0 个岗位');
    expect(res.text).toContain('没有符合条件的岗位');
    expect(res.text).toContain('清除全部条件');
  });
});

describe('pagination and shareable URLs', () => {
  it('when paging through results, then every vacancy appears exactly once, in order, for both sorts', async () => {
    for (const sort of ['newest', 'deadline']) {
      const seen: string[] = [];
      for (let page = 1; page <= 3; page += 1) {
        const res = await t.agent().get(`/api/v1/vacancies?unit=1306&sort=${sort}&page=${page}`);
        expect(res.body.meta).toMatchObject({ total: 45, pages: 3, page });
        seen.push(...(res.body.data as { id: string }[]).map((v) => v.id));
        if (page < 3) expect(res.body.links.next).toContain(`page=${page + 1}`);
        else expect(res.body.links.next).toBeNull();
      }
      expect(seen).toHaveLength(45);
      expect(new Set(seen).size).toBe(45);
      const beyond = await t.agent().get(`/api/v1/vacancies?unit=1306&sort=${sort}&page=4`);
      expect(beyond.body.data).toEqual([]);
    }
    const newest = await t.agent().get('/api/v1/vacancies?unit=1306');
    expect(newest.body.data[0].title).toBe('小学语文教师 0');
    const soonest = await t.agent().get('/api/v1/vacancies?unit=1306&sort=deadline');
    expect(soonest.body.data[0].title).toBe('小学语文教师 0');
    const page3 = await t.agent().get('/api/v1/vacancies?unit=1306&page=3');
    expect(page3.body.data.at(-1).title).toBe('小学语文教师 44');
  });

  it('when a search is written to the URL and read back, then it is the same search, and the page shows it selected', async () => {
    const query = `q=${encodeURIComponent('英语')}&county=130722&stage=junior&subject=english&postType=established&shortage=1&within=30&sort=deadline&page=2`;
    const f = parseFilters(Object.fromEntries(new URLSearchParams(query)));
    expect(parseFilters(Object.fromEntries(new URLSearchParams(toQueryString(f, { page: f.page }))))).toEqual(f);
    expect(f).toMatchObject({
      q: '英语',
      county: '130722',
      unit: '1307',
      subject: 'english',
      shortage: true,
      within: 30,
      sort: 'deadline',
      page: 2,
    });
    const page = await t.agent().get(`/jobs?${query}`);
    expect(page.text).toContain('value="英语"');
    expect(page.text).toMatch(/<option value="130722" selected>/);
    expect(page.text).toMatch(/<option value="english" selected>/);
    expect(page.text).toMatch(/name="shortage" value="1" checked/);
    // Unknown values are dropped, not passed to the database.
    expect(parseFilters({ unit: '9999', stage: 'university', subject: { $ne: 1 }, page: '-3' })).toEqual({
      sort: 'newest',
      page: 1,
    });
  });
});

describe('vacancy page, feed and API', () => {
  it('when a vacancy page is opened, then it carries valid JobPosting JSON-LD and Open Graph tags', async () => {
    const res = await t.agent().get(`/jobs/${ids.english}`);
    expect(res.status).toBe(200);
    const script = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(res.text)?.[1];
    const data = JSON.parse(script!);
    expect(data).toMatchObject({
      '@context': 'https://schema.org/',
      '@type': 'JobPosting',
      title: '初中英语教师',
      hiringOrganization: { '@type': 'Organization', name: '张北县第二中学' },
      jobLocation: {
        '@type': 'Place',
        address: { addressRegion: '河北省', addressCountry: 'CN', addressLocality: '张家口市 张北县' },
      },
      baseSalary: { currency: 'CNY', value: { minValue: 4000, maxValue: 5000, unitText: 'MONTH' } },
      employmentType: 'FULL_TIME',
    });
    expect(typeof data.description).toBe('string');
    expect(new Date(data.datePosted).getTime()).not.toBeNaN();
    expect(new Date(data.validThrough).getTime()).toBeGreaterThan(new Date(data.datePosted).getTime());
    expect(res.text).toContain('<meta property="og:title" content="初中英语教师">');
    expect(res.text).toContain('还有 5 天');
  });

  it('when a vacancy is not public, then its page is 404', async () => {
    expect((await t.agent().get(`/jobs/${ids.draft}`)).status).toBe(404);
    expect((await t.agent().get('/jobs/not-an-id')).status).toBe(404);
  });

  it('when the Atom feed is read, then it is well-formed and lists the filtered vacancies, newest first', async () => {
    const res = await t.agent().get('/jobs/feed.xml?unit=1307');
    expect(res.headers['content-type']).toContain('application/atom+xml');
    expect(XMLValidator.validate(res.text)).toBe(true);
    const feed = new XMLParser({ ignoreAttributes: false }).parse(res.text).feed;
    const entries = Array.isArray(feed.entry) ? feed.entry : [feed.entry];
    expect(entries.map((e: { title: string }) => e.title)).toEqual(['初中英语教师', '信息科技教师']);
    expect(feed.link.find((l: Record<string, string>) => l['@_rel'] === 'self')['@_href']).toBe(
      'http://teachbridge.test/jobs/feed.xml?unit=1307',
    );
  });

  it('when the JSON API is asked in English, then names come in English and the shape is documented', async () => {
    const res = await t.agent().get(`/api/v1/vacancies?subject=math&lang=en`);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.body.data[0]).toMatchObject({
      id: ids.math,
      subjectName: 'Mathematics',
      stageName: 'Senior secondary',
      place: 'Anci District, Langfang',
      corridor: true,
    });
    expect(Object.keys(res.body)).toEqual(['data', 'meta', 'links']);
  });
});
