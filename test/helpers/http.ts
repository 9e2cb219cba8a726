// Talking to the app as a browser does: CSRF tokens from the page, forms posted urlencoded, links from emails.
import type request from 'supertest';
import { FieldCipher } from '../../server/crypto';
import { totp } from '../../server/services/twoFactor';
import { User } from '../../models/User';
import { TEST_DATA_KEY, TEST_PASSWORD, appClock } from './app';

type Agent = ReturnType<typeof request.agent>;

export function csrfFrom(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('No CSRF token in the page');
  return match[1];
}

/** GETs a page and POSTs its form with the page's CSRF token. */
export async function submitForm(
  agent: Agent,
  pageUrl: string,
  fields: Record<string, string | string[]>,
  action = pageUrl,
) {
  const page = await agent.get(pageUrl);
  const token = csrfFrom(page.text);
  return agent
    .post(action)
    .type('form')
    .send({ ...fields, _csrf: token });
}

/** Signs in through the real form, as a person would, with the code from their authenticator when asked. */
export async function loginAs(agent: Agent, email: string, password = TEST_PASSWORD) {
  const res = await submitForm(agent, '/login', { email, password });
  if (res.status !== 303) throw new Error(`Sign-in as ${email} failed with ${res.status}`);
  if (res.headers.location !== '/login/2fa') return res;
  // Each code is accepted once: try the current step, then the neighbours the app also accepts.
  for (const offset of [0, 1, -1]) {
    const second = await submitForm(agent, '/login/2fa', { code: await authenticatorCode(email, offset) });
    if (second.status === 303) return second;
  }
  throw new Error(`Two-step sign-in as ${email} failed`);
}

/** What the user's authenticator app shows at the app's time (plus `offset` steps of 30 s). */
export async function authenticatorCode(email: string, offset = 0): Promise<string> {
  const user = await User.findOne({ email: email.toLowerCase() }).lean();
  const sealed = user?.totp?.secret ?? user?.totp?.pendingSecret;
  if (!sealed) throw new Error(`${email} has no authenticator secret`);
  const secret = new FieldCipher(TEST_DATA_KEY).decrypt(sealed);
  const now = (appClock.current?.now() ?? new Date()).getTime() + offset * 30_000;
  return totp(secret, email).generate({ timestamp: now });
}

/** The first link in an email's text that contains `path`, as a path the agent can request. */
export function linkIn(text: string, path: string): string {
  const match = new RegExp(`https?://[^\\s]+${path.replace(/[/]/g, '\\/')}[^\\s]*`).exec(text);
  if (!match) throw new Error(`No link to ${path} in:\n${text}`);
  return new URL(match[0]).pathname;
}

export function sessionCookie(res: { headers: Record<string, unknown> }): string | undefined {
  const cookies = (res.headers['set-cookie'] as string[] | undefined) ?? [];
  return cookies.map((c) => c.split(';')[0]).find((c) => c?.startsWith('tb.sid='));
}
