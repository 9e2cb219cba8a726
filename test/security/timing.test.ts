// Whether an address has an account must not show in how long sign-in, sign-up or a reset request takes. Measured at
// the production password cost (argon2id, 19 MiB, 2 passes), where skipping the hash would be a gap of tens of ms.
import { performance } from 'node:perf_hooks';
import { unique } from '../helpers/builders';
import { useTestApp } from '../helpers/app';
import { csrfFrom } from '../helpers/http';

const t = useTestApp({ env: { ARGON2_MEMORY_KIB: '19456', ARGON2_TIME_COST: '2' } });
const TRIES = 20;
const LIMIT_MS = 20;
const PASSWORD = 'timing-test-Password-1';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2;
};

/** Times one form submission (the page load and its CSRF token are not counted). */
async function timed(page: string, fields: Record<string, string>) {
  const agent = t.agent();
  const token = csrfFrom((await agent.get(page)).text);
  const started = performance.now();
  const res = await agent
    .post(page)
    .type('form')
    .send({ ...fields, _csrf: token });
  return { ms: performance.now() - started, status: res.status, location: res.headers.location };
}

const registration = (email: string) => ({
  name: '计时测试',
  email,
  password: PASSWORD,
  passwordConfirm: PASSWORD,
  privacy: '1',
});

/** Alternates the two cases, so that warming up and load on the machine favour neither; returns both medians. */
async function compare(known: () => Promise<{ ms: number }>, unknown: () => Promise<{ ms: number }>) {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < TRIES; i += 1) {
    if (i % 2 === 0) {
      a.push((await known()).ms);
      b.push((await unknown()).ms);
    } else {
      b.push((await unknown()).ms);
      a.push((await known()).ms);
    }
  }
  return { known: median(a), unknown: median(b), gap: Math.abs(median(a) - median(b)) };
}

const accounts: string[] = [];
beforeAll(async () => {
  // Accounts made as every account is, through the sign-up form, so their hashes carry the production cost.
  for (let i = 0; i < TRIES; i += 1) {
    const email = `${unique('timing')}@test.cn`;
    expect((await timed('/register', registration(email))).status).toBe(303);
    accounts.push(email);
  }
}, 120_000);

describe('timing does not tell whether an address has an account', () => {
  it('when sign-up is tried with a registered and a new address, then both answer alike and the medians of 20 tries differ by under 20 ms', async () => {
    let n = 0;
    let m = 0;
    const result = await compare(
      async () => {
        const r = await timed('/register', registration(accounts[n++]!));
        expect([r.status, r.location]).toEqual([303, '/register/sent']);
        return r;
      },
      async () => {
        m += 1;
        const r = await timed('/register', registration(`${unique('fresh')}@test.cn`));
        expect([r.status, r.location]).toEqual([303, '/register/sent']);
        return r;
      },
    );
    expect(result.gap).toBeLessThan(LIMIT_MS);
    expect(m).toBe(TRIES);
    // The owner of the registered address is told by email (through the outbox), not by a different page.
    await t.deliver();
    expect(t.smtp.to(accounts[0]!).length).toBeGreaterThan(0);
  }, 120_000);

  it('when sign-in is tried with a wrong password for a registered and an unknown address, then both answer alike and the medians differ by under 20 ms', async () => {
    let n = 0;
    const result = await compare(
      async () => {
        const r = await timed('/login', { email: accounts[n++]!, password: 'wrong-Password-9' });
        expect(r.status).toBe(401);
        return r;
      },
      async () => {
        const r = await timed('/login', { email: `${unique('nobody')}@test.cn`, password: 'wrong-Password-9' });
        expect(r.status).toBe(401);
        return r;
      },
    );
    expect(result.gap).toBeLessThan(LIMIT_MS);
  }, 120_000);

  it('when a password reset is asked for a registered and an unknown address, then both answer alike and the medians differ by under 20 ms', async () => {
    let n = 0;
    const result = await compare(
      async () => {
        const r = await timed('/password/forgot', { email: accounts[n++]! });
        expect([r.status, r.location]).toEqual([303, '/password/forgot/sent']);
        return r;
      },
      async () => {
        const r = await timed('/password/forgot', { email: `${unique('nobody')}@test.cn` });
        expect([r.status, r.location]).toEqual([303, '/password/forgot/sent']);
        return r;
      },
    );
    expect(result.gap).toBeLessThan(LIMIT_MS);
  }, 120_000);
});
