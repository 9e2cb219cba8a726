import { Lease } from '../../models/Lease';
import { Scheduler } from '../../server/jobs';
import { createLogger } from '../../server/logger';
import mongoose from 'mongoose';
import { useTestApp } from '../helpers/app';
import { makeUser } from '../helpers/builders';
import { csrfFrom, loginAs, submitForm } from '../helpers/http';

const t = useTestApp({
  env: { RATE_LIMIT_LOGIN: '3' },
  extraRoutes: (app) => {
    app.get('/__boom', () => {
      throw new Error('secret internal detail');
    });
  },
});

describe('language', () => {
  it('when nothing is known about the visitor, then the home page is in Chinese with a switch to English', async () => {
    const res = await t.agent().get('/');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<html lang="zh-CN">');
    expect(res.text).toContain('让好老师来到河北的每一所学校');
    expect(res.text).toContain('href="/?lang&#x3D;en"');
  });

  it('when the browser prefers English, then pages are in English', async () => {
    const res = await t.agent().get('/login').set('Accept-Language', 'en-US,en;q=0.9');
    expect(res.text).toContain('<html lang="en">');
    expect(res.text).toContain('Sign in');
  });

  it('when the visitor switches language, then the choice sticks over Accept-Language and the saved preference', async () => {
    const user = await makeUser({ locale: 'zh-CN' });
    const agent = t.agent();
    const switched = await agent.get('/login?lang=en');
    expect(switched.text).toContain('<html lang="en">');
    expect(switched.text).toContain('href="/login?lang&#x3D;zh-CN"');
    await loginAs(agent, user.email);
    const page = await agent.get('/account').set('Accept-Language', 'zh-CN');
    expect(page.text).toContain('<html lang="en">');
    const back = await agent.get('/account?lang=zh-CN');
    expect(back.text).toContain('<html lang="zh-CN">');
  });

  it('when a signed-in user saved English and has no cookie, then their preference wins over Accept-Language', async () => {
    const user = await makeUser({ locale: 'en' });
    const agent = t.agent();
    await loginAs(agent, user.email);
    const page = await agent.get('/account').set('Accept-Language', 'zh-CN');
    expect(page.text).toContain('<html lang="en">');
    expect(page.text).toContain('My account');
  });
});

describe('error pages', () => {
  it.each([
    ['zh-CN', '页面不存在'],
    ['en', 'Page not found'],
  ])('when a page does not exist (%s), then a localised 404 is shown', async (lang, text) => {
    const res = await t.agent().get(`/no/such/page?lang=${lang}`);
    expect(res.status).toBe(404);
    expect(res.text).toContain(text);
    expect(res.text).toContain(`<html lang="${lang}">`);
  });

  it.each([
    ['zh-CN', '出错了'],
    ['en', 'Something went wrong'],
  ])(
    'when the server fails (%s), then a localised 500 with a reference is shown and no internals leak',
    async (lang, text) => {
      const res = await t.agent().get(`/__boom?lang=${lang}`);
      expect(res.status).toBe(500);
      expect(res.text).toContain(text);
      expect(res.text).toContain(res.headers['x-request-id']);
      expect(res.text).not.toContain('secret internal detail');
      expect(res.text).not.toMatch(/at \S+ \(.*:\d+:\d+\)/); // no stack frames
    },
  );

  it('when a body is malformed or too large, then the answer is a localised 400 or 413, not a crash', async () => {
    const bad = await t
      .agent()
      .post('/login')
      .set('Content-Type', 'application/json')
      .set('Accept-Language', 'en')
      .send('{"email":');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Bad request');
    const big = await t
      .agent()
      .post('/login')
      .type('form')
      .send(`email=${'a'.repeat(200_000)}`);
    expect(big.status).toBe(413);
    expect(big.text).toContain('提交的内容太大');
  });

  it('when operators are smuggled into a JSON sign-in, then they are refused as invalid input', async () => {
    const user = await makeUser();
    const agent = t.agent();
    const token = csrfFrom((await agent.get('/login')).text);
    const res = await agent.post('/login').send({ email: { $ne: null }, password: { $ne: null }, _csrf: token });
    expect(res.status).toBe(422);
    expect(res.text).not.toContain(user.email);
  });
});

describe('security headers and limits', () => {
  it('sends a strict CSP, frame denial, nosniff and no X-Powered-By', async () => {
    const res = await t.agent().get('/');
    const csp = res.headers['content-security-policy'];
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("base-uri 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-request-id']).toMatch(/^[\w-]{8,}$/);
  });

  it('when sign-in is tried too often, then a localised 429 answers until the window passes', async () => {
    const user = await makeUser();
    const agent = t.agent();
    t.clock.advance(16 * 60 * 1000); // a fresh window
    for (let i = 0; i < 3; i += 1) {
      expect((await submitForm(agent, '/login', { email: user.email, password: 'wrong password' })).status).toBe(401);
    }
    const limited = await submitForm(agent, '/login', { email: user.email, password: 'wrong password' });
    expect(limited.status).toBe(429);
    expect(limited.text).toContain('尝试次数过多');
    // Even the right password waits for the window.
    expect(
      (await submitForm(agent, '/login', { email: user.email, password: 'correct horse 电池 staple' })).status,
    ).toBe(429);
    // Another account from the same address is not locked out by these attempts.
    const colleague = await makeUser();
    expect(
      (await submitForm(t.agent(), '/login', { email: colleague.email, password: 'correct horse 电池 staple' })).status,
    ).toBe(303);
    t.clock.advance(16 * 60 * 1000);
    expect(
      (await submitForm(agent, '/login', { email: user.email, password: 'correct horse 电池 staple' })).status,
    ).toBe(303);
  });

  it('when a page without a form is visited, then no session cookie is set', async () => {
    const res = await t.agent().get('/');
    expect(res.headers['set-cookie']).toBeUndefined();
  });
});

describe('housekeeping', () => {
  it('when two instances tick the scheduler in the same period, then each job runs once; expired sessions are purged', async () => {
    const sessions = mongoose.connection.collection('sessions');
    await sessions.insertMany([
      { _id: 'old' as never, expires: new Date(t.clock.now().getTime() - 1000), session: '{}' },
      { _id: 'live' as never, expires: new Date(t.clock.now().getTime() + 3600_000), session: '{}' },
    ]);
    t.clock.advance(24 * 60 * 60 * 1000);
    await sessions.updateOne(
      { _id: 'live' as never },
      { $set: { expires: new Date(t.clock.now().getTime() + 3600_000) } },
    );
    const logger = createLogger('silent');
    const a = new Scheduler((await import('../../server/jobs')).housekeepingJobs, t.clock, logger);
    const b = new Scheduler((await import('../../server/jobs')).housekeepingJobs, t.clock, logger);
    const [ranA, ranB] = await Promise.all([a.tick(), b.tick()]);
    expect([...ranA, ...ranB].sort()).toEqual([
      'purge-leases',
      'purge-outbox',
      'purge-rate-limits',
      'purge-sessions',
      'purge-tokens',
    ]);
    expect(await sessions.countDocuments({ _id: 'old' as never })).toBe(0);
    expect(await sessions.countDocuments({ _id: 'live' as never })).toBe(1);
    expect(await a.tick()).toEqual([]);
    expect(await Lease.countDocuments()).toBeGreaterThanOrEqual(4);
  });
});
