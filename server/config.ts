// The one place that reads process.env: validated once at start-up, frozen and typed.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { rootDir } from './paths';

const PRODUCTION_REQUIRED = ['MONGODB_URI', 'SESSION_SECRET', 'DATA_KEY', 'SMTP_URL', 'BASE_URL', 'MAIL_FROM'] as const;

/** How long the app waits for its database, at each stage (server/db/connect.ts). */
export interface DatabaseTimeouts {
  /** An operation waits this long for a reachable server (the database is down or unreachable: 503). */
  readonly serverSelectionTimeoutMs: number;
  /** Opening a connection (TCP, TLS, handshake), and the longest a heartbeat waits for its answer. */
  readonly connectTimeoutMs: number;
  /** How often the driver checks each server (polling, so a silent server is noticed at this pace). */
  readonly heartbeatMs: number;
  /** The longest any single reply is waited for; 0: no limit (a slow report scan is not cut off). */
  readonly socketTimeoutMs: number;
  /** A request waiting this long on a database that has stopped answering gets the 503 page at once. */
  readonly stallMs: number;
}

export const DATABASE_DEFAULTS: DatabaseTimeouts = Object.freeze({
  serverSelectionTimeoutMs: 2000,
  connectTimeoutMs: 5000,
  heartbeatMs: 500,
  socketTimeoutMs: 0,
  stallMs: 1500,
});

const intFrom = (fallback: number) => z.coerce.number().int().nonnegative().default(fallback);

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: intFrom(3000),
  /** On SIGTERM: how long to keep serving (answering /healthz with 503) before closing the listener. */
  SHUTDOWN_GRACE_MS: intFrom(1500),
  HOST: z.string().default('0.0.0.0'),
  BASE_URL: z.url().optional(),
  MONGODB_URI: z.string().startsWith('mongodb').optional(),
  DATA_DIR: z.string().default('./data'),
  SESSION_SECRET: z.string().min(32, 'SESSION_SECRET must be at least 32 characters').optional(),
  DATA_KEY: z.string().min(32, 'DATA_KEY must be at least 32 characters').optional(),
  SMTP_URL: z.string().startsWith('smtp').optional(),
  MAIL_FROM: z.string().min(3).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: intFrom(0),
  SEED_DEMO: z.enum(['auto', 'never']).default('auto'),
  ARGON2_MEMORY_KIB: intFrom(19456),
  ARGON2_TIME_COST: intFrom(2),
  /** Candidates unused this many months are warned, then anonymised a month later (PIPL storage limitation). */
  RETENTION_MONTHS: intFrom(24),
  RATE_LIMIT_LOGIN: intFrom(10),
  RATE_LIMIT_SIGNUP: intFrom(10),
  RATE_LIMIT_RESET: intFrom(5),
  /** Sign-ups per address through one campus drive's form: a lecture hall on one network signs up at once. */
  RATE_LIMIT_DRIVE: intFrom(500),
  MAIL_POLL_MS: intFrom(2000),
  /** How long a sending attempt is held before another instance may retry it (longer than the SMTP timeouts). */
  MAIL_LEASE_MS: intFrom(60_000),
  STORAGE: z.enum(['fs', 'gridfs']).default('fs'),
  // Database timeouts (README, "Configuration"): a database that is down is found by server selection, one that has
  // stopped answering (its connections stay open) by the driver's heartbeat.
  DB_SERVER_SELECTION_TIMEOUT_MS: intFrom(DATABASE_DEFAULTS.serverSelectionTimeoutMs),
  DB_CONNECT_TIMEOUT_MS: intFrom(DATABASE_DEFAULTS.connectTimeoutMs),
  DB_HEARTBEAT_MS: intFrom(DATABASE_DEFAULTS.heartbeatMs),
  DB_SOCKET_TIMEOUT_MS: intFrom(DATABASE_DEFAULTS.socketTimeoutMs),
  DB_STALL_MS: intFrom(DATABASE_DEFAULTS.stallMs),
});

