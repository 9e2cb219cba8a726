// Accounts and sessions as an attacker probes them: user enumeration by response and by timing, a reset link that only ever resets its own account, and upload polyglots.
// (Fixation, logout, reset reuse and expiry, returnTo, rate limits and CSRF are in test/integration/accounts.test.ts
// and pages.test.ts; header injection in mail.test.ts.)
import { performance } from 'node:perf_hooks';
import { TEST_PASSWORD, useTestApp } from '../helpers/app';
import { makeUser } from '../helpers/builders';
import { makeCandidate } from '../helpers/candidates';
import { csrfFrom, linkIn, loginAs, submitForm } from '../helpers/http';

const t = useTestApp();

describe('user enumeration', () => {
  it('an unknown address and a wrong password get the same answer, in about the same time', async () => {
    const user = await makeUser();
    const attempt = async (email: string) => {
      const agent = t.agent();
      const token = csrfFrom((await agent.get('/login')).text);
      const started = performance.now();
      const res = await agent.post('/login').type('form').send({ _csrf: token, email, password: 'guess-Guess-1' });
      return { ms: performance.now() - started, status: res.status, body: res.text.replace(/value="[^"]*"/g, '') };
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 8; i += 1) {
      // Alternate, so that warming up favours neither; a new address each time, under the rate limits.
      const a = await attempt(user.email);
      const b = await attempt(`nobody-${i}@teachbridge.test`);
      expect([a.status, b.status]).toEqual([401, 401]);
      expect(a.body.replace(user.email, '')).toBe(b.body.replace(`nobody-${i}@teachbridge.test`, ''));
      known.push(a.ms);
      unknown.push(b.ms);
      t.clock.advance(16 * 60 * 1000); // a fresh rate-limit window
    }
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    // The same password hashing work is spent either way: the medians differ by well under the hashing time.
    expect(Math.abs(median(known) - median(unknown))).toBeLessThan(Math.max(40, 0.5 * median(known)));
  });
});

describe('password reset', () => {
  it('a reset link resets only the account it was sent for, even when someone else is signed in', async () => {
    const victim = await makeUser();
    const attacker = await makeUser();
    const agent = t.agent();
    await loginAs(agent, attacker.email);
    await submitForm(t.agent(), '/password/forgot', { email: victim.email });
    await t.deliver();
    const link = linkIn(t.smtp.to(victim.email).at(-1)!.text, '/password/reset/');
    const done = await submitForm(agent, link, {
      password: 'victim-new-pass-2026',
      passwordConfirm: 'victim-new-pass-2026',
    });
    expect(done.status).toBe(303);
    // The attacker's own password is unchanged; the victim's is the new one.
    expect((await submitForm(t.agent(), '/login', { email: attacker.email, password: TEST_PASSWORD })).status).toBe(
      303,
    );
    expect(
      (await submitForm(t.agent(), '/login', { email: victim.email, password: 'victim-new-pass-2026' })).status,
    ).toBe(303);
  });
});

describe('uploads', () => {
  it('a PDF that is also HTML is only ever served as a PDF attachment that browsers will not sniff', async () => {
    const { agent } = await makeCandidate(t, '钱多多');
    const token = csrfFrom((await agent.get('/me/profile')).text);
    const polyglot = Buffer.from('%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n%%EOF');
    const res = await agent
      .post('/me/documents')
      .field('_csrf', token)
      .field('kind', 'cv')
      .attach('file', polyglot, '<img src=x onerror=alert(1)>.pdf');
    expect(res.status).toBe(303);
    const profile = (await agent.get('/me/profile')).text;
    expect(profile).not.toContain('<img src=x');
    const id = /\/me\/documents\/([a-f0-9]{32})/.exec(profile)![1]!;
    const download = await agent.get(`/me/documents/${id}`);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="document"/);
    expect(download.headers['x-content-type-options']).toBe('nosniff');
  });
});
