// `npm run bench`: load-tests the production build against a seeded database of a chosen size and compares each page
// with what a bare node:http server and a one-route Express app achieve serving the same bytes. See bench/README.md.
/* eslint-disable no-console -- a command-line tool reports on the console */
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { rootDir } from '../server/paths';
import { DEMO_PASSWORD } from './seed';
import { BenchClient, buildIfStale, PROXY_HEADERS, startApp } from './bench/app';
import { CEILING_NAMES, startCeiling, tmpDir, type CeilingKind } from './bench/ceiling';
import { prepareDatabase, redactUri, sizeLabel, type PreparedDatabase, type Size } from './bench/database';
import { drive, FORM_HEADERS, type Figures, type LoadOptions } from './bench/load';
import { cleanUp, onCleanup, RssSampler, stopChild, track, waitIdle } from './bench/processes';
import {
  growthChecks,
  latestResults,
  rssCheck,
  scenarioChecks,
  table,
  TARGETS,
  writeResults,
  type BenchResults,
  type GrowthResult,
  type ScenarioResult,
} from './bench/report';
import {
  capture,
  CaptureTimeout,
  cookiePairs,
  csrfToken,
  scenarios,
  signInForm,
  type Captured,
  type Role,
  type Scenario,
} from './bench/scenarios';

const USAGE = `npm run bench -- [options]

  --vacancies N --candidates N --applications N   data size (default 20000, 50000, 200000)
  --size N            shortcut: N vacancies, 2.5·N candidates, 10·N applications
  --connections N     concurrent connections (default 32)
  --duration S        seconds per measured run (default 10)
  --warmup S          seconds of warm-up before each measured run (default 2)
  --timeout S         seconds without an answer before a request counts as timed out (default 10); a scenario
                      whose single request on the idle app takes longer is reported as not run
  --quick             a smoke run: 2 s per run, 0.5 s warm-up (unless given)
  --only a,b          only these scenarios (home, board, board-3-filters, board-keyword, board-page-50, vacancy,
                      feed, api, applications, pipeline-500, dashboard, sign-in)
  --accept-encoding V the Accept-Encoding sent with every request (default "gzip, deflate, br", as browsers send;
                      "" for none)
  --skip-ceilings     measure the app only
  --growth            also measure board and vacancy page at 1,000 vacancies (2,500 candidates, 10,000 applications)
                      and report the p50 ratio; without it the ratio uses the newest 1,000-vacancy results file
  --seed N            seedScale's random seed (for a new database)
  --rebuild           run npm run build even if dist/ looks current
  --strict            exit 1 when a target is missed
  --out FILE          write the results there instead of bench/results/<engine>-<vacancies>v-<date>.json

MONGODB_URI set: benchmark that database (seeded if empty) instead of an embedded one.`;