export type Env = Record<string, string | undefined>;

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly isProduction: boolean;
  /** Local mode: no MONGODB_URI, so the app runs its own embedded database and a file mailbox. */
  readonly localMode: boolean;
  readonly port: number;
  readonly host: string;
  readonly baseUrl: string;
  readonly mongodbUri: string | undefined;
  readonly dataDir: string;
  readonly sessionSecret: string;
  /** Encrypts sensitive personal information at rest (ID numbers). Losing it loses those fields. */
  readonly dataKey: string;
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  readonly logLevel: string;
  readonly trustProxy: number;
  readonly seedDemo: boolean;
  readonly argon2: { readonly memoryCost: number; readonly timeCost: number };
  readonly rateLimits: {
    readonly login: number;
    readonly signup: number;
    readonly reset: number;
    readonly drive: number;
    readonly windowMs: number;
  };
  readonly mailPollMs: number;
  readonly mailLeaseMs: number;
  readonly retentionMonths: number;
  readonly shutdownGraceMs: number;
  /** Uploaded documents: files under DATA_DIR/uploads, or GridFS for multi-instance deployments. */
  readonly storage: 'fs' | 'gridfs';
  readonly database: DatabaseTimeouts;
}

export class ConfigError extends Error {}

/** A secret that survives restarts in local mode (sign-ins and encrypted fields stay readable). */
function localSecret(dataDir: string, name: string): string {
  const file = path.join(dataDir, name);
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    const secret = crypto.randomBytes(32).toString('hex');
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, secret, { mode: 0o600 });
    return secret;
  }
}

export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`Invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  const isProduction = e.NODE_ENV === 'production';
  if (isProduction) {
    const missing = PRODUCTION_REQUIRED.filter((name) => !e[name]);
    if (missing.length > 0) {
      throw new ConfigError(
        `Production mode needs ${missing.join(', ')}; set ${missing.length === 1 ? 'it' : 'them'} in the environment and start again.`,
      );
    }
  }
  // The heartbeat must come round, and be overdue, within the stall wait, or stalls are noticed late.
  if (e.DB_HEARTBEAT_MS < 500 || e.DB_HEARTBEAT_MS + 250 > e.DB_STALL_MS) {
    throw new ConfigError(
      `Invalid configuration: DB_HEARTBEAT_MS must be at least 500 and at least 250 less than DB_STALL_MS (now ${e.DB_HEARTBEAT_MS} and ${e.DB_STALL_MS}).`,
    );
  }
  const dataDir = path.resolve(rootDir, e.DATA_DIR);
  const config: Config = {
    env: e.NODE_ENV,
    isProduction,
    localMode: !e.MONGODB_URI,
    port: e.PORT,
    host: e.HOST,
    baseUrl: (e.BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    mongodbUri: e.MONGODB_URI,
    dataDir,
    sessionSecret: e.SESSION_SECRET ?? (overrides.sessionSecret || localSecret(dataDir, 'session-secret')),
    dataKey: e.DATA_KEY ?? (overrides.dataKey || localSecret(dataDir, 'data-key')),
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM ?? 'TeachBridge <no-reply@teachbridge.local>',
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    seedDemo: !isProduction && e.SEED_DEMO === 'auto',
    argon2: { memoryCost: e.ARGON2_MEMORY_KIB, timeCost: e.ARGON2_TIME_COST },
    rateLimits: {
      login: e.RATE_LIMIT_LOGIN,
      signup: e.RATE_LIMIT_SIGNUP,
      reset: e.RATE_LIMIT_RESET,
      drive: e.RATE_LIMIT_DRIVE,
      windowMs: 15 * 60 * 1000,
    },
    mailPollMs: e.MAIL_POLL_MS,
    mailLeaseMs: e.MAIL_LEASE_MS,
    retentionMonths: e.RETENTION_MONTHS,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    storage: e.STORAGE,
    database: Object.freeze({
      serverSelectionTimeoutMs: e.DB_SERVER_SELECTION_TIMEOUT_MS,
      connectTimeoutMs: e.DB_CONNECT_TIMEOUT_MS,
      heartbeatMs: e.DB_HEARTBEAT_MS,
      socketTimeoutMs: e.DB_SOCKET_TIMEOUT_MS,
      stallMs: e.DB_STALL_MS,
    }),
    ...overrides,
  };
  return Object.freeze(config);
}
