// The app in-process against the real embedded database (a database per test file) and a real SMTP peer.
import crypto from 'node:crypto';
import type express from 'express';
import mongoose from 'mongoose';
import request from 'supertest';
import { createApp, type Services } from '../../server/app';
import { ManualClock } from '../../server/clock';
import { loadConfig, type Config, type Env } from '../../server/config';
import { connectDatabase, ensureIndexes } from '../../server/db/connect';
import { createLogger } from '../../server/logger';
import { createSmtpTransport } from '../../server/mail/transport';
import type { MailWorker } from '../../server/mail/worker';
import type { Scheduler } from '../../server/jobs';
import { startSmtpPeer, type SmtpPeer } from './smtp';

export const TEST_PASSWORD = 'correct horse 电池 staple';
export const TEST_DATA_KEY = 'test-data-key-that-is-long-enough-for-aes-5678';

/** The running test app's clock, for helpers that act as a person with a phone (authenticator codes). */
export const appClock: { current: ManualClock | null } = { current: null };

export interface TestApp {
  app: express.Express;
  services: Services;
  worker: MailWorker;
  scheduler: Scheduler;
  clock: ManualClock;
  smtp: SmtpPeer;
  config: Config;
  /** Runs the mail worker until nothing more is due; returns how many emails went out. */
  deliver(): Promise<number>;
  agent(): ReturnType<typeof request.agent>;
}

export function testEnv(smtpUrl: string, env: Env = {}): Env {
  return {
    NODE_ENV: 'test',
    MONGODB_URI: process.env.TEST_MONGODB_URI,
    SESSION_SECRET: 'test-session-secret-that-is-long-enough-1234',
    DATA_KEY: TEST_DATA_KEY,
    SMTP_URL: smtpUrl,
    BASE_URL: 'http://teachbridge.test',
    MAIL_FROM: 'TeachBridge <no-reply@teachbridge.test>',
    LOG_LEVEL: 'silent',
    ARGON2_MEMORY_KIB: '1024',
    ARGON2_TIME_COST: '1',
    RATE_LIMIT_LOGIN: '1000',
    RATE_LIMIT_SIGNUP: '1000',
    RATE_LIMIT_RESET: '1000',
    ...env,
  };
}

/** Connects this test file to a fresh database of its own; returns its name. */
export function useDatabase(): { name: string } {
  const handle = { name: `tb_${process.env.JEST_WORKER_ID ?? '0'}_${crypto.randomBytes(4).toString('hex')}` };
  beforeAll(async () => {
    const uri = process.env.TEST_MONGODB_URI;
    if (!uri) throw new Error('TEST_MONGODB_URI is not set: run the tests with `npm test`.');
    await connectDatabase(uri, handle.name);
    await ensureIndexes();
  });
  afterAll(async () => {
    await mongoose.connection.dropDatabase().catch(() => {});
    await mongoose.disconnect();
  });
  return handle;
}

/** Registers hooks that build the app for this file; read the fields inside tests. */
export function useTestApp(
  options: { env?: Env; extraRoutes?: (app: express.Express) => void; start?: Date } = {},
): TestApp {
  const ctx = {} as TestApp;
  useDatabase();
  beforeAll(async () => {
    ctx.smtp = await startSmtpPeer();
    ctx.clock = new ManualClock(options.start ?? new Date());
    appClock.current = ctx.clock;
    ctx.config = loadConfig(testEnv(ctx.smtp.url, options.env));
    const transport = createSmtpTransport(ctx.config.smtpUrl!);
    const built = createApp({
      config: ctx.config,
      logger: createLogger(ctx.config.logLevel),
      clock: ctx.clock,
      transport,
      engine: 'ferretdb',
      extraRoutes: options.extraRoutes,
    });
    Object.assign(ctx, built);
    ctx.deliver = async () => {
      let total = 0;
      for (let i = 0; i < 10; i += 1) {
        const sent = await built.worker.runOnce();
        total += sent;
        if (sent === 0) break;
      }
      return total;
    };
    ctx.agent = () => request.agent(built.app);
    (ctx as unknown as { transport: typeof transport }).transport = transport;
  });
  afterAll(async () => {
    await ctx.worker?.stop();
    (ctx as unknown as { transport?: { close(): void } }).transport?.close();
    await ctx.smtp?.close();
  });
  return ctx;
}
