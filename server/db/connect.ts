import mongoose from 'mongoose';
import { DATABASE_DEFAULTS, type DatabaseTimeouts } from '../config';
import { databaseHealth } from './health';

// Filters built from request values can never smuggle query operators ({ $ne: … }) into a query: every
// operator object is wrapped in $eq unless our own code marks it with mongoose.trusted().
mongoose.set('sanitizeFilter', true);
mongoose.set('strictQuery', true);

/**
 * Connects the app's Mongoose connection, with every timeout chosen (README, "Database timeouts"):
 * - commands are not buffered while the database is away (`bufferCommands: false`, so `bufferTimeoutMS` never
 *   applies): a request fails at once or when server selection gives up, and the driver reconnects by itself;
 * - `serverSelectionTimeoutMS`: how long an operation waits for a reachable server (a database that is down);
 * - the heartbeat polls every `heartbeatFrequencyMS` on its own connection and waits `connectTimeoutMS` for each
 *   answer (also the limit for opening a connection). A database that has stopped answering keeps its connections
 *   open; its silent heartbeat is what gives it away: server/db/health.ts watches it (the request guard, the session
 *   store and the public catalogue stop waiting after DB_STALL_MS), and when the driver's own wait runs out it cuts
 *   off the operations in flight and frees their connections. Polling rather than MongoDB's streaming heartbeat, so
 *   that an unanswered heartbeat means the same on both engines;
 * - `socketTimeoutMS` (0 by default): a limit on any single reply. Stalls are already caught by the heartbeat, and a
 *   reply that is merely slow (a report's scan on the embedded engine at regional scale) should not be cut off;
 * - no `maxTimeMS`: the server enforces it, which a stalled server does not, and FerretDB rejects it on `distinct`.
 *   `timeoutMS` has no effect in driver 7.8 and is not used.
 */
export async function connectDatabase(
  uri: string,
  dbName?: string,
  timeouts: DatabaseTimeouts = DATABASE_DEFAULTS,
): Promise<typeof mongoose> {
  const connected = await mongoose.connect(uri, {
    dbName,
    bufferCommands: false,
    serverSelectionTimeoutMS: timeouts.serverSelectionTimeoutMs,
    connectTimeoutMS: timeouts.connectTimeoutMs,
    heartbeatFrequencyMS: timeouts.heartbeatMs,
    serverMonitoringMode: 'poll',
    socketTimeoutMS: timeouts.socketTimeoutMs,
    autoIndex: true,
  });
  databaseHealth.watch(mongoose.connection.getClient(), timeouts.stallMs - timeouts.heartbeatMs);
  return connected;
}

/** 'ferretdb' or 'mongodb', from the server's own buildInfo. */
export async function detectEngine(): Promise<string> {
  const info = await mongoose.connection.db!.admin().command({ buildInfo: 1 });
  // FerretDB 1.x answers buildInfo with `ferretdbVersion` (and `ferretdbFeatures`).
  return 'ferretdbVersion' in info || 'ferretdb' in info ? 'ferretdb' : 'mongodb';
}

export async function ensureIndexes(): Promise<void> {
  await Promise.all(Object.values(mongoose.models).map((model) => model.init()));
}
