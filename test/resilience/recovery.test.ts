// A writer that dies between claiming an application's next version and writing it (a crash, or the database
// going away between the two writes) must not block the application for good: the change either happened with its
// history entry or not at all, and the next attempt goes through once the orphaned claim is stale.
import { Application, ApplicationStep } from '../../models/Application';
import { useTestApp } from '../helpers/app';
import { makeOrg, makeUser } from '../helpers/builders';
import { makeCandidate } from '../helpers/candidates';
import { loginAs, submitForm } from '../helpers/http';
import { makeOpenVacancy } from '../helpers/postings';

const t = useTestApp();

it('an orphaned version claim is taken over once stale; a fresh one (a writer still at work) is respected', async () => {
  const school = await makeOrg({ county: '130722' });
  const staff = await makeUser({ role: 'staff', org: school._id });
  const vacancy = await makeOpenVacancy(school);
  const { user, agent } = await makeCandidate(t, '韦晴');
  expect((await submitForm(agent, `/jobs/${String(vacancy._id)}/apply`, { consent: '1' })).status).toBe(303);
  const app = (await Application.findOne({ candidate: user._id }).lean())!;
  const school1 = t.agent();
  await loginAs(school1, staff.email);
  const advance = () =>
    submitForm(
      school1,
      `/manage/applications/${String(app._id)}`,
      { action: 'advance' },
      `/manage/applications/${String(app._id)}/move`,
    );

  // A writer claimed version 1 a second ago and is still writing: the move waits its turn (a conflict), nothing half-done.
  await ApplicationStep.create({
    _id: `${String(app._id)}:1`,
    by: 'someone',
    action: 'advance',
    at: new Date(t.clock.now().getTime() - 1000),
  });
  await advance();
  const untouched = (await Application.findById(app._id).lean())!;
  expect([untouched.stage, untouched.version, untouched.history.length]).toEqual(['submitted', 0, 1]);

  // Two minutes on, the claim is an orphan (its writer died before writing): the next move takes over.
  t.clock.advance(2 * 60_000);
  expect((await advance()).status).toBe(303);
  const moved = (await Application.findById(app._id).lean())!;
  expect(moved.stage).toBe('qualification_review');
  expect(moved.version).toBe(1);
  expect(moved.history.map((h) => h.to)).toEqual(['submitted', 'qualification_review']);
  expect((await ApplicationStep.findById(`${String(app._id)}:1`).lean())!.by).toBe(String(staff._id));
});
