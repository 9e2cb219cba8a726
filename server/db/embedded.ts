// Local mode's own database: a mongod from PATH if there is one, otherwise FerretDB 1.24 on SQLite, built once
// from the wrapper module in tools/ferretdb and cached under .cache/bin. Used by `npm start` and by the tests.
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import mongoose from 'mongoose';
import { cacheDir, ferretToolDir } from '../paths';

export type Engine = 'ferretdb' | 'mongod';

export interface EmbeddedDatabase {
  readonly engine: Engine;
  /** Connection string without a database name, e.g. mongodb://127.0.0.1:41661/ */
  readonly uri: string;
  readonly port: number;
  /** The engine process now running (it changes when the engine is restarted after a crash). */
  readonly pid: number;
  /** How many times the engine was started again after dying. */
  readonly restarts: number;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Directory that holds the engine's files and its lock. Created if missing. */
  dataDir: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /**
   * Ports a picked port must not be: the app's own HTTP port, which is not listening yet while the engine starts, so
   * the system may hand it to the engine (the app then fails with EADDRINUSE).
   */
  avoidPorts?: number[];
  /** Progress messages for people watching the first start. */
  log?: (message: string) => void;
  /** Ignore a mongod on PATH (tests always run on the same engine as CI). */
  preferFerret?: boolean;
  /** The pause before restarting an engine that died (doubling on each failed attempt, up to 5 s); 200 ms by default. */
  restartDelayMs?: number;
}

export class EmbeddedDatabaseError extends Error {}

const NO_ENGINE_MESSAGE =
  'TeachBridge needs a database: set MONGODB_URI to a MongoDB server, or install Go 1.24+ (to build the embedded FerretDB once) or mongod, then run `npm start` again.';

function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, command);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The cached binary's name carries a hash of the wrapper module, so changing a pin rebuilds it. */
export function ferretBinaryPath(): string {
  const hash = crypto.createHash('sha256');
  for (const file of ['go.mod', 'go.sum', 'main.go']) {
    hash.update(fs.readFileSync(path.join(ferretToolDir, file)));
  }
  return path.join(cacheDir, 'bin', `ferretdb-${hash.digest('hex').slice(0, 12)}`);
}

/** Builds the FerretDB binary unless it is cached; returns its path. */
export async function ensureFerretBinary(log: (message: string) => void = () => {}): Promise<string> {
  const binary = ferretBinaryPath();
  if (fs.existsSync(binary)) return binary;
  const go = onPath('go');
  if (!go) throw new EmbeddedDatabaseError(NO_ENGINE_MESSAGE);
  fs.mkdirSync(path.dirname(binary), { recursive: true });
  const partial = `${binary}.${process.pid}.partial`;
  log('Building the embedded database (FerretDB 1.24 on SQLite) with Go; this happens once and takes a minute or two…');
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(go, ['build', '-v', '-trimpath', '-o', partial, '.'], {
      cwd: ferretToolDir,
      env: { ...process.env, CGO_ENABLED: '0', GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let compiled = 0;
    let tail = '';
    readline.createInterface({ input: child.stderr! }).on('line', (line) => {
      tail = `${tail}\n${line}`.slice(-4000);
      compiled += 1;
      if (compiled % 50 === 0) log(`  … ${compiled} packages compiled`);
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new EmbeddedDatabaseError(`Building FerretDB failed (go exit ${code}):${tail}`)),
    );
  });
  fs.renameSync(partial, binary); // atomic: a concurrent starter sees either nothing or the whole binary
  log(`Embedded database built in ${Math.round((Date.now() - started) / 1000)} s and cached at ${binary}.`);
  return binary;
}

/** A TCP port on loopback that nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** One engine per data directory: a lock file holding the owner's pid, taken atomically. */
function takeLock(dataDir: string): () => void {
  const lockFile = path.join(dataDir, 'engine.lock');
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      return () => fs.rmSync(lockFile, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(fs.readFileSync(lockFile, 'utf8'));
      if (owner && pidAlive(owner)) {
        throw new EmbeddedDatabaseError(
          `The data directory ${dataDir} is already in use by another TeachBridge database (process ${owner}); stop it or choose another DATA_DIR.`,
        );
      }
      fs.rmSync(lockFile, { force: true }); // stale lock from a crashed run
    }
  }
  throw new EmbeddedDatabaseError(`Could not lock ${dataDir}.`);
}

