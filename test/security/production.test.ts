// Transport and cookie protections that only production turns on, behind a TLS-terminating proxy.
import { useTestApp } from '../helpers/app';

const t = useTestApp({ env: { NODE_ENV: 'production', TRUST_PROXY: '1', BASE_URL: 'https://teachbridge.test' } });
const https = { 'X-Forwarded-Proto': 'https' };

describe('in production', () => {
  it('session cookies are __Host-, Secure, HttpOnly and SameSite=Lax; HSTS and a same-origin referrer policy are sent', async () => {
    const agent = t.agent();
    const page = await agent.get('/login').set(https);
    const cookie = ((page.headers['set-cookie'] as unknown as string[] | undefined) ?? []).find((c) =>
      c.startsWith('__Host-tb.sid='),
    );
    expect(cookie).toBeDefined();
    expect(cookie).toMatch(/; Secure/i);
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=Lax/i);
    expect(cookie).toMatch(/; Path=\//i);
    expect(cookie).not.toMatch(/; Domain=/i);
    expect(page.headers['strict-transport-security']).toMatch(/max-age=\d{7,}/);
    expect(page.headers['referrer-policy']).toBe('same-origin');
    expect(page.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(page.headers['x-frame-options']).toBe('DENY');
  });
});
