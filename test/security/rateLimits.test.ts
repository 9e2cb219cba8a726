// Rate limits that stop an attacker without stopping a lecture hall: failed sign-ins count per account and per
// address, successful ones never; sign-ups count per address and form, and per account.
import { trusted } from 'mongoose';
import { User } from '../../models/User';
import { TEST_PASSWORD, useTestApp } from '../helpers/app';
import { makeCampusDrive, makeUser, unique } from '../helpers/builders';
import { csrfFrom } from '../helpers/http';

// Real limits (the other test files raise them out of the way); one proxy hop, so tests can play several addresses.
const t = useTestApp({ env: { RATE_LIMIT_LOGIN: '5', RATE_LIMIT_SIGNUP: '10', TRUST_PROXY: '1' } });

/** Posts a form from `address` as a fresh browser (its own session and CSRF token). */
async function postFrom(address: string, page: string, fields: Record<string, string>, agent = t.agent()) {
  const token = csrfFrom((await agent.get(page).set('X-Forwarded-For', address)).text);
  return agent
    .post(page)
    .set('X-Forwarded-For', address)
    .type('form')
    .send({ ...fields, _csrf: token });
}

function signup(email: string) {
  return {
    name: '何一诺',
    email,
    graduationYear: '2027',
    password: 'drive-signup-2027',
    passwordConfirm: 'drive-signup-2027',
    privacy: '1',
    consent: 'status',
  };
}

async function campusDrive() {
  const { drive } = await makeCampusDrive(t.clock.now());
  const link = t.services.referrals.driveLink(String(drive._id), 'http://teachbridge.test', t.config.sessionSecret);
  return new URL(link).pathname;
}

/** A fresh rate-limit window for each test. */
beforeEach(() => t.clock.advance(16 * 60 * 1000));

describe('sign-up', () => {
  it('when a lecture hall of 300 signs up through a campus drive from one network within the hour, then every sign-up goes through', async () => {
    const path = await campusDrive();
    const tag = unique('hall');
    const statuses: number[] = [];
    // One page load, then 300 submissions (kept fast: what is limited is the address, not the browser session).
    const agent = t.agent();
    const token = csrfFrom((await agent.get(path).set('X-Forwarded-For', '203.0.113.7')).text);
    for (let i = 0; i < 300; i += 1) {
      const res = await agent
        .post(path)
        .set('X-Forwarded-For', '203.0.113.7')
        .type('form')
        .send({ ...signup(`${tag}-${i}@test.cn`), _csrf: token });
      statuses.push(res.status);
      t.clock.advance(1000); // 300 students in five minutes, well within one hour (and one window)
    }
    expect(statuses.filter((s) => s !== 303)).toEqual([]);
    expect(await User.countDocuments({ email: trusted({ $regex: `^${tag}-` }) })).toBe(300);
  }, 240_000);

  it('when one address sprays accounts through the sign-up form, then it is stopped after the limit, while the drive form of that network still works', async () => {
    const tag = unique('spray');
    const statuses: number[] = [];
    for (let i = 0; i < 12; i += 1) {
      const res = await postFrom('198.51.100.9', '/register', {
        name: '攻击者',
        email: `${tag}-${i}@test.cn`,
        password: 'spray-spray-2027',
        passwordConfirm: 'spray-spray-2027',
        privacy: '1',
      });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 303)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    expect(await User.countDocuments({ email: trusted({ $regex: `^${tag}-` }) })).toBe(10);
    // The same network's campus drive is another form: it is not used up.
    const path = await campusDrive();
    expect((await postFrom('198.51.100.9', path, signup(`${tag}-drive@test.cn`))).status).toBe(303);
  });

  it('when one address is signed up again and again, from many addresses, then the owner is not flooded: the account limit answers 429', async () => {
    const path = await campusDrive();
    const email = `${unique('victim')}@test.cn`;
    const statuses: number[] = [];
    for (let i = 0; i < 12; i += 1) statuses.push((await postFrom(`192.0.2.${i + 1}`, path, signup(email))).status);
    expect(statuses.slice(0, 10).every((s) => s === 303)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
  });
});

describe('sign-in', () => {
  it('when a user signs in successfully many times, then none of it counts against them; wrong passwords still do', async () => {
    const user = await makeUser();
    for (let i = 0; i < 12; i += 1) {
      expect((await postFrom('203.0.113.20', '/login', { email: user.email, password: TEST_PASSWORD })).status).toBe(
        303,
      );
    }
    const wrong: number[] = [];
    for (let i = 0; i < 6; i += 1)
      wrong.push((await postFrom('203.0.113.20', '/login', { email: user.email, password: 'wrong' })).status);
    expect(wrong).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it('when a class of 60 signs in from one network, then everyone gets in', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 60; i += 1) {
      const user = await makeUser();
      statuses.push((await postFrom('203.0.113.30', '/login', { email: user.email, password: TEST_PASSWORD })).status);
    }
    expect(statuses.filter((s) => s !== 303)).toEqual([]);
  }, 120_000);

  it('when one account’s password is guessed from many addresses, then the account limit answers 429, even to the right password', async () => {
    const user = await makeUser();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1)
      statuses.push((await postFrom(`198.51.100.${i + 1}`, '/login', { email: user.email, password: 'guess' })).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    expect((await postFrom('198.51.100.99', '/login', { email: user.email, password: TEST_PASSWORD })).status).toBe(
      429,
    );
  });
});
