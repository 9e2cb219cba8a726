// The audit log: regional coordinators find who read or changed what, by action, person and date, and export it; a
// unit's coordinator reads the events of their unit only; nobody else reads it.
import { Event } from '../../models/Event';
import { useTestApp } from '../helpers/app';
import { makeOrg, makeUser } from '../helpers/builders';
import { csrfFrom, loginAs } from '../helpers/http';

const t = useTestApp({ start: new Date('2026-11-29T02:00:00Z') });

it('finds reads of protected data by action, person and date, exports the same rows, and is closed to everyone else', async () => {
  const reader = await makeUser({ role: 'staff', name: '查阅人', email: `reader-${Date.now()}@test.cn` });
  const other = await makeUser({ role: 'staff' });
  const at = (day: string) => new Date(`${day}T10:00:00+08:00`);
  await Event.create([
    {
      actor: reader._id,
      action: 'document.read',
      subjectType: 'Application',
      subjectId: 'a1',
      summary: { kind: 'cv' },
      at: at('2026-11-20'),
    },
    {
      actor: reader._id,
      action: 'application.exported',
      subjectType: 'Vacancy',
      subjectId: 'v1',
      summary: { rows: 3 },
      at: at('2026-11-25'),
    },
    {
      actor: other._id,
      action: 'document.read',
      subjectType: 'Application',
      subjectId: 'a2',
      summary: {},
      at: at('2026-11-26'),
    },
  ]);
  const agent = t.agent();
  await loginAs(agent, (await makeUser({ role: 'coordinator' })).email);

  const reads = (await agent.get('/coordinator/audit?action=document.')).text;
  expect(reads).toContain('共 2 条');
  const mine = (await agent.get(`/coordinator/audit?action=document.&actorEmail=${encodeURIComponent(reader.email)}`))
    .text;
  expect(mine).toContain('共 1 条');
  expect(mine).toContain('查阅人');
  expect(mine).toContain('<code>a1</code>');
  expect(mine).not.toContain('<code>a2</code>');
  const late = (await agent.get('/coordinator/audit?from=2026-11-25&to=2026-11-26')).text;
  expect(late).toContain('共 2 条');
  expect(late).not.toContain('<code>a1</code>');

  const csv = await agent.get(`/coordinator/audit.csv?actorEmail=${encodeURIComponent(reader.email)}`);
  expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
  const lines = csv.text
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\r\n');
  expect(lines[0]).toBe('时间,操作,操作人,对象类型,对象编号,摘要,请求编号');
  expect(lines.slice(1).map((l) => l.split(',')[1])).toEqual(['application.exported', 'document.read']);
  // Exporting the log is itself recorded.
  expect(await Event.countDocuments({ action: 'audit.exported' })).toBe(1);

  const staff = t.agent();
  await loginAs(staff, (await makeUser({ role: 'staff', org: (await makeOrg())._id })).email);
  expect((await staff.get('/coordinator/audit.csv')).status).toBe(403);
  expect((await t.agent().get('/coordinator/audit')).status).toBe(303);
});

it("a unit's coordinator reads what its staff did and what was done to its records, and nothing of another unit", async () => {
  const langfang = await makeOrg({ county: '131082' }); // 三河市, unit 1310
  const baoding = await makeOrg({ county: '130684' }); // 高碑店市, unit 1306
  const reader = await makeUser({ role: 'staff', org: langfang._id, name: '廊坊人事' });
  const outsider = await makeUser({ role: 'staff', org: baoding._id, name: '保定人事' });
  const regional = t.agent();
  await loginAs(regional, (await makeUser({ role: 'coordinator' })).email);
  const coordinator = await makeUser({ role: 'coordinator', scopeUnit: '1310' });
  const unit = t.agent();
  await loginAs(unit, coordinator.email);

  // Through the app, so that each event is attributed as it is written: in each unit, a staff member closes a
  // departed colleague's account.
  const langfangStaff = t.agent();
  await loginAs(langfangStaff, reader.email);
  const baodingStaff = t.agent();
  await loginAs(baodingStaff, outsider.email);
  const baodingColleague = await makeUser({ role: 'staff', org: baoding._id, name: '保定离职' });
  const langfangColleague = await makeUser({ role: 'staff', org: langfang._id, name: '廊坊离职' });
  for (const [agent, colleague] of [
    [langfangStaff, langfangColleague],
    [baodingStaff, baodingColleague],
  ] as const) {
    const page = await agent.get('/organisation');
    expect(page.status).toBe(200);
    const res = await agent
      .post(`/organisation/members/${String(colleague._id)}/close`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), understood: '1' });
    expect(res.status).toBe(303);
  }
  const closed = await Event.find({ action: 'organisation.member_closed' }).lean();
  expect(closed.map((e) => e.units).sort()).toEqual([['1306'], ['1310']]);

  const seen = (await unit.get('/coordinator/audit?action=organisation.member_closed')).text;
  expect(seen).toContain('廊坊市');
  expect(seen).toContain('共 1 条');
  expect(seen).toContain('廊坊人事');
  expect(seen).not.toContain('保定人事');
  // Asking for the other unit's record by its id finds nothing; the CSV holds the same rows.
  const theirs = closed.find((e) => e.units.includes('1306'))!;
  expect((await unit.get(`/coordinator/audit?subjectId=${theirs.subjectId}`)).text).toContain('共 0 条');
  const csv = (await unit.get('/coordinator/audit.csv?action=organisation.member_closed')).text;
  expect(csv).toContain('廊坊人事');
  expect(csv).not.toContain('保定人事');
  // The regional office sees both.
  expect((await regional.get('/coordinator/audit?action=organisation.member_closed')).text).toContain('共 2 条');
  // And the menu offers the log to the unit's coordinator.
  expect((await unit.get('/coordinator/reports')).text).toContain('href="/coordinator/audit"');
});