const { values } = parseArgs({
  options: {
    vacancies: { type: 'string' },
    candidates: { type: 'string' },
    applications: { type: 'string' },
    size: { type: 'string' },
    connections: { type: 'string', default: '32' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    timeout: { type: 'string', default: '10' },
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    'accept-encoding': { type: 'string', default: 'gzip, deflate, br' },
    'skip-ceilings': { type: 'boolean', default: false },
    growth: { type: 'boolean', default: false },
    seed: { type: 'string' },
    rebuild: { type: 'boolean', default: false },
    strict: { type: 'boolean', default: false },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

const GROWTH_BASE: Size = { vacancies: 1000, candidates: 2500, applications: 10000 };
const GROWTH_SCENARIOS = ['board', 'vacancy'];

function positive(name: string, raw: string | undefined, fallback: number, integer = true): number {
  if (raw === undefined) return fallback;
  const x = Number(raw);
  if (!(x > 0) || (integer && !Number.isInteger(x))) throw new Error(`--${name} must be a positive number, not ${raw}`);
  return x;
}

const log = (line: string) => process.stderr.write(`· ${line}\n`);

interface Settings {
  connections: number;
  seconds: number;
  warmup: number;
  timeout: number;
  ceilings: boolean;
  /** Sent with every request, by autocannon and by the captures alike. */
  headers: Record<string, string>;
}

const withCookie = (headers: Record<string, string>, cookie: string | undefined) =>
  cookie ? { ...headers, cookie } : headers;

/** The exact answers the app gives (for sign-in: the form, then the POST it leads to). */
async function captureScenario(
  base: string,
  s: Scenario,
  headers: Record<string, string>,
  cookies: Partial<Record<Role, string>>,
  email: string,
  timeoutMs: number,
): Promise<Captured[]> {
  if (s.group !== 'sign-in') {
    return [await capture(base, { path: s.path, headers: withCookie(headers, s.as && cookies[s.as]) }, timeoutMs)];
  }
  const form = await capture(base, { path: s.path, headers: { ...headers, ...FORM_HEADERS } }, timeoutMs);
  const post = await capture(
    base,
    {
      method: 'POST',
      path: s.path,
      headers: {
        ...withCookie(headers, cookiePairs(form.setCookie)),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: signInForm(email, DEMO_PASSWORD, csrfToken(form.body.toString())),
    },
    timeoutMs,
  );
  return [form, post];
}

/** What a scenario asked, and what the app answered to one request. */
function describe(s: Scenario, answer: Captured | undefined, firstMs: number | undefined) {
  return {
    name: s.name,
    method: s.group === 'sign-in' ? 'POST' : 'GET',
    path: s.path,
    group: s.group,
    ...(s.as ? { as: s.as } : {}),
    ...(answer
      ? {
          response: {
            status: answer.status,
            contentType: answer.headers['content-type'],
            contentEncoding: answer.headers['content-encoding'],
            location: answer.headers.location,
            bytes: answer.body.length,
            ms: answer.ms,
            firstMs,
          },
        }
      : {}),
  };
}

const NOT_RUN: Figures = {
  seconds: 0,
  reqPerSec: 0,
  ok: 0,
  p50Ms: 0,
  p90Ms: 0,
  p99Ms: 0,
  maxMs: 0,
  errors: 0,
  timeouts: 0,
  inFlightAtEnd: 0,
  statusCodes: {},
};

/** Starts the app on `db`, signs the scale accounts in, and measures each scenario (and its ceilings). */
async function measure(
  db: PreparedDatabase,
  list: Scenario[],
  settings: Settings,
): Promise<{ scenarios: ScenarioResult[]; peakRssMb: number; restarts: { app: number; engine: number } }> {
  // One secret for every start of the app: the benchmark's sessions stay valid across a restart.
  const sessionSecret = crypto.randomBytes(32).toString('hex');
  const start = () => startApp({ uri: db.uri, dataKey: db.dataKey, dataDir: db.appDataDir, sessionSecret });
  let app = await start();
  log(`app (production build) up on ${app.base}, pid ${app.pid}`);
  const rss = new RssSampler(app.pid);
  const engine = () => [db.enginePid()].filter((p): p is number => p !== undefined);
  const restarts = { app: 0, engine: 0 };
  /**
   * Before each measurement: the app and the engine idle. When a run stopped with requests still in flight that
   * keep them busy (autocannon does not wait for them), the app is killed and started again, and so is the embedded
   * engine if it is still working on their queries, so that the backlog does not weigh on the next measurement.
   */
  let lastRun: Figures | undefined; // the app's last measured run since it started
  const settle = async () => {
    if (await waitIdle([app.pid, ...engine()], 10_000)) return;
    // Requests of a run whose answers all came within a few seconds are long done: this is the app's own work
    // (starting up, a catalogue rebuild), which a restart would only begin again.
    if (!lastRun || (lastRun.ok > 0 && lastRun.maxMs < 5000)) {
      if (!(await waitIdle([app.pid, ...engine()], 60_000))) {
        log('warning: the app or the database is still busy with work of its own; going on anyway');
      }
      return;
    }
    log('the app is still working on requests the last run left unanswered: restarting it');
    await app.kill();
    restarts.app += 1;
    if (!(await waitIdle(engine(), 10_000))) {
      if (db.source === 'embedded') {
        log('the database is still working on their queries: restarting it too');
        await db.restartEngine();
        restarts.engine += 1;
      } else if (!(await waitIdle(engine(), 120_000))) {
        log('warning: the database is still busy; going on anyway');
      }
    }
    app = await start();
    lastRun = undefined;
    rss.follow(app.pid);
  };
  try {
    const cookies: Partial<Record<Role, string>> = {};
    for (const role of new Set(list.flatMap((s) => (s.as ? [s.as] : [])))) {
      const client = new BenchClient(app.base);
      try {
        await client.signIn(db.accounts[role]);
      } catch (err) {
        throw new Error(`Signing in as ${db.accounts[role]} failed: ${(err as Error).message}\n${app.output()}`, {
          cause: err,
        });
      }
      cookies[role] = client.cookieHeader;
    }

    const candidateEmail = db.accounts.candidate;
    const results: ScenarioResult[] = [];
    for (const s of list) {
      await settle();
      let captured: Captured[] | undefined;
      let firstMs: number | undefined;
      let skipped: string | undefined;
      try {
        // Twice: the first request of a page may pay for what the app builds once (a cache, a catalogue); the
        // second is the answer the ceilings replay and the time that decides whether the page can be loaded.
        const first = await captureScenario(app.base, s, settings.headers, cookies, candidateEmail, 300_000);
        firstMs = first[first.length - 1]!.ms;
        captured = await captureScenario(app.base, s, settings.headers, cookies, candidateEmail, 120_000);
      } catch (err) {
        if (!(err instanceof CaptureTimeout)) throw err;
        skipped = `${err.message}.`;
      }
      const answer = captured?.[captured.length - 1];
      if (answer) {
        const expected = s.group === 'sign-in' ? answer.status === 303 : answer.status >= 200 && answer.status < 300;
        if (!expected) log(`warning: ${s.name}: the app answered ${answer.status} to ${answer.method} ${s.path}`);
        if (answer.ms > settings.timeout * 1000) {
          skipped =
            `one request alone took ${(answer.ms / 1000).toFixed(1)} s on the idle app (the second of two), more than the ` +
            `${settings.timeout} s timeout: under ${settings.connections} connections every request would time out.`;
        }
      }
      if (skipped || !captured || !answer) {
        log(`${s.name}: not run: ${skipped}`);
        const partial: Omit<ScenarioResult, 'checks'> = {
          ...describe(s, answer, firstMs),
          skipped,
          app: { ...NOT_RUN, peakRssMb: 0 },
          ceilings: {},
          ratio: {},
        };
        results.push({ ...partial, checks: scenarioChecks(partial) });
        continue;
      }
      const load: Omit<LoadOptions, 'seconds'> = {
        connections: settings.connections,
        timeout: settings.timeout,
        headers: withCookie(settings.headers, s.as && cookies[s.as]),
        signIn: s.group === 'sign-in' ? { email: db.accounts.candidate, password: DEMO_PASSWORD } : undefined,
      };

      if (settings.warmup > 0) await drive(app.base, s, { ...load, seconds: settings.warmup });
      rss.window();
      const appFigures = await drive(app.base, s, { ...load, seconds: settings.seconds });
      lastRun = appFigures;
      const peakRssMb = Number(rss.window().toFixed(1));

      const ceilings: Partial<Record<CeilingKind, Figures>> = {};
      const ratio: Partial<Record<CeilingKind, number>> = {};
      if (settings.ceilings) {
        for (const kind of ['node', 'express'] as const) {
          await settle();
          const ceiling = await startCeiling(kind, new URL(s.path, app.base).pathname, captured);
          try {
            if (settings.warmup > 0) await drive(ceiling.base, s, { ...load, seconds: settings.warmup });
            ceilings[kind] = await drive(ceiling.base, s, { ...load, seconds: settings.seconds });
          } finally {
            await ceiling.stop();
          }
          const top = ceilings[kind].reqPerSec;
          if (top > 0) ratio[kind] = Number((appFigures.reqPerSec / top).toFixed(4));
        }
      }
      const partial: Omit<ScenarioResult, 'checks'> = {
        ...describe(s, answer, firstMs),
        app: { ...appFigures, peakRssMb },
        ceilings,
        ratio,
      };
      results.push({ ...partial, checks: scenarioChecks(partial) });
      const ceilingText = (Object.keys(ceilings) as CeilingKind[])
        .map((k) => `${CEILING_NAMES[k]} ${ceilings[k]!.reqPerSec}`)
        .join(', ');
      log(
        `${s.name}: ${appFigures.reqPerSec} req/s, p50 ${appFigures.p50Ms} ms, p99 ${appFigures.p99Ms} ms, ` +
          `${appFigures.errors} errors${ceilingText ? ` (ceilings: ${ceilingText} req/s)` : ''}`,
      );
    }
    return { scenarios: results, peakRssMb: Number(rss.peakMb.toFixed(1)), restarts };
  } finally {
    rss.stop();
    await app.stop();
  }
}

/**
 * The growth baseline: the board and the vacancy page at 1,000 vacancies, measured by a second benchmark process
 * with the same settings (one database per process: Mongoose does not take well to reconnecting elsewhere).
 */
async function growthRun(settings: Settings, seed: number | undefined): Promise<BenchResults> {
  fs.mkdirSync(tmpDir, { recursive: true });
  const out = path.join(tmpDir, `growth-${process.pid}.json`);
  const args = [
    '--import',
    'tsx',
    path.join(rootDir, 'scripts', 'bench.ts'),
    `--vacancies=${GROWTH_BASE.vacancies}`,
    `--candidates=${GROWTH_BASE.candidates}`,
    `--applications=${GROWTH_BASE.applications}`,
    `--only=${GROWTH_SCENARIOS.join(',')}`,
    '--skip-ceilings',
    `--connections=${settings.connections}`,
    `--duration=${settings.seconds}`,
    `--warmup=${settings.warmup}`,
    `--timeout=${settings.timeout}`,
    `--accept-encoding=${settings.headers['accept-encoding'] ?? ''}`,
    `--out=${out}`,
    ...(seed === undefined ? [] : [`--seed=${seed}`]),
  ];
  const child = track(
    spawn(process.execPath, args, {
      cwd: rootDir,
      detached: true,
      env: { ...process.env, MONGODB_URI: '' },
      stdio: ['ignore', 'ignore', 'inherit'],
    }),
  );
  const stop = onCleanup(() => stopChild(child, 30_000));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  await stop();
  if (code !== 0) throw new Error(`The growth run at ${sizeLabel(GROWTH_BASE)} failed (exit ${code}).`);
  const results = JSON.parse(fs.readFileSync(out, 'utf8')) as BenchResults;
  fs.rmSync(out, { force: true });
  return results;
}

function gitCommit(): string | undefined {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: rootDir, encoding: 'utf8' });
  if (head.status !== 0) return undefined;
  const dirty = spawnSync('git', ['status', '--porcelain'], { cwd: rootDir, encoding: 'utf8' }).stdout.trim() !== '';
  return `${head.stdout.trim()}${dirty ? ' (with uncommitted changes)' : ''}`;
}

function growthFrom(
  main: ScenarioResult[],
  base: { name: string; app: { p50Ms: number; ok: number } }[],
  mainVacancies: number,
  source: string,
): GrowthResult | undefined {
  const rows = GROWTH_SCENARIOS.flatMap((name) => {
    const now = main.find((s) => s.name === name);
    const then = base.find((s) => s.name === name);
    if (!now || !then) return [];
    // No request finished at one of the sizes: there is no p50 to compare.
    const ratio = now.app.ok > 0 && then.app.ok > 0 && then.app.p50Ms > 0 ? now.app.p50Ms / then.app.p50Ms : null;
    return [
      {
        name,
        p50Ms: now.app.p50Ms,
        baseP50Ms: then.app.p50Ms,
        ratio: ratio === null ? null : Number(ratio.toFixed(2)),
      },
    ];
  });
  if (rows.length === 0) return undefined;
  return {
    source,
    baseSize: GROWTH_BASE,
    scenarios: rows,
    checks: growthChecks(rows, mainVacancies, GROWTH_BASE.vacancies),
  };
}

async function main(): Promise<void> {
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const n = positive('size', values.size, 0);
  const size: Size = {
    vacancies: positive('vacancies', values.vacancies, n || 20_000),
    candidates: positive('candidates', values.candidates, n ? Math.round(n * 2.5) : 50_000),
    applications: positive('applications', values.applications, n ? n * 10 : 200_000),
  };
  const settings: Settings = {
    connections: positive('connections', values.connections, 32),
    seconds: positive('duration', values.duration, values.quick ? 2 : 10, false),
    warmup: values.warmup === '0' ? 0 : positive('warmup', values.warmup, values.quick ? 0.5 : 2, false),
    timeout: positive('timeout', values.timeout, 10, false),
    ceilings: !values['skip-ceilings'],
    headers: {
      ...PROXY_HEADERS,
      ...(values['accept-encoding'] ? { 'accept-encoding': values['accept-encoding'] } : {}),
    },
  };
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  const externalUri = process.env.MONGODB_URI || undefined;

  const wanted = values.only?.split(',').map((x) => x.trim());
  const known = scenarios({ pipelineVacancyId: '', sampleVacancyId: '' }).map((s) => s.name);
  const unknown = (wanted ?? []).filter((w) => !known.includes(w));
  if (unknown.length > 0) throw new Error(`Unknown scenario ${unknown.join(', ')}; see --help.`);
  const pick = (ids: PreparedDatabase['ids']) => scenarios(ids).filter((s) => !wanted || wanted.includes(s.name));

  log(
    `${externalUri ? redactUri(externalUri) : `embedded database, ${sizeLabel(size)}`}; ${settings.connections} connections, ` +
      `${settings.seconds} s per run after ${settings.warmup} s of warm-up`,
  );
  buildIfStale(log, values.rebuild);
  const date = new Date().toISOString();
  const loadAverageAtStart = os.loadavg().map((x) => Number(x.toFixed(2)));
  const db = await prepareDatabase({ size, uri: externalUri, seed, log });
  log(
    `database: ${db.engine}; ${db.counts.vacancies} vacancies (${db.counts.openVacancies} open), ` +
      `${db.counts.candidates} candidates, ${db.counts.applications} applications`,
  );
  const measured = await measure(db, pick(db.ids), settings);
  await db.stop();

  let growth: GrowthResult | undefined;
  if (size.vacancies !== GROWTH_BASE.vacancies) {
    if (values.growth && !externalUri) {
      log(`growth: the same pages at ${sizeLabel(GROWTH_BASE)}, in a second run`);
      const base = await growthRun(settings, seed);
      growth = growthFrom(measured.scenarios, base.scenarios, size.vacancies, 'measured in this run');
    } else {
      if (values.growth)
        log('growth: with MONGODB_URI, run the 1,000-vacancy size separately; using its newest results file');
      const earlier = latestResults(db.engine, GROWTH_BASE.vacancies, GROWTH_SCENARIOS);
      if (earlier)
        growth = growthFrom(
          measured.scenarios,
          earlier.json.scenarios,
          size.vacancies,
          `${earlier.file} (${earlier.json.date})`,
        );
    }
  }

  const app = {
    peakRssMb: measured.peakRssMb,
    restarts: measured.restarts,
    checks: [rssCheck(measured.peakRssMb)],
  };
  const every = [
    ...measured.scenarios.flatMap((s) => s.checks.map((c) => ({ ...c, target: `${s.name}: ${c.target}` }))),
    ...app.checks,
    ...(growth?.checks ?? []),
  ];
  const missed = every.filter((c) => c.met === false);
  const results: BenchResults = {
    date,
    engine: db.engine,
    database: db.source,
    node: process.version,
    cpus: { count: os.cpus().length, model: os.cpus()[0]?.model.trim() ?? 'unknown' },
    loadAverageAtStart,
    commit: gitCommit(),
    size,
    counts: db.counts,
    connections: settings.connections,
    requestHeaders: settings.headers,
    durationSeconds: settings.seconds,
    warmupSeconds: settings.warmup,
    timeoutSeconds: settings.timeout,
    app,
    scenarios: measured.scenarios,
    ...(growth ? { growth } : {}),
    targets: TARGETS,
    summary: {
      met: every.filter((c) => c.met === true).length,
      missed: missed.length,
      notMeasured: every.filter((c) => c.met === null).length,
      missedTargets: missed.map((c) => `${c.target}: ${c.verdict}`),
    },
  };
  const file = await writeResults(results, values.out);
  console.log(
    `\nTeachBridge bench: ${results.engine}, ${sizeLabel(size)}, Node ${results.node}, ${results.cpus.count} × ${results.cpus.model}, ` +
      `${settings.connections} connections, ${settings.seconds} s per run\n`,
  );
  console.log(table(results));
  const busiest = loadAverageAtStart[0] ?? 0;
  if (busiest > results.cpus.count / 2) {
    console.log(
      `\nwarning: the machine was busy when the run started (load average ${loadAverageAtStart.join(', ')} on ` +
        `${results.cpus.count} CPUs): other work competed with the app and the ceilings, and the figures show it.`,
    );
  }
  console.log(`\nresults: ${file}`);
  if (values.strict && missed.length > 0) process.exitCode = 1;
}

main()
  .catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  })
  .finally(() => cleanUp());
