// /healthz and request failures while the database engine is down, on an engine of this file's own.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import request from 'supertest';
import { createApp } from '../../server/app';
import { ManualClock } from '../../server/clock';
import { loadConfig } from '../../server/config';
import { connectDatabase, ensureIndexes } from '../../server/db/connect';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../server/db/embedded';
import { createLogger } from '../../server/logger';
import { createMailboxTransport } from '../../server/mail/transport';
import { testEnv } from '../helpers/app';

let dataDir: string;
let db: EmbeddedDatabase;
let app: ReturnType<typeof createApp>['app'];

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'teachbridge-health-'));
  db = await startEmbeddedDatabase({ dataDir, preferFerret: true });
  await connectDatabase(db.uri, 'health');
  await ensureIndexes();
  const config = loadConfig(testEnv('smtp://127.0.0.1:9', { MONGODB_URI: db.uri }));
  ({ app } = createApp({
    config,
    logger: createLogger('silent'),
    clock: new ManualClock(),
    transport: createMailboxTransport(path.join(dataDir, 'mail')),
    engine: db.engine,
  }));
});

afterAll(async () => {
  await mongoose.disconnect();
  await db.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('condition not reached');
}

it('when the database engine stops, then /healthz says 503 and pages fail with a localised 503; when it returns, everything recovers without a restart', async () => {
  const up = await request(app).get('/healthz');
  expect(up.status).toBe(200);
  expect(up.body).toEqual({ status: 'ok', database: 'up', engine: 'ferretdb' });

  const port = db.port;
  await db.stop();

  const down = await request(app).get('/healthz');
  expect(down.status).toBe(503);
  expect(down.body.database).toBe('down');

  const started = Date.now();
  const page = await request(app)
    .post('/password/forgot')
    .set('Accept-Language', 'en')
    .type('form')
    .send({ email: 'a@b.cn' });
  // Fails fast (no buffering until a 10 s timeout) and says so in the visitor's language.
  expect(Date.now() - started).toBeLessThan(8000);
  expect([403, 503]).toContain(page.status);
  // Pages that need no database still work, and arrive whole: the new session behind the form cannot be stored, which
  // must not cut the connection after the page was sent (it did, about one time in two, before the session store's
  // errors were told apart).
  for (let i = 0; i < 4; i += 1) {
    const forgot = await request(app).get('/password/forgot');
    expect(forgot.status).toBe(200);
    expect(forgot.text).toMatch(/<\/html>\s*$/);
  }

  db = await startEmbeddedDatabase({ dataDir, preferFerret: true, port });
  await waitFor(async () => (await request(app).get('/healthz')).status === 200);
  const back = await request(app).get('/password/forgot');
  expect(back.status).toBe(200);
});
