// Two-step sign-in (TOTP with recovery codes), end to end through the forms with the app's clock injected:
// coordinators must enrol before anything else, codes work once and only within their time, recovery codes work once,
// and the half-signed-in session opens nothing.
import { Event } from '../../models/Event';
import { useTestApp } from '../helpers/app';
import { makeUser } from '../helpers/builders';
import { authenticatorCode, csrfFrom, loginAs, sessionCookie, submitForm } from '../helpers/http';

const t = useTestApp({ start: new Date('2026-11-29T02:00:00Z'), env: { RATE_LIMIT_LOGIN: '5' } });

/** Signs in with the password only: the agent then stands at the code step. */
async function password(email: string) {
  const agent = t.agent();
  const res = await submitForm(agent, '/login', { email, password: 'correct horse 电池 staple' });
  expect(res.status).toBe(303);
  return { agent, res };
}

describe('coordinators', () => {
  it('must enrol before anything else, then reach their pages with the second step', async () => {
    const user = await makeUser({ role: 'coordinator', twoFactor: false });
    const { agent, res } = await password(user.email);
    expect(res.headers.location).toBe('/coordinator/organisations'); // no second factor yet: signed in
    const page = await agent.get('/coordinator/organisations');
    expect(page.status).toBe(303);
    expect(page.headers.location).toBe('/account/2fa');
    const token = csrfFrom((await agent.get('/account/2fa')).text);
    expect((await agent.post('/coordinator/reports/refresh').type('form').send({ _csrf: token })).status).toBe(403);

    const enrol = await agent.get('/account/2fa');
    expect(enrol.text).toContain('协同办账户必须开启两步验证');
    expect(enrol.text).toMatch(/<svg[^>]*>/); // the QR code
    const wrong = await submitForm(agent, '/account/2fa', { code: '000000' }, '/account/2fa/enable');
    expect(wrong.status).toBe(422);
    expect(wrong.text).toContain('验证码不正确或已使用');
    const done = await submitForm(
      agent,
      '/account/2fa',
      { code: await authenticatorCode(user.email) },
      '/account/2fa/enable',
    );
    expect(done.status).toBe(200);
    expect(done.headers['cache-control']).toBe('no-store');
    const codes = [...done.text.matchAll(/<li><code>([a-z0-9]{4}-[a-z0-9]{4})<\/code><\/li>/g)].map((m) => m[1]!);
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    // The session that enrolled carries on; the pages open now.
    t.clock.advance(60_000);
    expect((await agent.get('/coordinator/organisations')).status).toBe(200);
    expect(await Event.countDocuments({ action: 'user.2fa_enabled', subjectId: String(user._id) })).toBe(1);

    // A coordinator cannot switch it off.
    const settings = await agent.get('/account/2fa');
    expect(settings.text).not.toContain('/account/2fa/disable');
    const off = await agent
      .post('/account/2fa/disable')
      .type('form')
      .send({
        _csrf: csrfFrom(settings.text),
        password: 'correct horse 电池 staple',
        code: await authenticatorCode(user.email),
      });
    expect(off.status).toBe(403);
  });
});