async function waitForPing(uri: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new EmbeddedDatabaseError(`The database exited with code ${child.exitCode}.`);
    const client = new mongoose.mongo.MongoClient(uri, { serverSelectionTimeoutMS: 500, connectTimeoutMS: 500 });
    try {
      await client.connect();
      await client.db('admin').command({ ping: 1 });
      return;
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await client.close().catch(() => {});
    }
  }
  throw new EmbeddedDatabaseError(`The database did not become ready: ${String(lastError)}`);
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

const portOf = (uri: string) => Number(new URL(uri).port);

interface Launched {
  child: ChildProcess;
  uri: string;
}

/** Starts the engine process on `port` (0: any free port) and waits until it answers. */
async function launch(engine: Engine, binary: string, storeDir: string, port: number): Promise<Launched> {
  let child: ChildProcess;
  let uri: string;
  if (engine === 'mongod') {
    const chosen = port || (await freePort());
    child = spawn(binary, ['--dbpath', storeDir, '--port', String(chosen), '--bind_ip', '127.0.0.1', '--quiet'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    uri = `mongodb://127.0.0.1:${chosen}/`;
  } else {
    child = spawn(
      binary,
      [`--listen-addr=127.0.0.1:${port}`, `--sqlite-url=file:${storeDir}/`, '--log-level=error', '--exit-with-stdin'],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    uri = await new Promise<string>((resolve, reject) => {
      const lines = readline.createInterface({ input: child.stdout! });
      lines.once('line', (line) => {
        try {
          resolve((JSON.parse(line) as { listening: string }).listening);
        } catch {
          reject(new EmbeddedDatabaseError(`Unexpected output from the database: ${line}`));
        }
      });
      child.once('exit', (code) => reject(new EmbeddedDatabaseError(`The database exited with code ${code}.`)));
      child.once('error', reject);
    });
  }
  try {
    await waitForPing(uri, child, 30_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return { child, uri };
}

/**
 * Starts the engine and supervises it: should it die (a crash, the OOM killer, a stray kill), it is started again on
 * the same port and data, with a growing pause between attempts, and the app's driver reconnects by itself. Requests
 * in the gap fail with a 503 page; nothing needs restarting.
 */
export async function startEmbeddedDatabase(options: StartOptions): Promise<EmbeddedDatabase> {
  const log = options.log ?? (() => {});
  const dataDir = path.resolve(options.dataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  const mongod = options.preferFerret ? undefined : onPath('mongod');
  const binary = mongod ?? (await ensureFerretBinary(log));
  const releaseLock = takeLock(dataDir);
  const engine: Engine = mongod ? 'mongod' : 'ferretdb';
  const storeDir = path.join(dataDir, engine === 'mongod' ? 'mongod' : 'ferretdb');
  let current: Launched;
  try {
    fs.mkdirSync(storeDir, { recursive: true });
    current = await launch(engine, binary, storeDir, options.port ?? 0);
    for (let tries = 0; !options.port && options.avoidPorts?.includes(portOf(current.uri)); tries += 1) {
      if (tries === 5) throw new EmbeddedDatabaseError("The embedded database kept being given the app's own port.");
      const exited = waitForExit(current.child, 5000);
      current.child.kill('SIGTERM');
      await exited;
      current = await launch(engine, binary, storeDir, 0);
    }
  } catch (err) {
    releaseLock();
    throw err;
  }
  const { uri } = current;
  const port = portOf(uri);
  let stopping: Promise<void> | undefined;
  let restarts = 0;

  const supervise = (launched: Launched) => {
    launched.child.once('exit', (code, signal) => {
      if (stopping) return;
      log(`The embedded database stopped unexpectedly (${signal ?? `code ${code}`}); restarting it.`);
      void restart();
    });
  };
  const restart = async (): Promise<void> => {
    for (let attempt = 0; !stopping; attempt += 1) {
      await new Promise((r) => setTimeout(r, Math.min((options.restartDelayMs ?? 200) * 2 ** attempt, 5000)));
      if (stopping) return;
      try {
        current = await launch(engine, binary, storeDir, port);
        restarts += 1;
        if (stopping) {
          current.child.kill('SIGTERM');
          return;
        }
        supervise(current);
        log('The embedded database is running again.');
        return;
      } catch (err) {
        log(`The embedded database could not be restarted yet: ${String(err)}`);
      }
    }
  };
  supervise(current);

  return {
    engine,
    uri,
    port,
    get pid() {
      return current.child.pid!;
    },
    get restarts() {
      return restarts;
    },
    stop() {
      stopping ??= (async () => {
        current.child.kill('SIGTERM');
        await waitForExit(current.child, 5000);
        releaseLock();
      })();
      return stopping;
    },
  };
}
