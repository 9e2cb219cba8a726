// Every route × every role, over the demo region: private markers planted in one school's, one candidate's and one
// partner's records never reach anyone else (pages, lists, exports, feeds, error pages), another tenant's ids are
// refused, no request crashes, and no state-changing request by an outsider changes their records.
import { useTestApp } from '../helpers/app';
import { csrfFrom } from '../helpers/http';
import { fill, routesOf, type RouteInfo } from './inventory';
import { MARK, changed, demoWorld, type Agent, type Mark, type World } from './world';

jest.setTimeout(600_000);

const t = useTestApp({ start: new Date('2026-11-29T02:00:00Z') });
const ALL = Object.keys(MARK) as Mark[];

interface Role {
  name: string;
  agent: Agent;
  /** Markers this role must never see. */
  forbidden: Mark[];
}

/** Pages of a record that every user of a kind may open, not only its owner: any candidate may apply to an open post. */
const OPEN_TO: Record<string, string> = { '/jobs/:id/apply': 'another candidate' };

/** Routes an outsider's barrage must not call on itself: they end the attacker's own session. */
const SELF_ENDING = ['/logout'];

let world: World;
let roles: Role[];
let routes: RouteInfo[];

beforeAll(async () => {
  world = await demoWorld(t);
  const a = world.agents;
  roles = [
    { name: 'anonymous', agent: a.anonymous, forbidden: ALL },
    { name: 'another candidate', agent: a.otherCandidate, forbidden: ALL },
    { name: 'staff of another school', agent: a.otherSchool, forbidden: ALL },
    { name: 'another partner', agent: a.otherPartner, forbidden: ALL },
    { name: 'coordinator of another unit', agent: a.otherCoordinator, forbidden: ALL },
    // In scope for the school's placements, but never its internal notes, its drafts or a partner's referrals.
    { name: 'coordinator of the unit', agent: a.unitCoordinator, forbidden: ['note', 'draft', 'grad'] },
  ];
  routes = routesOf(t.app);
});

function paths(route: RouteInfo): string[] {
  return route.params.length === 0 ? [route.path] : world.ids.map((id) => fill(route.path, () => id));
}

describe('the route inventory', () => {
  it('finds the routers’ routes, parameters included', () => {
    const keys = routes.map((r) => `${r.method} ${r.path}`);
    expect(keys).toEqual(
      expect.arrayContaining([
        'get /jobs/:id',
        'post /manage/applications/:id/move',
        'get /coordinator/reports/:chart.csv',
        'post /login',
      ]),
    );
    expect(routes.length).toBeGreaterThan(100);
  });
});

describe('planted markers', () => {
  it('are visible to their owners (so that not seeing them elsewhere means something)', async () => {
    const app = (await world.agents.school.get(`/manage/applications/${world.planted.application}`)).text;
    expect(app).toContain(MARK.statement);
    expect(app).toContain(MARK.note);
    expect((await world.agents.school.get(`/manage/vacancies/${world.planted.draft}/edit`)).text).toContain(MARK.draft);
    expect((await world.agents.school.get('/manage/placements')).text).toContain(MARK.teacher);
    expect((await world.agents.unitCoordinator.get('/coordinator/placements')).text).toContain(MARK.teacher);
    expect((await world.agents.partner.get('/partner/referrals')).text).toContain(MARK.grad);
  });
});

describe('every GET route, for every outsider', () => {
  it('never shows another tenant’s private data and never fails with a server error', async () => {
    const leaks: string[] = [];
    const crashes: string[] = [];
    for (const role of roles) {
      for (const route of routes.filter((r) => r.method === 'get')) {
        for (const path of paths(route)) {
          const res = await role.agent.get(path);
          if (res.status >= 500) crashes.push(`${role.name}: GET ${path} → ${res.status}`);
          const body = `${res.text ?? ''}${JSON.stringify(res.headers)}`;
          for (const mark of role.forbidden) {
            if (body.includes(MARK[mark])) leaks.push(`${role.name}: GET ${path} shows ${mark}`);
          }
        }
      }
    }
    expect(crashes).toEqual([]);
    expect(leaks).toEqual([]);
  });
});

describe('every page of a record, for its owner and for outsiders', () => {
  it('opens for whoever owns the record and is refused (403/404, or sign-in) to everyone else', async () => {
    const a = world.agents;
    const owners = [a.school, a.candidate, a.partner, a.unitCoordinator];
    const outsiders = roles.filter((r) => r.name !== 'coordinator of the unit');
    const opened: string[] = [];
    const wrong: string[] = [];
    for (const route of routes.filter((r) => r.method === 'get' && r.params.length > 0)) {
      for (const path of paths(route)) {
        const seen = await Promise.all(owners.map(async (owner) => (await owner.get(path)).status));
        if (!seen.includes(200)) continue;
        // A public page of the record (a posted vacancy, a published notice) is for everyone.
        const anonymous = await a.anonymous.get(path);
        if (anonymous.status === 200) continue;
        opened.push(`GET ${route.path}`);
        for (const role of outsiders.filter((r) => OPEN_TO[route.path] !== r.name)) {
          const res = role.name === 'anonymous' ? anonymous : await role.agent.get(path);
          const toSignIn = [302, 303].includes(res.status) && /^\/login/.test(res.headers.location ?? '');
          if (!(res.status === 403 || res.status === 404 || (role.name === 'anonymous' && toSignIn))) {
            wrong.push(`${role.name}: GET ${path} → ${res.status} ${res.headers.location ?? ''}`);
          }
        }
      }
    }
    expect(wrong).toEqual([]);
    // The owners' pages were really reached: applications, drafts, placements, referrals.
    expect([...new Set(opened)]).toEqual(
      expect.arrayContaining([
        'GET /manage/applications/:id',
        'GET /manage/vacancies/:id/edit',
        'GET /manage/placements/:id',
        'GET /me/applications/:id',
        'GET /partner/referrals/:id',
        'GET /coordinator/placements/:id',
      ]),
    );
  });
});

describe('every state-changing route, for every outsider', () => {
  it('is refused on another tenant’s records: nothing of theirs changes and nothing crashes', async () => {
    const before = await world.fingerprint();
    const crashes: string[] = [];
    for (const role of roles.filter((r) => r.name !== 'coordinator of the unit')) {
      // A token of the attacker's own session: the requests must fail on authority, not on CSRF.
      const token = csrfFrom((await role.agent.get(role.name === 'anonymous' ? '/login' : '/account')).text);
      for (const route of routes.filter((r) => r.method === 'post' && !SELF_ENDING.includes(r.path))) {
        for (const path of paths(route)) {
          const res = await role.agent.post(path).type('form').send({
            _csrf: token,
            decision: 'approve',
            move: 'activate',
            action: 'approve',
            to: 'signed',
            text: '越权尝试',
            comment: '越权尝试',
            reason: 'other',
            note: '越权尝试',
            consent: 'details',
          });
          if (res.status >= 500) crashes.push(`${role.name}: POST ${path} → ${res.status}`);
        }
      }
    }
    expect(crashes).toEqual([]);
    expect(changed(before, await world.fingerprint())).toEqual([]);
  });
});
