// A small HTTP client for the command-line tools that talk to a running instance as a browser would: it keeps the
// session cookie, posts forms with the page's CSRF token, and signs in (with the two-step code for demo
// coordinators, whose authenticator key is published for the demo).
import { totp } from '../server/services/twoFactor';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from './seed';

export class Client {
  private cookie = '';

  constructor(private readonly base: string) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(`${this.base}${path}`, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie: this.cookie },
    });
    const set = res.headers.getSetCookie().map((c) => c.split(';')[0]!);
    if (set.length > 0) this.cookie = set.join('; ');
    return res;
  }

  /** Posts a form with the CSRF token of the page it lives on. */
  async post(path: string, page: string, fields: Record<string, string>): Promise<Response> {
    const token = /name="_csrf" value="([^"]+)"/.exec(await (await this.request(page)).text())?.[1] ?? '';
    return this.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...fields, _csrf: token }).toString(),
    });
  }

  async signIn(email: string, password = DEMO_PASSWORD, totpSecret = DEMO_TOTP_SECRET): Promise<void> {
    const res = await this.post('/login', '/login', { email, password });
    if (res.status !== 303) throw new Error(`Sign-in as ${email} failed (${res.status})`);
    if (res.headers.get('location') !== '/login/2fa') return;
    // Each code is accepted once: the current one, or the next ones the app also accepts.
    for (const offset of [0, 1, 2]) {
      const code = totp(totpSecret, email).generate({ timestamp: Date.now() + offset * 30_000 });
      if ((await this.post('/login/2fa', '/login/2fa', { code })).status === 303) return;
    }
    throw new Error(`Two-step sign-in as ${email} failed`);
  }
}
