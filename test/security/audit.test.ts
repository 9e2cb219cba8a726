// The audit log: regional coordinators find who read or changed what, by action, person and date, and export it;
// nobody else reads it.
import { Event } from '../../models/Event';
import { useTestApp } from '../helpers/app';
import { makeOrg, makeUser } from '../helpers/builders';
import { loginAs } from '../helpers/http';

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

  const unit = t.agent();
  await loginAs(unit, (await makeUser({ role: 'coordinator', scopeUnit: '1310' })).email);
  expect((await unit.get('/coordinator/audit')).status).toBe(403);
  const staff = t.agent();
  await loginAs(staff, (await makeUser({ role: 'staff', org: (await makeOrg())._id })).email);
  expect((await staff.get('/coordinator/audit.csv')).status).toBe(403);
  expect((await t.agent().get('/coordinator/audit')).status).toBe(303);
});