describe('signing in with a second step', () => {
  it('asks for a code, refuses a wrong or replayed one, and lets a current one in', async () => {
    const user = await makeUser({ role: 'coordinator' });
    const { agent, res } = await password(user.email);
    expect(res.headers.location).toBe('/login/2fa');
    const halfway = sessionCookie(res);
    // Between the steps the session opens nothing.
    expect((await agent.get('/account')).status).toBe(303);
    expect((await agent.get('/coordinator/organisations')).status).toBe(303);

    const wrong = await submitForm(agent, '/login/2fa', { code: '123456' });
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('验证码不正确或已使用');
    const code = await authenticatorCode(user.email);
    const ok = await submitForm(agent, '/login/2fa', { code });
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe('/coordinator/organisations');
    expect(sessionCookie(ok)).not.toBe(halfway); // a new session id once fully signed in
    expect((await agent.get('/coordinator/organisations')).status).toBe(200);

    // Someone who saw that code cannot use it again, even with the password.
    const thief = await password(user.email);
    expect((await submitForm(thief.agent, '/login/2fa', { code })).status).toBe(401);
    // A code from two steps ago (a minute old) is refused; the next step's code is accepted.
    t.clock.advance(60_000);
    expect((await submitForm(thief.agent, '/login/2fa', { code })).status).toBe(401);
    expect((await submitForm(thief.agent, '/login/2fa', { code: await authenticatorCode(user.email) })).status).toBe(
      303,
    );
  });

  it('gives up after five minutes between the steps', async () => {
    const user = await makeUser({ role: 'coordinator' });
    const { agent } = await password(user.email);
    const token = csrfFrom((await agent.get('/login/2fa')).text);
    t.clock.advance(6 * 60_000);
    const late = await agent
      .post('/login/2fa')
      .type('form')
      .send({ _csrf: token, code: await authenticatorCode(user.email) });
    expect(late.status).toBe(303);
    expect(late.headers.location).toBe('/login');
    expect((await agent.get(late.headers.location as string)).text).toContain('验证超时，请重新登录');
  });

  it('accepts each recovery code once (spaces, dashes and case do not matter) and new ones replace the old', async () => {
    const user = await makeUser({ role: 'candidate', twoFactor: false });
    const agent = t.agent();
    await loginAs(agent, user.email);
    await agent.get('/account/2fa');
    const enabled = await submitForm(
      agent,
      '/account/2fa',
      { code: await authenticatorCode(user.email) },
      '/account/2fa/enable',
    );
    const codes = [...enabled.text.matchAll(/<code>([a-z0-9]{4}-[a-z0-9]{4})<\/code>/g)].map((m) => m[1]!);

    const first = await password(user.email);
    const used = await submitForm(first.agent, '/login/2fa', {
      code: ` ${codes[0]!.toUpperCase().replace('-', ' ')} `,
    });
    expect(used.status).toBe(303);
    expect((await first.agent.get(used.headers.location as string)).text).toContain('您使用了一个恢复码，它已作废');
    const again = await password(user.email);
    expect((await submitForm(again.agent, '/login/2fa', { code: codes[0]! })).status).toBe(401);

    t.clock.advance(30_000);
    const fresh = await submitForm(
      first.agent,
      '/account/2fa',
      { code: await authenticatorCode(user.email) },
      '/account/2fa/recovery',
    );
    expect(fresh.status).toBe(200);
    const next = await password(user.email);
    expect((await submitForm(next.agent, '/login/2fa', { code: codes[1]! })).status).toBe(401); // replaced
    const newCode = /<code>([a-z0-9]{4}-[a-z0-9]{4})<\/code>/.exec(fresh.text)![1]!;
    expect((await submitForm(next.agent, '/login/2fa', { code: newCode })).status).toBe(303);
  });

  it('is optional for others, who can switch it off with their password and a code', async () => {
    const user = await makeUser({ role: 'staff', twoFactor: true });
    const agent = t.agent();
    await loginAs(agent, user.email);
    t.clock.advance(30_000);
    const wrongPassword = await submitForm(
      agent,
      '/account/2fa',
      { password: 'not my password', code: await authenticatorCode(user.email) },
      '/account/2fa/disable',
    );
    expect(wrongPassword.status).toBe(422);
    t.clock.advance(30_000);
    const off = await submitForm(
      agent,
      '/account/2fa',
      { password: 'correct horse 电池 staple', code: await authenticatorCode(user.email) },
      '/account/2fa/disable',
    );
    expect(off.status).toBe(303);
    const { res } = await password(user.email);
    expect(res.headers.location).not.toBe('/login/2fa');
  });

  it('limits code guesses like password guesses', async () => {
    const user = await makeUser({ role: 'coordinator' });
    const { agent } = await password(user.email);
    let last = 0;
    let tries = 0;
    while (last !== 429 && tries < 12) {
      last = (await submitForm(agent, '/login/2fa', { code: '000000' })).status;
      tries += 1;
    }
    expect([last, tries]).toEqual([429, 6]); // five wrong codes, then the door closes
    // Even the right code waits for the window.
    expect((await submitForm(agent, '/login/2fa', { code: await authenticatorCode(user.email) })).status).toBe(429);
  });
});
