// The coordinator's reports over real records: scope, the snapshot and its refresh, charts that are well-formed SVG
// with a title and a data table, and CSV files that hold exactly the charts' data.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { Types } from 'mongoose';
import { Application } from '../../models/Application';
import { Placement } from '../../models/Placement';
import { ReportFact, ReportSnapshot } from '../../models/Report';
import { Vacancy } from '../../models/Vacancy';
import { CHART_KEYS } from '../../server/views/reports';
import { useTestApp } from '../helpers/app';
import { makeOrg, makeUser } from '../helpers/builders';
import { csrfFrom, loginAs } from '../helpers/http';

const t = useTestApp({ start: new Date('2026-11-29T02:00:00Z') });
const d = (day: string) => new Date(`${day}T10:00:00+08:00`);

/**
 * Two units: 张北县 (1307) with a closed junior English special post (3 wanted, 2 signed, one of whom left early)
 * and an open maths post (2 wanted, none yet); 安次区 (1310) with a filled contract physics post (1 signed).
 */
async function region() {
  const zhangbei = await makeOrg({ county: '130722', name: '张北县报表测试中学' });
  const anci = await makeOrg({ county: '131002', name: '安次区报表测试中学' });
  const candidate = await makeUser();
  const vacancy = (school: typeof zhangbei, fields: Record<string, unknown>) =>
    Vacancy.create({
      school: school._id,
      postedBy: school._id,
      title: '报表测试岗位',
      unitCode: school.unitCode,
      countyCode: school.countyCode,
      deadline: d('2026-12-31'),
      ...fields,
    });
  const english = await vacancy(zhangbei, {
    stage: 'junior',
    subject: 'english',
    postType: 'special_post',
    pipeline: 'special_post',
    headcount: 3,
    status: 'closed',
    openedAt: d('2025-03-01'),
  });
  const maths = await vacancy(zhangbei, {
    stage: 'junior',
    subject: 'math',
    postType: 'established',
    headcount: 2,
    status: 'open',
    openedAt: d('2026-04-01'),
  });
  const physics = await vacancy(anci, {
    stage: 'senior',
    subject: 'physics',
    postType: 'contract',
    pipeline: 'contract',
    headcount: 1,
    status: 'filled',
    openedAt: d('2025-05-01'),
  });
  const apply = (v: typeof english, stage: string, submitted: string, fields: Record<string, unknown> = {}) =>
    Application.create({
      vacancy: v._id,
      candidate: new Types.ObjectId(),
      postedBy: v.postedBy,
      school: v.school,
      unitCode: v.unitCode,
      pipeline: v.pipeline,
      stage,
      consentAt: d(submitted),
      submittedAt: d(submitted),
      history: [{ at: d(submitted), to: 'submitted' }],
      ...fields,
    });
  const signed = (submitted: string, offer: string, sign: string) => ({
    history: [
      { at: d(submitted), to: 'submitted' },
      { at: d(offer), to: 'offer' },
      { at: d(sign), to: 'signed' },
    ],
  });
  const a1 = await apply(english, 'signed', '2025-03-05', signed('2025-03-05', '2025-06-01', '2025-06-10'));
  const a2 = await apply(english, 'signed', '2025-03-06', signed('2025-03-06', '2025-06-06', '2025-06-20'));
  await apply(english, 'qualification_review', '2025-03-07', { outcome: 'rejected', rejectReason: 'qualification' });
  await apply(english, 'written_exam', '2025-03-08', { outcome: 'absent' });
  await apply(maths, 'submitted', '2026-04-10');
  const a3 = await apply(physics, 'signed', '2025-05-03', signed('2025-05-03', '2025-05-20', '2025-05-25'));
  const place = (a: typeof a1, v: typeof english, fields: Record<string, unknown>) =>
    Placement.create({
      application: a._id,
      teacher: candidate._id,
      school: v.school,
      postedBy: v.postedBy,
      vacancy: v._id,
      unitCode: v.unitCode,
      countyCode: v.countyCode,
      postType: v.postType,
      startDate: d('2025-09-01'),
      status: 'active',
      ...fields,
    });
  await place(a1, english, { mentor: new Types.ObjectId() });
  await place(a2, english, { status: 'left_early', leftAt: d('2026-03-01'), leaveReason: 'distance' });
  await place(a3, physics, { status: 'transferred', leftAt: d('2025-12-01') });
  return { zhangbei, anci, english };
}

