// The process: configuration, database (embedded in local mode), mail worker, scheduler, HTTP, clean shutdown.
import http from 'node:http';
import path from 'node:path';
import mongoose from 'mongoose';
import { createApp } from './app';
import { systemClock } from './clock';
import { ConfigError, loadConfig } from './config';
import { connectDatabase, detectEngine, ensureIndexes } from './db/connect';
import { EmbeddedDatabaseError, startEmbeddedDatabase, type EmbeddedDatabase } from './db/embedded';
import { createLogger } from './logger';
import { createMailboxTransport, createSmtpTransport } from './mail/transport';
import { seedDemo } from '../scripts/seed';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const say = (message: string) => process.stdout.write(`${message}\n`);

  let embedded: EmbeddedDatabase | undefined;
  let uri = config.mongodbUri;
  let dbName: string | undefined;
  if (!uri) {
    try {
      embedded = await startEmbeddedDatabase({
        dataDir: path.join(config.dataDir, 'db'),
        log: say,
        avoidPorts: [config.port],
      });
    } catch (err) {
      if (err instanceof EmbeddedDatabaseError) {
        process.stderr.write(`${err.message}\n`);
        process.exit(1);
      }
      throw err;
    }
    uri = embedded.uri;
    dbName = 'teachbridge';
    say(`Embedded database (${embedded.engine}) running on ${embedded.uri}`);
  }

  await connectDatabase(uri, dbName, config.database);
  await ensureIndexes();
  const engine = embedded?.engine ?? (await detectEngine());

  if (config.seedDemo && config.localMode) {
    const seeded = await seedDemo({ argon2: config.argon2, dataKey: config.dataKey, ifEmpty: true });
    if (seeded) say('Demo data created: see README.md for the demo accounts.');
  }

  const transport = config.smtpUrl
    ? createSmtpTransport(config.smtpUrl)
    : createMailboxTransport(path.join(config.dataDir, 'mail'));
  const { app, worker, scheduler, lifecycle, services } = createApp({
    config,
    logger,
    clock: systemClock,
    transport,
    engine,
  });
  worker.start();
  scheduler.start();
  // The public catalogue is read before the first visitor arrives rather than on their request.
  await services.catalogue.fresh();

  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  say(
    `TeachBridge is running on ${config.baseUrl}${config.localMode ? ` (local mode; mailbox at ${config.baseUrl}/dev/mailbox)` : ''}`,
  );

  let shuttingDown = false;
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, 'shutting down');
    // Drain first: keep answering (with Connection: close, and 503 on /healthz so load balancers move on) for a
    // grace period, so that connections already opened are served rather than reset; then stop listening, let the
    // in-flight requests finish, stop claiming mail, and close the database.
    lifecycle.draining = true;
    await new Promise((resolve) => setTimeout(resolve, config.shutdownGraceMs));
    await new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    scheduler.stop();
    await worker.stop();
    transport.close();
    await mongoose.disconnect();
    await embedded?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`TeachBridge could not start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
