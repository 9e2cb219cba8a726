// The app process killed (SIGKILL, no goodbye) right after a change that owes an email: after a restart on the same
// data, the email goes out, and exactly once, whether the kill came before or after the worker sent it.
// A kill can land while the worker holds an attempt: the next start retries it once the attempt's lease ends, so the
// lease is short here (3 s; 60 s by default, above the SMTP timeouts) and the wait covers it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLocalApp } from '../helpers/browser';

jest.setTimeout(300_000);

const SHORT_LEASE = { MAIL_LEASE_MS: '3000' };

async function register(base: string, email: string): Promise<number> {
  const page = await fetch(`${base}/register`);
  const cookie = page.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  const res = await fetch(`${base}/register`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({
      _csrf: token,
      name: '宁静',
      email,
      password: 'crash-test-password-1',
      passwordConfirm: 'crash-test-password-1',
      privacy: '1',
    }).toString(),
  });
  return res.status;
}

function verificationMails(dataDir: string, email: string): number {
  const dir = path.join(dataDir, 'mail');
  if (!fs.existsSync(dir)) return 0;
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { to: string; subject: string })
    .filter((m) => String(m.to).includes(email) && m.subject.includes('验证')).length;
}

it.each([0, 50, 500])(
  'killed %i ms after the sign-up answered: one verification email after the restart',
  async (delay) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'teachbridge-crash-'));
    try {
      const first = await startLocalApp(SHORT_LEASE, { dataDir });
      const email = `crash-${delay}-${Date.now()}@example.cn`;
      expect(await register(first.baseUrl, email)).toBe(303);
      await new Promise((r) => setTimeout(r, delay));
      await first.signal('SIGKILL');

      const second = await startLocalApp(SHORT_LEASE, { dataDir });
      try {
        for (let i = 0; i < 60 && verificationMails(dataDir, email) === 0; i += 1)
          await new Promise((r) => setTimeout(r, 250));
        // Give a second sending (which must not happen) time to show itself.
        await new Promise((r) => setTimeout(r, 2000));
        expect(verificationMails(dataDir, email)).toBe(1);
      } finally {
        await second.stop();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  },
);
