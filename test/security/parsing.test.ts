// CSRF on every state-changing route, and hostile input on every route: query-operator injection, prototype
// pollution, duplicate and oversized parameters, deep nesting, invalid UTF-8, malformed JSON. Nothing may crash
// (no 500s: a rejected parse is a localised 4xx page), nothing may pollute prototypes, and no outsider's request may
// change the victims' records.
import fs from 'node:fs';
import path from 'node:path';
import { viewsDir } from '../../server/paths';
import { useTestApp } from '../helpers/app';
import { csrfFrom } from '../helpers/http';
import { fill, routesOf, type RouteInfo } from './inventory';
import { changed, demoWorld, type Agent, type World } from './world';

jest.setTimeout(600_000);

const t = useTestApp({ start: new Date('2026-11-29T02:00:00Z') });

let world: World;
let routes: RouteInfo[];

/** One-click unsubscribe is authorised by its signed link (RFC 8058 mail clients post it without a token). */
const CSRF_EXEMPT = ['/alerts/unsubscribe/:id/:sig'];
const SELF_ENDING = ['/logout'];

beforeAll(async () => {
  world = await demoWorld(t);
  routes = routesOf(t.app);
});

async function tokenOf(agent: Agent, signedIn: boolean): Promise<string> {
  return csrfFrom((await agent.get(signedIn ? '/account' : '/login')).text);
}

/** A few real ids and a few hostile strings for each path parameter. */
function paths(route: RouteInfo): string[] {
  if (route.params.length === 0) return [route.path];
  const values = [world.planted.application, world.planted.open, world.planted.placement, '$ne', '__proto__', 'é%FF'];
  return values.map((v) => fill(route.path, () => v));
}

const HOSTILE_QUERY =
  'email[$ne]=x&id[$gt]=&q[$regex]=.*&__proto__[polluted]=1&constructor[prototype][polluted]=1' +
  '&unit=1307&unit=1310&stage=junior&stage[$in]=x&page=99999999999999999999&page=-1&q=%E0%A4%A&sort=%00';

function hostileForm(token: string): string {
  return (
    `_csrf=${token}&email[$ne]=x&__proto__[polluted]=1&constructor[prototype][polluted]=1` +
    '&name=a&name=b&decision=approve&decision=return&statement=%FF%FE%FD&text=%C3%28' +
    `&title=${'题'.repeat(3000)}&reason=other&reason[$gt]=`
  );
}

/** Every form field name the views use: each gets a hostile value. */
const FIELDS = [
  ...new Set(
    filesUnder(viewsDir).flatMap((file) =>
      [...fs.readFileSync(file, 'utf8').matchAll(/name="([a-zA-Z_]+)/g)].map((m) => m[1]!),
    ),
  ),
].filter((name) => name !== '_csrf');

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(full) : e.name.endsWith('.hbs') ? [full] : [];
  });
}

/**
 * A JSON body where every known field is something no form sends: an operator object, an array, or an object
 * whose `toString`/`valueOf` are not functions (String() and Number() throw on it), plus prototype keys and depth.
 */
function hostileJson(token: string, variant: number): string {
  const values: unknown[] = [{ $ne: null }, ['a', 'b'], { toString: 'x', valueOf: 'x' }, '9'.repeat(400), null];
  const body: Record<string, unknown> = { _csrf: token };
  for (const [i, name] of FIELDS.entries()) body[name] = values[(i + variant) % values.length];
  let deep: Record<string, unknown> = { leaf: 1 };
  for (let i = 0; i < 200; i += 1) deep = { d: deep };
  body.deep = deep;
  return JSON.stringify(body).replace(/^\{/, '{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},');
}

describe('CSRF', () => {
  it('every state-changing route refuses a request without a token, and with another session’s token', async () => {
    const victim = world.agents.school;
    const foreign = await tokenOf(world.agents.otherSchool, true);
    await tokenOf(victim, true); // the victim's session has a token of its own
    const accepted: string[] = [];
    const posts = routes.filter((r) => r.method === 'post' && !CSRF_EXEMPT.includes(r.path));
    expect(posts.length).toBeGreaterThan(40);
    for (const route of posts) {
      const path = fill(route.path, () => world.planted.application);
      for (const [label, body] of [
        ['no token', { text: 'x' }],
        ['another session’s token', { _csrf: foreign, text: 'x' }],
      ] as const) {
        const res = await victim.post(path).type('form').send(body);
        if (res.status !== 403 || !res.text.includes('页面已过期，请返回刷新后重新提交。'))
          accepted.push(`${label}: POST ${path} → ${res.status}`);
      }
    }
    expect(accepted).toEqual([]);
  });
});

describe('hostile input', () => {
  it('never crashes a route, for any role, in the query, a form or a JSON body', async () => {
    const before = await world.fingerprint();
    const crashes: string[] = [];
    const a = world.agents;
    const roles: [string, Agent, boolean][] = [
      ['anonymous', a.anonymous, false],
      ['school staff', a.school, true],
      ['another candidate', a.otherCandidate, true],
      ['partner', a.partner, true],
      ['coordinator', a.unitCoordinator, true],
    ];
    for (const [name, agent, signedIn] of roles) {
      const token = await tokenOf(agent, signedIn);
      for (const route of routes) {
        if (SELF_ENDING.includes(route.path)) continue;
        for (const path of paths(route)) {
          const responses =
            route.method === 'get'
              ? [await agent.get(`${path}?${HOSTILE_QUERY}`)]
              : [
                  await agent.post(`${path}?${HOSTILE_QUERY}`).type('form').send(hostileForm(token)),
                  ...(await Promise.all(
                    [0, 1, 2].map((v) =>
                      agent.post(path).set('Content-Type', 'application/json').send(hostileJson(token, v)),
                    ),
                  )),
                ];
          for (const res of responses)
            if (res.status >= 500) crashes.push(`${name}: ${route.method} ${path} → ${res.status}`);
        }
      }
    }
    expect(crashes).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
    // The school's own requests may change its own records; the rest must not have touched anything.
    const touched = changed(before, await world.fingerprint());
    expect(touched.filter((k) => !k.startsWith('application ') && !k.startsWith('vacancy '))).toEqual([]);
  });

  it('answers malformed, oversized and badly encoded bodies with a localised 4xx page', async () => {
    const agent = world.agents.school;
    const token = await tokenOf(agent, true);
    const path = `/manage/applications/${world.planted.application}/notes`;
    const malformed = await agent.post(path).set('Content-Type', 'application/json').send('{"_csrf":');
    expect(malformed.status).toBe(400);
    expect(malformed.text).toContain('请求无法处理，请检查后重试。');
    const huge = await agent
      .post(path)
      .type('form')
      .send(`_csrf=${token}&text=${'a'.repeat(150_000)}`);
    expect(huge.status).toBe(413);
    expect(huge.text).toContain('提交的内容太大。');
    const tooMany = await agent
      .post(path)
      .type('form')
      .send(`_csrf=${token}&${Array.from({ length: 300 }, (_, i) => `p${i}=1`).join('&')}`);
    expect(tooMany.status).toBeLessThan(500);
    expect(tooMany.status).toBeGreaterThanOrEqual(400);
    const latin1 = await agent
      .post(path)
      .set('Content-Type', 'application/x-www-form-urlencoded; charset=latin1')
      .send(`_csrf=${token}&text=x`);
    expect(latin1.status).toBeLessThan(500);
  });
});
