// The benchmark's database: an embedded engine on a data directory per size under .cache/bench/ (or the database at
// MONGODB_URI), seeded once with seedScale and reused by later runs. What the seed returned is kept next to it.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import mongoose, { trusted, type Types } from 'mongoose';
import { connectDatabase, detectEngine, ensureIndexes } from '../../server/db/connect';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../server/db/embedded';
import { loadConfig } from '../../server/config';
import { FieldCipher } from '../../server/crypto';
import { SESSION_COLLECTION } from '../../server/jobs';
import { cacheDir } from '../../server/paths';
import { Application } from '../../models/Application';
import { User } from '../../models/User';
import { Vacancy } from '../../models/Vacancy';
import { SCALE_ACCOUNTS, seedScale } from '../seedScale';
import { onCleanup } from './processes';

export interface Size {
  vacancies: number;
  candidates: number;
  applications: number;
}

export type Accounts = typeof SCALE_ACCOUNTS;

export interface SeedIds {
  /** Owned by the staff account: an open vacancy with 500 applications. */
  pipelineVacancyId: string;
  /** Any open vacancy, for the public vacancy page. */
  sampleVacancyId: string;
}

export interface PreparedDatabase {
  /** 'ferretdb' or 'mongod' (embedded), 'ferretdb' or 'mongodb' (MONGODB_URI). */
  engine: string;
  source: 'embedded' | 'MONGODB_URI';
  uri: string;
  /** The DATA_KEY the data was seeded with (the coordinator's authenticator key is encrypted under it). */
  dataKey: string;
  /** The app's DATA_DIR: uploaded documents that the seed wrote are under it. */
  appDataDir: string;
  ids: SeedIds;
  accounts: Accounts;
  /** What the database holds, counted. */
  counts: { vacancies: number; openVacancies: number; candidates: number; applications: number };
  /** Seconds the seed took, when this run seeded. */
  seededSeconds: number | undefined;
  /** The engine's process (embedded only), to watch its CPU between runs. */
  enginePid(): number | undefined;
  /**
   * Embedded only: stops the engine (SIGTERM) and lets its supervisor start it again on the same port and data, which
   * drops the queries it was still working on.
   */
  restartEngine(): Promise<void>;
  stop(): Promise<void>;
}

export const benchCacheDir = path.join(cacheDir, 'bench');
export const sizeLabel = (s: Size) => `${s.vacancies}-${s.candidates}-${s.applications}`;

export function redactUri(uri: string): string {
  return uri.replace(/\/\/[^@/]*@/, '//***@');
}

/** A secret kept in `dir` (created on first use), like the app's local-mode secrets. */
function secretIn(dir: string, name: string): string {
  const file = path.join(dir, name);
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const secret = crypto.randomBytes(32).toString('hex');
  fs.writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

interface SeedState {
  size: Size;
  ids: SeedIds;
  seededAt: string;
  seconds?: number;
  /** seedScale's phases, in milliseconds. */
  timings?: Record<string, number>;
}

function readState(file: string): SeedState | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as SeedState;
  } catch {
    return undefined;
  }
}

async function stillThere(ids: SeedIds, accounts: Accounts): Promise<boolean> {
  const found = await Promise.all([
    Vacancy.exists({ _id: ids.pipelineVacancyId }),
    Vacancy.exists({ _id: ids.sampleVacancyId }),
    User.exists({ email: accounts.staff }),
  ]);
  return found.every(Boolean);
}

/** Finds the ids in a database seeded by seedScale whose returned ids were not kept. */
async function lookUpIds(accounts: Accounts): Promise<SeedIds | undefined> {
  const staff = await User.findOne({ email: accounts.staff }).lean();
  if (!staff?.organisation) return undefined;
  const perVacancy = await Application.aggregate<{ _id: Types.ObjectId; n: number }>([
    { $match: { postedBy: staff.organisation } },
    { $group: { _id: '$vacancy', n: { $sum: 1 } } },
  ]);
  perVacancy.sort((x, y) => Math.abs(x.n - 500) - Math.abs(y.n - 500));
  const pipeline = perVacancy[0];
  if (!pipeline) return undefined;
  const sample = await Vacancy.findOne({ status: 'open', _id: trusted({ $ne: pipeline._id }) }, { _id: 1 }).lean();
  if (!sample) return undefined;
  return { pipelineVacancyId: String(pipeline._id), sampleVacancyId: String(sample._id) };
}

async function countAll() {
  const [vacancies, openVacancies, candidates, applications] = await Promise.all([
    Vacancy.estimatedDocumentCount(),
    Vacancy.countDocuments({ status: 'open' }),
    User.countDocuments({ role: 'candidate' }),
    Application.estimatedDocumentCount(),
  ]);
  return { vacancies, openVacancies, candidates, applications };
}

