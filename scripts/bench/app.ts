// The app under test: built (when its sources are newer than dist/) and started as `npm start` starts it in
// production, as its own process, against the benchmark's database.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '../../server/db/embedded';
import { rootDir } from '../../server/paths';
import { Client } from '../client';
import { onCleanup, stopChild, track } from './processes';

/**
 * Production sets the session cookie `Secure`, and express-session only sends such a cookie over HTTPS. The
 * benchmark talks plain HTTP on loopback as a TLS-terminating proxy would: the app trusts one proxy hop
 * (TRUST_PROXY=1) and every request says it came over HTTPS.
 */
export const PROXY_HEADERS = { 'x-forwarded-proto': 'https' } as const;

/** The command-line client, talking through the pretend proxy and keeping the cookie where the bench can read it. */
export class BenchClient extends Client {
  cookieHeader = '';

  override async request(path: string, init: RequestInit = {}): Promise<Response> {
    const res = await super.request(path, {
      ...init,
      headers: { ...(init.headers as Record<string, string>), ...PROXY_HEADERS },
    });
    const set = res.headers.getSetCookie().map((c) => c.split(';')[0]!);
    if (set.length > 0) this.cookieHeader = set.join('; ');
    return res;
  }
}

const SOURCE_DIRS = ['server', 'routes', 'models', 'scripts'];

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    // The benchmark's own files are compiled too, but the app never loads them.
    if (full.startsWith(path.join(rootDir, 'scripts', 'bench'))) continue;
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** Runs `npm run build` when dist/ is missing or older than a source file. */
export function buildIfStale(log: (line: string) => void, force = false): void {
  const entry = path.join(rootDir, 'dist', 'server', 'index.js');
  const built = fs.existsSync(entry) ? fs.statSync(entry).mtimeMs : 0;
  const newest = Math.max(...SOURCE_DIRS.map((d) => newestSource(path.join(rootDir, d))));
  if (!force && built > newest) return;
  log(built ? 'sources changed since the last build: npm run build' : 'no build yet: npm run build');
  const run = spawnSync('npm', ['run', 'build', '--silent'], { cwd: rootDir, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`npm run build failed:\n${run.stdout}${run.stderr}`);
}

export interface AppProcess {
  base: string;
  pid: number;
  /** The last lines the app printed (warnings and errors: it logs at warn). */
  output(): string;
  /** SIGTERM: the app drains and shuts down as in production. */
  stop(): Promise<void>;
  /** SIGKILL: drops whatever it was still working on. */
  kill(): Promise<void>;
}

export async function startApp(options: {
  uri: string;
  dataKey: string;
  dataDir: string;
  /** The same across restarts keeps the benchmark's sessions valid. */
  sessionSecret: string;
}): Promise<AppProcess> {
  const port = await freePort();
  // Mail goes to a port nothing listens on: messages stay queued in the outbox and the worker retries later.
  const smtpPort = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = track(
    spawn(process.execPath, [path.join(rootDir, 'dist', 'server', 'index.js')], {
      cwd: rootDir,
      detached: true, // its own process group: Ctrl-C reaches the benchmark, which stops it in order
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        NODE_ENV: 'production',
        PORT: String(port),
        HOST: '127.0.0.1',
        BASE_URL: base,
        MONGODB_URI: options.uri,
        SESSION_SECRET: options.sessionSecret,
        DATA_KEY: options.dataKey,
        DATA_DIR: options.dataDir,
        SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
        MAIL_FROM: 'TeachBridge Bench <bench@teachbridge.local>',
        LOG_LEVEL: 'warn',
        TRUST_PROXY: '1',
        RATE_LIMIT_LOGIN: '10000000',
        RATE_LIMIT_SIGNUP: '10000000',
        RATE_LIMIT_RESET: '10000000',
        SHUTDOWN_GRACE_MS: '200',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  let output = '';
  const keep = (d: Buffer) => {
    output = `${output}${d.toString()}`.slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const stop = onCleanup(() => stopChild(child));

  const started = Date.now();
  while (!output.includes('TeachBridge is running')) {
    if (child.exitCode !== null || Date.now() - started > 120_000) {
      await stop();
      throw new Error(`The app did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const kill = async () => {
    await stopChild(child, 0);
    await stop();
  };
  return { base, pid: child.pid!, output: () => output, stop, kill };
}
