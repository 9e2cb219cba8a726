// Every CSV export, over the demo region: times are written in China Standard Time, as the pages show them, in a
// form a spreadsheet reads (YYYY-MM-DD HH:mm), never as UTC instants. The list of exports comes from the routers, so
// a new CSV route fails here until it is checked too.
import { Application } from '../../models/Application';
import { Event } from '../../models/Event';
import { IncentiveProgramme } from '../../models/IncentiveProgramme';
import { Organisation } from '../../models/Organisation';
import { Placement } from '../../models/Placement';
import { DEMO_PASSWORD, seedDemo } from '../../scripts/seed';
import { cstDate, cstDateTime } from '../../server/views/present';
import { useTestApp } from '../helpers/app';
import { loginAs } from '../helpers/http';
import { routesOf } from '../security/inventory';

jest.setTimeout(180_000);

const t = useTestApp({ start: new Date('2026-11-29T02:00:00Z') });

type Agent = ReturnType<typeof t.agent>;
const as = async (email: string): Promise<Agent> => {
  const agent = t.agent();
  await loginAs(agent, email, DEMO_PASSWORD);
  return agent;
};

/** The rows of a CSV export (BOM dropped; cells are never multi-line in these exports). */
function rowsOf(text: string): string[][] {
  return text
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\r\n')
    .map((line) => line.split(','));
}

// A UTC instant as toISOString() writes it: the hour a reader in Beijing would misread by eight.
const ISO_INSTANT = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

describe('CSV exports', () => {
  it('when any export is downloaded, then its times are China Standard Time as on screen, never UTC instants', async () => {
    await seedDemo({ argon2: t.config.argon2, dataKey: t.config.dataKey, now: t.clock.now() });
    await t.services.placements.sweep();
    const zhangbei = (await Organisation.findOne({ name: '张北县第二中学' }).lean())!;
    // An application sent at 01:30 Beijing time, which is still the previous day in UTC.
    const app = (await Application.findOne({ postedBy: zhangbei._id }).lean())!;
    const sentAt = new Date('2026-11-20T17:30:00Z');
    await Application.updateOne({ _id: app._id }, { $set: { submittedAt: sentAt } });
    // The exports themselves are recorded at 01:05:09 Beijing time (17:05:09 UTC the day before).
    t.clock.set(new Date('2026-11-28T17:05:09Z'));

    const school = await as('hr.zhangbei@demo.teachbridge.cn');
    const partner = await as('careers@demo.bnu.edu.cn');
    const sponsor = await as('grants@demo.chunhui.org.cn');
    const coordinator = await as('coordinator@demo.teachbridge.cn');
    const programme = (await IncentiveProgramme.findOne({ status: 'approved' }).lean())!;
    const dashboard = (await coordinator.get('/coordinator/reports')).text;
    const charts = [...new Set([...dashboard.matchAll(/\/coordinator\/reports\/([\w-]+)\.csv/g)].map((m) => m[1]!))];
    expect(charts.length).toBeGreaterThanOrEqual(10);

    const exports: Record<string, [Agent, string][]> = {
      '/manage/vacancies/:id/applications.csv': [[school, `/manage/vacancies/${String(app.vacancy)}/applications.csv`]],
      '/partner/referrals.csv': [[partner, '/partner/referrals.csv']],
      '/partner/referrals/template.csv': [[partner, '/partner/referrals/template.csv']],
      '/sponsor/programmes/:id/awards.csv': [[sponsor, `/sponsor/programmes/${String(programme._id)}/awards.csv`]],
      '/coordinator/placements.csv': [[coordinator, '/coordinator/placements.csv']],
      '/coordinator/reports/:chart.csv': charts.map((c) => [coordinator, `/coordinator/reports/${c}.csv`]),
      // Last, so that the other exports' own audit records are in it.
      '/coordinator/audit.csv': [[coordinator, '/coordinator/audit.csv?action=application.exported']],
    };
    // Every CSV route the app has is checked here.
    const csvRoutes = routesOf(t.app)
      .filter((r) => r.method === 'get' && r.path.endsWith('.csv'))
      .map((r) => r.path);
    expect(csvRoutes.sort()).toEqual(Object.keys(exports).sort());

    const bodies = new Map<string, string[][]>();
    for (const [route, calls] of Object.entries(exports)) {
      for (const [agent, path] of calls) {
        const res = await agent.get(path);
        expect({ path, status: res.status, type: res.headers['content-type'] }).toEqual({
          path,
          status: 200,
          type: 'text/csv; charset=utf-8',
        });
        expect({ path, utc: ISO_INSTANT.exec(res.text)?.[0] ?? null }).toEqual({ path, utc: null });
        if (calls.length === 1) bodies.set(route, rowsOf(res.text));
      }
    }

    // The applicant export: the time the application was sent, as the pipeline page shows it (Beijing time).
    const applicants = bodies.get('/manage/vacancies/:id/applications.csv')!;
    const submitted = applicants[0]!.indexOf('报名时间');
    expect(submitted).toBeGreaterThan(0);
    expect(applicants.slice(1).map((r) => r[submitted])).toContain('2026-11-21 01:30');
    // The audit log: to the second, in Beijing time.
    const audit = bodies.get('/coordinator/audit.csv')!;
    const exported = audit.find((r) => r[1] === 'application.exported');
    expect(exported?.[0]).toBe('2026-11-29 01:05:09');
    expect(await Event.countDocuments({ action: 'application.exported', at: new Date('2026-11-28T17:05:09Z') })).toBe(
      1,
    );
    // Start dates of placements (1 September in Beijing is still 31 August in UTC) are the Beijing dates.
    const registry = bodies.get('/coordinator/placements.csv')!;
    const start = registry[0]!.indexOf('入职日期');
    const placements = await Placement.find({}).select({ startDate: 1 }).lean();
    expect(new Set(registry.slice(1).map((r) => r[start]))).toEqual(
      new Set(placements.map((p) => cstDate(p.startDate))),
    );
    expect(registry.slice(1).map((r) => r[start])).toContain('2025-09-01');
    const awards = bodies.get('/sponsor/programmes/:id/awards.csv')!;
    expect(awards.length).toBeGreaterThan(1);
    for (const row of awards.slice(1)) expect(row[2]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(cstDateTime(sentAt)).toBe('2026-11-21 01:30');
  });
});