/** The coordinator signs in with a code from a key encrypted under DATA_KEY: a mismatch fails here, clearly. */
async function checkDataKey(accounts: Accounts, dataKey: string, where: string): Promise<void> {
  const coordinator = await User.findOne({ email: accounts.coordinator }).lean();
  const sealed = (coordinator?.totp as { secret?: string } | null | undefined)?.secret;
  if (!sealed) return;
  try {
    new FieldCipher(dataKey).decrypt(sealed);
  } catch {
    throw new Error(
      `The coordinator's authenticator key in ${where} was not encrypted with the benchmark's DATA_KEY, so the ` +
        'app could not check two-step codes. With MONGODB_URI, set DATA_KEY to the key the data was seeded with.',
    );
  }
}

export async function prepareDatabase(options: {
  size: Size;
  /** MONGODB_URI: use (and seed, if empty) that database instead of an embedded one. */
  uri?: string;
  seed?: number;
  log: (line: string) => void;
}): Promise<PreparedDatabase> {
  const { size, log } = options;
  const external = options.uri;
  const dir = external
    ? path.join(benchCacheDir, `uri-${crypto.createHash('sha256').update(external).digest('hex').slice(0, 12)}`)
    : path.join(benchCacheDir, sizeLabel(size));
  fs.mkdirSync(dir, { recursive: true });
  const stateFile = path.join(dir, 'seed.json');
  const appDataDir = path.join(dir, 'app-data');
  // With MONGODB_URI the data may have been seeded elsewhere with the deployment's key.
  const dataKey = (external && process.env.DATA_KEY) || secretIn(dir, 'data-key');

  let embedded: EmbeddedDatabase | undefined;
  let uri: string;
  if (external) {
    uri = external;
  } else {
    log(`starting the embedded database on ${path.relative(process.cwd(), path.join(dir, 'db'))}`);
    const started = await startEmbeddedDatabase({ dataDir: path.join(dir, 'db'), log });
    embedded = started;
    const url = new URL(started.uri);
    url.pathname = '/teachbridge';
    uri = url.toString();
  }
  const stop = onCleanup(async () => {
    await mongoose.disconnect();
    await embedded?.stop();
  });
  const where = external ? redactUri(external) : `the embedded database in ${dir}`;

  const accounts = SCALE_ACCOUNTS;
  await connectDatabase(uri);
  await ensureIndexes();
  const engine = embedded?.engine ?? (await detectEngine());

  let state = readState(stateFile);
  let seededSeconds: number | undefined;
  if (!(state && (await stillThere(state.ids, accounts)))) {
    state = undefined;
    let fresh = false;
    if ((await User.estimatedDocumentCount()) > 0) {
      // Seeded, but what the seed returned was not kept (or belongs to other data): find it again.
      const ids = await lookUpIds(accounts);
      const counts = ids ? await countAll() : undefined;
      const complete =
        counts &&
        counts.vacancies >= size.vacancies &&
        counts.applications >= size.applications &&
        counts.candidates > 0;
      if (ids && (external || complete)) {
        state = { size, ids, seededAt: 'unknown (looked up)' };
        fs.writeFileSync(stateFile, `${JSON.stringify(state, null, 2)}\n`);
      } else if (external) {
        throw new Error(
          `${where} holds data but not the benchmark's accounts (${accounts.staff}); point MONGODB_URI at an empty database.`,
        );
      } else {
        log('the embedded database holds an unfinished seed (interrupted?): starting it again');
        fresh = true;
      }
    }
    if (!state) {
      log(
        `seeding ${size.vacancies} vacancies, ${size.candidates} candidates, ${size.applications} applications (once; later runs reuse it)`,
      );
      const started = Date.now();
      // The app's own configuration defaults (password cost, file store), with this database's key and directory.
      const config = loadConfig({ DATA_DIR: appDataDir, DATA_KEY: dataKey, SESSION_SECRET: dataKey });
      const { timings, ...ids } = await seedScale({
        ...size,
        seed: options.seed,
        fresh,
        log,
        progress: Boolean(process.stderr.isTTY),
        config,
      });
      seededSeconds = Math.round((Date.now() - started) / 1000);
      state = { size, ids, seededAt: new Date().toISOString(), seconds: seededSeconds, timings };
      fs.writeFileSync(stateFile, `${JSON.stringify(state, null, 2)}\n`);
      log(`seeded in ${seededSeconds} s`);
    }
  }
  await checkDataKey(accounts, dataKey, where);
  // Sessions pile up run after run (the sign-in scenario makes thousands); start every run from none.
  await mongoose.connection.collection(SESSION_COLLECTION).deleteMany({});
  const counts = await countAll();
  await mongoose.disconnect();

  return {
    engine,
    source: external ? 'MONGODB_URI' : 'embedded',
    uri,
    dataKey,
    appDataDir,
    ids: state.ids,
    accounts,
    counts,
    seededSeconds,
    enginePid: () => embedded?.pid,
    restartEngine: async () => {
      if (!embedded) throw new Error('Only the embedded database can be restarted by the benchmark.');
      const before = embedded.restarts;
      process.kill(embedded.pid, 'SIGTERM');
      const deadline = Date.now() + 60_000;
      while (embedded.restarts === before) {
        if (Date.now() > deadline) throw new Error('The embedded database did not come back within a minute.');
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    stop,
  };
}
