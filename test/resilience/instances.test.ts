// Two app instances on one database, as behind a load balancer: a session made on one works on the other, and
// every scheduled job runs once per period however many instances tick (a lease claimed by a unique insert).
// (Each outbox message sent once across instances: test/integration/mail.test.ts.)
import request from 'supertest';
import { Lease } from '../../models/Lease';
import { createApp } from '../../server/app';
import { createLogger } from '../../server/logger';
import { createSmtpTransport } from '../../server/mail/transport';
import { useTestApp } from '../helpers/app';
import { makeUser } from '../helpers/builders';
import { loginAs, sessionCookie } from '../helpers/http';

const t = useTestApp({ start: new Date('2026-11-29T02:00:00Z') });

function secondInstance() {
  return createApp({
    config: t.config,
    logger: createLogger('silent'),
    clock: t.clock,
    transport: createSmtpTransport(t.config.smtpUrl!),
    engine: 'ferretdb',
  });
}

it('a session made on one instance works on the other, and signing out on one ends it on both', async () => {
  const b = secondInstance();
  const user = await makeUser({ name: '双实例' });
  const agent = t.agent();
  const signedIn = await loginAs(agent, user.email);
  const cookie = sessionCookie(signedIn)!;
  const onB = await request(b.app).get('/account').set('Cookie', cookie);
  expect(onB.status).toBe(200);
  expect(onB.text).toContain('双实例');
  const page = await agent.get('/account');
  const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
  // The CSRF token lives in the shared session too: a form served by A is accepted by B.
  const out = await request(b.app).post('/logout').set('Cookie', cookie).type('form').send({ _csrf: token });
  expect(out.status).toBe(303);
  expect((await agent.get('/account')).status).toBe(303);
  await b.worker.stop();
});

it('every scheduled job runs once per period across instances', async () => {
  const b = secondInstance();
  await Lease.deleteMany({});
  const [ranA, ranB] = await Promise.all([t.scheduler.tick(), b.scheduler.tick()]);
  const all = [...ranA, ...ranB].sort();
  // Every job ran, and none twice.
  expect(new Set(all).size).toBe(all.length);
  expect(all).toEqual(
    expect.arrayContaining([
      'check-ins',
      'close-expired-vacancies',
      'privacy-retention',
      'report-snapshot',
      'purge-outbox',
    ]),
  );
  // Ticking again in the same period runs nothing; in the next period of an hourly job, it runs once more.
  expect([...(await t.scheduler.tick()), ...(await b.scheduler.tick())]).toEqual([]);
  t.clock.advance(60 * 60 * 1000);
  const next = [...(await t.scheduler.tick()), ...(await b.scheduler.tick())];
  expect(next.filter((j) => j === 'check-ins')).toEqual(['check-ins']);
  await b.worker.stop();
});
