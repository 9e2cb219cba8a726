// Who may open what: every page without parameters, read from the routers, must be classified below (a new route
// that nobody classified fails this test), and each role gets exactly the outcome its class allows: the page, a
// redirect to sign in (visitors), or a refusal (signed-in people of another role).
import { useTestApp } from '../helpers/app';
import { makeOrg, makeUser } from '../helpers/builders';
import { loginAs } from '../helpers/http';
import { routesOf } from './inventory';
import { demoWorld, type Agent, type World } from './world';

jest.setTimeout(300_000);

const t = useTestApp({ start: new Date('2026-11-29T02:00:00Z') });

type Who =
  | 'everyone'
  | 'signed-in'
  | 'candidate'
  | 'staff'
  | 'partner'
  | 'coordinator'
  | 'regional coordinator'
  | 'Beijing/Tianjin school staff'
  | 'organisation staff'
  | 'sponsor staff'
  | 'between sign-in steps';

/** First match wins. Deny by default: a route matching nothing is reported. */
const RULES: [RegExp, Who][] = [
  [/^\/login\/2fa$/, 'between sign-in steps'],
  [/^\/(|healthz|register(\/sent|\/organisation)?|login|password\/forgot(\/sent)?|privacy)$/, 'everyone'],
  [/^\/(jobs(\/feed\.xml)?|api\/v1\/vacancies|announcements)$/, 'everyone'],
  [/^\/(account(\/2fa)?|privacy\/consent|me\/data(\/export\.zip)?)$/, 'signed-in'],
  [/^\/me\//, 'candidate'],
  [/^\/coordinator\/team$/, 'regional coordinator'],
  [/^\/coordinator\//, 'coordinator'],
  [/^\/partner(\/|$)/, 'partner'],
  [/^\/manage\/mentors$/, 'Beijing/Tianjin school staff'],
  [/^\/organisation$/, 'organisation staff'],
  [/^\/sponsor\//, 'sponsor staff'],
  [/^\/manage\/.*$/, 'staff'],
];

let world: World;

beforeAll(async () => {
  world = await demoWorld(t);
});

it('every page gives each role what its class allows, and no page is unclassified', async () => {
  const a = world.agents;
  const sponsor = t.agent();
  await loginAs(sponsor, (await makeUser({ role: 'staff', org: (await makeOrg({ kind: 'sponsor' }))._id })).email);
  const roles: [string, Agent, Who[]][] = [
    ['visitor', a.anonymous, ['everyone']],
    ['candidate', a.otherCandidate, ['everyone', 'signed-in', 'candidate']],
    ['school staff', a.school, ['everyone', 'signed-in', 'organisation staff', 'staff']],
    ['partner university staff', a.partner, ['everyone', 'signed-in', 'organisation staff', 'staff', 'partner']],
    ['sponsor staff', sponsor, ['everyone', 'signed-in', 'organisation staff', 'sponsor staff']],
    ['unit coordinator', a.unitCoordinator, ['everyone', 'signed-in', 'coordinator']],
  ];
  const pages = routesOf(t.app).filter((r) => r.method === 'get' && r.params.length === 0);
  const unclassified = pages.filter((r) => !RULES.some(([re]) => re.test(r.path))).map((r) => r.path);
  expect(unclassified).toEqual([]);

  const wrong: string[] = [];
  for (const route of pages) {
    const who = RULES.find(([re]) => re.test(route.path))![1];
    for (const [name, agent, allowed] of roles) {
      const res = await agent.get(route.path);
      const to = String(res.headers.location ?? '');
      const outcome =
        res.status === 303 && to.startsWith('/login')
          ? 'sign in'
          : res.status === 403 || res.status === 404
            ? 'refused'
            : res.status < 400
              ? 'allowed'
              : `status ${res.status}`;
      const expected =
        who === 'between sign-in steps'
          ? 'sign in' // there is no second step waiting: back to the first
          : allowed.includes(who)
            ? 'allowed'
            : name === 'visitor'
              ? 'sign in'
              : 'refused';
      if (outcome !== expected) wrong.push(`${name}: GET ${route.path} (${who}) → ${outcome}, expected ${expected}`);
    }
  }
  expect(wrong).toEqual([]);
});
