// The regional office's own accounts: a regional coordinator closes the account of a coordinator who moved on; the
// closed account has no way back in; nobody else manages these accounts.
import { Event } from '../../models/Event';
import { User } from '../../models/User';
import { TEST_PASSWORD, useTestApp } from '../helpers/app';
import { makeOrg, makeUser } from '../helpers/builders';
import { csrfFrom, loginAs, submitForm } from '../helpers/http';

const t = useTestApp({ start: new Date('2026-11-29T02:00:00Z') });

it('a regional coordinator closes a departed coordinator: the list, the confirmation, no self-closure, and no way back in', async () => {
  const lead = await makeUser({ role: 'coordinator', name: '区域协同办甲' });
  const colleague = await makeUser({ role: 'coordinator', name: '区域协同办乙' });
  const langfang = await makeUser({ role: 'coordinator', scopeUnit: '1310', name: '廊坊协同员' });
  const staff = await makeUser({ role: 'staff', org: (await makeOrg())._id });
  const regional = t.agent();
  await loginAs(regional, lead.email);
  const departed = t.agent();
  await loginAs(departed, langfang.email);

  // The list: everyone, with their scope; no button on one's own row; the menu leads there.
  const page = await regional.get('/coordinator/team');
  expect(page.status).toBe(200);
  expect(page.text).toContain('href="/coordinator/team"');
  for (const name of ['区域协同办甲', '区域协同办乙', '廊坊协同员']) expect(page.text).toContain(name);
  expect(page.text).toContain('廊坊市');
  expect(page.text).toContain('全省（区域协同办）');
  expect(page.text).toContain(`/coordinator/team/${String(langfang._id)}/close`);
  expect(page.text).not.toContain(`/coordinator/team/${String(lead._id)}/close`);
  const token = csrfFrom(page.text);
  const close = (id: unknown, fields: Record<string, string> = { understood: '1' }) =>
    regional
      .post(`/coordinator/team/${String(id)}/close`)
      .type('form')
      .send({ _csrf: token, ...fields });

  // Without the box ticked: the same list, the message on that row, nothing closed.
  const unticked = await close(langfang._id, {});
  expect(unticked.status).toBe(422);
  expect(unticked.text).toContain('请先勾选确认，注销后无法恢复。');
  expect(unticked.text).toContain(`id="f-close-${String(langfang._id)}-error"`);
  expect((await departed.get('/coordinator/reports')).status).toBe(200);
  // Not oneself (even by a hand-made request), and only coordinators: a staff account is "not found" here.
  const self = await close(lead._id);
  expect(self.status).toBe(422);
  expect(self.text).toContain('不能注销自己的账户');
  expect((await close(staff._id)).status).toBe(404);

  const done = await close(langfang._id);
  expect(done.status).toBe(303);
  expect(done.headers.location).toBe('/coordinator/team');
  // Their session ends at once, their address no longer signs in, and the list no longer shows them.
  const after = await departed.get('/coordinator/reports');
  expect(after.status).toBe(303);
  expect(after.headers.location).toMatch(/^\/login/);
  const signIn = await submitForm(t.agent(), '/login', { email: langfang.email, password: TEST_PASSWORD });
  expect(signIn.status).toBe(401);
  expect(signIn.text).not.toContain('/login/2fa');
  const erased = await User.findById(langfang._id).lean();
  expect(erased).toMatchObject({ name: '已注销用户' });
  expect(erased!.erasedAt).not.toBeNull();
  expect(erased!.email).not.toContain(langfang.email);
  const list = (await regional.get('/coordinator/team')).text;
  expect(list).not.toContain('廊坊协同员');
  expect(list).toContain('账户已注销。');
  expect(await Event.countDocuments({ action: 'user.coordinator_closed', subjectId: String(langfang._id) })).toBe(1);
  // A second attempt finds nobody.
  expect((await close(langfang._id)).status).toBe(404);

  // A unit's coordinator manages no accounts: neither the list nor closing.
  const unit = t.agent();
  await loginAs(unit, (await makeUser({ role: 'coordinator', scopeUnit: '1306' })).email);
  const unitPage = await unit.get('/coordinator/reports');
  expect(unitPage.text).not.toContain('href="/coordinator/team"');
  expect((await unit.get('/coordinator/team')).status).toBe(403);
  const refused = await unit
    .post(`/coordinator/team/${String(colleague._id)}/close`)
    .type('form')
    .send({ _csrf: csrfFrom(unitPage.text), understood: '1' });
  expect(refused.status).toBe(403);
  expect((await User.findById(colleague._id).lean())!.erasedAt).toBeNull();
});