async function coordinator(scopeUnit: string | null = null, locale: 'zh-CN' | 'en' = 'zh-CN') {
  const agent = t.agent();
  await loginAs(agent, (await makeUser({ role: 'coordinator', scopeUnit, locale })).email);
  return agent;
}

const entities = (s: string) => s.replace(/&#x3D;/g, '=');
const decode = (s: string) =>
  s
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&#x3D;/g, '=')
    .replace(/&#x60;/g, '`')
    .replace(/&amp;/g, '&')
    .trim();

/** One chart's figure on the page: its SVGs, and its data table as text cells. */
function figure(html: string, key: string) {
  const block = new RegExp(`<figure class="report-chart" id="chart-${key}"[\\s\\S]*?</figure>`).exec(html)?.[0];
  if (!block) throw new Error(`No chart ${key} on the page`);
  const svgs = [...block.matchAll(/<svg[\s\S]*?<\/svg>/g)].map((m) => m[0]);
  const table = /<table>[\s\S]*?<\/table>/.exec(block)?.[0] ?? '';
  const rows = [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) =>
    [...m[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => decode(c[1]!)),
  );
  const heading = decode(/<h3[^>]*>([\s\S]*?)<\/h3>/.exec(block)?.[1] ?? '');
  return { block, svgs, rows, heading };
}

function parseCsv(text: string): string[][] {
  expect(text.charCodeAt(0)).toBe(0xfeff);
  return text
    .slice(1)
    .split('\r\n')
    .filter(Boolean)
    .map((line) => line.split(',').map((c) => c.replace(/^"|"$/g, '')));
}

const marks = (svg: string) =>
  [...svg.matchAll(/<(?:rect|circle|path)[^>]*data-value="([^"]*)"[^>]*data-label="([^"]*)"/g)].map((m) => ({
    value: Number(m[1]),
    label: decode(m[2]!),
  }));

beforeEach(async () => {
  await Vacancy.deleteMany({});
  await Application.deleteMany({});
  await Placement.deleteMany({});
  await ReportFact.deleteMany({});
  await ReportSnapshot.deleteMany({});
});

describe('the reports dashboard', () => {
  it('shows the region to a regional coordinator, one unit to a unit coordinator, and nothing to anyone else', async () => {
    await region();
    const all = await coordinator();
    const page = await all.get('/coordinator/reports');
    expect(page.status).toBe(200);
    // Headline: 3 unfilled of 6 wanted (closed English 3−2, open maths 2−0, filled physics 0); 6 applications;
    // 3 signed; 1 of the 3 placed a year ago still in post.
    const headline = decode(/<dl class="stats">([\s\S]*?)<\/dl>/.exec(page.text)![1]!.replace(/<[^>]+>/g, ' ')).replace(
      /\s+/g,
      ' ',
    );
    expect(headline).toContain('未补岗位人数 / 招聘人数 3 / 6');
    expect(headline).toContain('报名人次 6');
    expect(headline).toContain('签约人数 3');
    expect(headline).toContain('入职一年后仍在岗 33% 1/3');
    const shortage = figure(page.text, 'shortage');
    expect(shortage.rows.slice(1).map((r) => [r[0], r[1], r[6]])).toEqual([
      ['张家口市', '英语', '1'],
      ['张家口市', '数学', '2'],
      ['廊坊市', '物理', '0'],
    ]);
    // Drilling in: each unit's row links to the dashboard filtered to it.
    expect(entities(shortage.block)).toContain('<a href="/coordinator/reports?unit=1307">张家口市</a>');

    const langfang = await coordinator('1310');
    const scoped = await langfang.get('/coordinator/reports?unit=1307');
    expect(scoped.status).toBe(200);
    expect(
      figure(scoped.text, 'shortage')
        .rows.slice(1)
        .map((r) => [r[0], r[1], r[6]]),
    ).toEqual([['安次区', '物理', '0']]);
    expect(scoped.text).not.toContain('张北县');
    const csv = await langfang.get('/coordinator/reports/channels.csv?unit=1307');
    // Only the physics application of 安次区: one application, one hire, placed a year ago and gone (transferred).
    expect(parseCsv(csv.text).slice(1)).toEqual([['自主报名', '1', '1', '1', '0', '0']]);

    const staff = t.agent();
    const school = await makeOrg({ county: '130722' });
    await loginAs(staff, (await makeUser({ role: 'staff', org: school._id })).email);
    expect((await staff.get('/coordinator/reports')).status).toBe(403);
    expect((await staff.get('/coordinator/reports/funnel.csv')).status).toBe(403);
    expect((await t.agent().get('/coordinator/reports')).status).toBe(303);
  });

  it('renders every chart as well-formed SVG with a title and a data table, and its CSV holds the same data', async () => {
    await region();
    for (const locale of ['zh-CN', 'en'] as const) {
      const agent = await coordinator(null, locale);
      const page = await agent.get('/coordinator/reports');
      expect(page.headers['server-timing']).toMatch(/shortage;dur=[\d.]+/);
      for (const key of CHART_KEYS) {
        const f = figure(page.text, key);
        expect(f.svgs.length).toBeGreaterThan(0);
        for (const svg of f.svgs) {
          expect(XMLValidator.validate(svg)).toBe(true);
          const parsed = new XMLParser({ ignoreAttributes: false, preserveOrder: true }).parse(svg) as {
            svg: { title?: { '#text': string }[] }[];
          }[];
          // The first child of every chart is its title.
          expect(Object.keys(parsed[0]!.svg[0]!)[0]).toBe('title');
        }
        expect(f.block).toContain('<details class="chart-data">');
        const csv = await agent.get(`/coordinator/reports/${key}.csv`);
        expect(csv.status).toBe(200);
        expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
        expect(csv.headers['content-disposition']).toContain(`teachbridge-${key}-2026-11-29.csv`);
        const rows = parseCsv(csv.text);
        // The page's table (empty cells shown as "–") and the CSV are the same rows.
        const table = f.rows.length ? f.rows : [];
        if (table.length > 0) expect(rows).toEqual(table.map((r) => r.map((c) => (c === '–' ? '' : c))));
        else expect(rows.length).toBeLessThanOrEqual(1);
      }
      // The plotted values are the CSV's numbers: funnel bars and heat-map cells.
      const funnelCsv = parseCsv((await agent.get('/coordinator/reports/funnel.csv')).text).slice(1);
      expect(marks(figure(page.text, 'funnel').svgs[0]!).map((m) => m.value)).toEqual(
        funnelCsv.map((r) => Number(r[1])),
      );
      // 6 registered; 4 past review (not the rejected one nor the open post's new application); the 3 signed reach
      // every later step; 1 of the 3 placed a year ago is still in post.
      expect(funnelCsv.map((r) => [r[1], r[2]])).toEqual([
        ['6', ''],
        ['4', '67'],
        ['3', '75'],
        ['3', '100'],
        ['3', '100'],
        ['3', '100'],
        ['3', '100'],
        ['3', '100'],
        ['1', '33'],
      ]);
      const shortageCsv = parseCsv((await agent.get('/coordinator/reports/shortage.csv')).text).slice(1);
      expect(
        marks(figure(page.text, 'shortage').svgs[0]!)
          .map((m) => m.value)
          .sort(),
      ).toEqual(shortageCsv.map((r) => Number(r[6])).sort());
    }
  });

  it('reads a snapshot: changes appear after "update now" (at most once a minute) or the nightly rebuild after 02:00', async () => {
    const { english } = await region();
    const agent = await coordinator();
    const applications = async () => figure((await agent.get('/coordinator/reports')).text, 'funnel').rows[1]![1];
    expect(await applications()).toBe('6');
    await Application.create({
      vacancy: english._id,
      candidate: new Types.ObjectId(),
      postedBy: english.postedBy,
      school: english.school,
      unitCode: english.unitCode,
      pipeline: english.pipeline,
      stage: 'submitted',
      consentAt: d('2025-03-20'),
      submittedAt: d('2025-03-20'),
    });
    expect(await applications()).toBe('6'); // still the snapshot

    const refresh = async () => {
      const page = await agent.get('/coordinator/reports?year=2025');
      const res = await agent
        .post('/coordinator/reports/refresh')
        .type('form')
        .send({ _csrf: csrfFrom(page.text), back: '/coordinator/reports?year=2025' });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/coordinator/reports?year=2025');
      return (await agent.get(res.headers.location as string)).text;
    };
    expect(await refresh()).toContain('报表数据已更新。');
    expect(await applications()).toBe('7');
    expect(await refresh()).toContain('一分钟内已更新过');
    t.clock.advance(61_000);
    expect(await refresh()).toContain('报表数据已更新。');

    // The hourly job rebuilds only once the snapshot predates the latest 02:00 in Beijing.
    const reports = t.services.reports;
    t.clock.set(new Date('2026-11-29T17:00:00Z')); // 01:00 on the 30th in Beijing: last night's 02:00 is covered
    expect(await reports.refreshIfStale(t.clock.now())).toBe(false);
    t.clock.set(new Date('2026-11-29T18:30:00Z')); // 02:30 on the 30th
    expect(await reports.refreshIfStale(t.clock.now())).toBe(true);
    expect(await reports.refreshIfStale(t.clock.now())).toBe(false);
    // Only the current snapshot's facts are kept.
    expect(await ReportSnapshot.countDocuments({})).toBe(1);
    const current = await reports.latest();
    expect((await ReportFact.find({}).lean()).every((f) => f.snapshot === current!.id)).toBe(true);
  });

  it('filters by year, place, stage, subject, post type and announcement, all kept in the links', async () => {
    await region();
    const agent = await coordinator(null, 'en');
    const page = entities(
      (await agent.get('/coordinator/reports?unit=1307&year=2025&stage=junior&postType=special_post')).text,
    );
    // Drilled into 张家口: rows are counties; only the 2025 English post remains.
    expect(
      figure(page, 'shortage')
        .rows.slice(1)
        .map((r) => [r[0], r[1], r[6]]),
    ).toEqual([['Zhangbei County', 'English', '1']]);
    expect(page).toContain(
      'href="/coordinator/reports/funnel.csv?year=2025&amp;unit=1307&amp;stage=junior&amp;postType=special_post"',
    );
    expect(page).toContain('<option value="1307" selected>');
    // The stage toggle keeps the other filters.
    expect(page).toContain(
      'href="/coordinator/reports?year=2025&amp;unit=1307&amp;stage=senior&amp;postType=special_post"',
    );
    // Unknown values are ignored rather than failing.
    const odd = await agent.get('/coordinator/reports?unit=9999&year=abc&stage=%24ne&announcement[$gt]=');
    expect(odd.status).toBe(200);
    expect(figure(odd.text, 'funnel').rows[1]![1]).toBe('6');
    const byPostType = (await agent.get('/coordinator/reports?timeBy=postType')).text;
    expect(
      figure(byPostType, 'time-offer')
        .rows.slice(1)
        .map((r) => [r[0], r[1]]),
    ).toEqual([
      ['All', '3'],
      ['Contract post', '1'],
      ['Special-post teacher', '2'],
    ]);
  });
});
