// The benchmark's verdicts (targets met or missed, by how much), its table and its JSON file under bench/results/.
import fs from 'node:fs';
import path from 'node:path';
import * as prettier from 'prettier';
import { rootDir } from '../../server/paths';
import type { CeilingKind } from './ceiling';
import type { Figures } from './load';
import type { Group, Role } from './scenarios';

export const resultsDir = path.join(rootDir, 'bench', 'results');

export const TARGETS = {
  /** Public pages: share of the Express ceiling's req/s, p99 and errors. */
  publicShareOfExpressPct: 60,
  publicP99Ms: 100,
  publicErrors: 0,
  signedInP99Ms: 300,
  appRssMb: 300,
  /** p50 at the main size ÷ p50 at 1,000 vacancies, board and vacancy page. */
  growthP50Ratio: 1.5,
} as const;

export interface Check {
  target: string;
  value: number;
  /** null: not measured in this run (no Express ceiling with --skip-ceilings). */
  met: boolean | null;
  /** "met", "missed by …" or "not measured". */
  verdict: string;
}

export interface ScenarioResult {
  name: string;
  method: string;
  path: string;
  group: Group;
  as?: Role;
  /**
   * The answer the app gave to one request before the run (for sign-in: to the POST), and how long it took on the
   * idle app (`ms`; `firstMs`: the request before it, the scenario's first since the app started); the ceilings
   * replay these bytes. Missing when there was no answer in time.
   */
  response?: {
    status: number;
    contentType?: string;
    contentEncoding?: string;
    location?: string;
    bytes: number;
    ms: number;
    firstMs?: number;
  };
  /**
   * Why the loaded runs were not made: one request alone took longer than the timeout, so under load every request
   * would time out (and keep the app and the database busy for minutes after the run).
   */
  skipped?: string;
  app: Figures & { peakRssMb: number };
  ceilings: Partial<Record<CeilingKind, Figures>>;
  /** App req/s ÷ ceiling req/s. */
  ratio: Partial<Record<CeilingKind, number>>;
  checks: Check[];
}

export interface GrowthResult {
  /** Where the 1,000-vacancy figures come from: measured in this run, or an earlier results file. */
  source: string;
  baseSize: { vacancies: number; candidates: number; applications: number };
  /** ratio: p50 at the main size ÷ p50 at 1,000 vacancies; null when no request finished at either. */
  scenarios: { name: string; p50Ms: number; baseP50Ms: number; ratio: number | null }[];
  checks: Check[];
}

const fmt = (x: number, digits = 1) => Number(x.toFixed(digits));

export function atLeast(target: string, value: number, limit: number, unit: string): Check {
  const met = value >= limit;
  return { target, value: fmt(value), met, verdict: met ? 'met' : `missed by ${fmt(limit - value)}${unit}` };
}

/** `strict`: the value must be below the limit (p99 < 100 ms); otherwise at most (≤ 1.5×, 0 errors). */
export function atMost(target: string, value: number, limit: number, unit: string, strict: boolean): Check {
  const met = strict ? value < limit : value <= limit;
  const by = value - limit;
  return {
    target,
    value: fmt(value, 2),
    met,
    verdict: met ? 'met' : by === 0 ? 'missed (at the limit)' : `missed by ${fmt(by, 2)}${unit}`,
  };
}

const missed = (target: string, why: string): Check => ({
  target,
  value: Number.POSITIVE_INFINITY,
  met: false,
  verdict: `missed: ${why}`,
});

/** A run in which no request finished has no latency to speak of: every latency target is missed. */
function latency(target: string, r: Omit<ScenarioResult, 'checks'>, limit: number): Check {
  if (r.app.ok > 0) return atMost(target, r.app.p99Ms, limit, ' ms', true);
  return missed(target, 'no request finished in the run');
}

export function scenarioChecks(r: Omit<ScenarioResult, 'checks'>): Check[] {
  if (r.skipped) {
    const why = `not run (${r.response ? `one request took ${(r.response.ms / 1000).toFixed(1)} s` : 'no answer'})`;
    if (r.group === 'public') {
      return [
        missed(`req/s ≥ ${TARGETS.publicShareOfExpressPct} % of Express`, why),
        missed(`p99 < ${TARGETS.publicP99Ms} ms`, why),
        missed('0 errors', why),
      ];
    }
    if (r.group === 'signed-in') return [missed(`p99 < ${TARGETS.signedInP99Ms} ms`, why)];
    return [];
  }
  if (r.group === 'public') {
    const shareTarget = `req/s ≥ ${TARGETS.publicShareOfExpressPct} % of Express`;
    const why = r.ceilings.express ? 'the ceiling answered nothing' : 'no ceilings in this run';
    return [
      r.ratio.express === undefined
        ? { target: shareTarget, value: Number.NaN, met: null, verdict: `not measured (${why})` }
        : atLeast(shareTarget, r.ratio.express * 100, TARGETS.publicShareOfExpressPct, ' points'),
      latency(`p99 < ${TARGETS.publicP99Ms} ms`, r, TARGETS.publicP99Ms),
      atMost('0 errors', r.app.errors, TARGETS.publicErrors, ' errors', false),
    ];
  }
  if (r.group === 'signed-in') {
    return [latency(`p99 < ${TARGETS.signedInP99Ms} ms`, r, TARGETS.signedInP99Ms)];
  }
  return [];
}

export function rssCheck(peakMb: number): Check {
  return atMost(`app RSS < ${TARGETS.appRssMb} MB`, peakMb, TARGETS.appRssMb, ' MB', true);
}

export function growthChecks(rows: GrowthResult['scenarios'], mainVacancies: number, baseVacancies: number): Check[] {
  return rows.map((row) => {
    const target = `${row.name} p50 ${mainVacancies}/${baseVacancies} vacancies ≤ ${TARGETS.growthP50Ratio}×`;
    if (row.ratio === null) {
      return { target, value: Number.POSITIVE_INFINITY, met: false, verdict: 'missed: no request finished in a run' };
    }
    return atMost(target, row.ratio, TARGETS.growthP50Ratio, '×', false);
  });
}

/** The newest results file of `engine` at `vacancies` that measured all of `names`, if any. */
export function latestResults(
  engine: string,
  vacancies: number,
  names: string[],
): { file: string; json: BenchResults } | undefined {
  if (!fs.existsSync(resultsDir)) return undefined;
  const prefix = `${engine}-${vacancies}v-`;
  const files = fs
    .readdirSync(resultsDir)
    .filter((f) => f.startsWith(prefix) && f.endsWith('.json'))
    .sort()
    .reverse();
  for (const file of files) {
    const json = JSON.parse(fs.readFileSync(path.join(resultsDir, file), 'utf8')) as BenchResults;
    if (names.every((n) => json.scenarios.some((s) => s.name === n))) {
      return { file: path.join('bench', 'results', file), json };
    }
  }
  return undefined;
}

export interface BenchResults {
  date: string;
  engine: string;
  database: string;
  node: string;
  cpus: { count: number; model: string };
  loadAverageAtStart: number[];
  commit?: string;
  size: { vacancies: number; candidates: number; applications: number };
  counts: { vacancies: number; openVacancies: number; candidates: number; applications: number };
  connections: number;
  /** Sent with every request besides Host, `Connection: keep-alive` and (signed-in pages) the session cookie. */
  requestHeaders: Record<string, string>;
  durationSeconds: number;
  warmupSeconds: number;
  timeoutSeconds: number;
  /** restarts: how often the app (and the embedded engine) were restarted to drop a run's unanswered requests. */
  app: { peakRssMb: number; restarts: { app: number; engine: number }; checks: Check[] };
  scenarios: ScenarioResult[];
  growth?: GrowthResult;
  targets: typeof TARGETS;
  /** Every check above, in one place. */
  summary: { met: number; missed: number; notMeasured: number; missedTargets: string[] };
}

/** Writes to `bench/results/<engine>-<vacancies>v-<date>.json`, or to `out`; returns the path written. */
export async function writeResults(results: BenchResults, out?: string): Promise<string> {
  const stamp = results.date.replace(/[:.]/g, '').replace(/\d{3}Z$/, 'Z');
  const file = out
    ? path.resolve(out)
    : path.join(resultsDir, `${results.engine}-${results.size.vacancies}v-${stamp}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Formatted as the repository's Prettier would, so that `npm run lint` passes with results committed.
  const options = (await prettier.resolveConfig(file)) ?? {};
  fs.writeFileSync(file, await prettier.format(JSON.stringify(results), { ...options, filepath: file }));
  return path.relative(rootDir, file);
}

const num = (x: number | undefined) => {
  if (x === undefined || Number.isNaN(x)) return '–';
  return x >= 100 ? Math.round(x).toLocaleString('en') : x.toFixed(1);
};
const pct = (ratio: number | undefined) => {
  if (ratio === undefined) return '–';
  const p = ratio * 100;
  return `${p >= 10 ? p.toFixed(0) : p >= 1 ? p.toFixed(1) : p.toFixed(2)} %`;
};

function verdicts(checks: Check[]): string {
  if (checks.length === 0) return '';
  const notMet = checks.filter((c) => c.met !== true);
  if (notMet.length === 0) return 'all met';
  return notMet.map((c) => `${c.target}: ${c.verdict}`).join('; ');
}

export function table(results: BenchResults): string {
  const head = ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'errors', '% node:http', '% Express', 'targets'];
  const rows = results.scenarios.map((s) =>
    s.skipped
      ? [s.name, '–', '–', '–', 'not run', '–', '–', verdicts(s.checks)]
      : [
          s.name,
          num(s.app.reqPerSec),
          s.app.ok > 0 ? num(s.app.p50Ms) : '–',
          s.app.ok > 0 ? num(s.app.p99Ms) : '–',
          String(s.app.errors),
          pct(s.ratio.node),
          pct(s.ratio.express),
          verdicts(s.checks),
        ],
  );
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  out.push('');
  for (const s of results.scenarios) if (s.skipped) out.push(`${s.name} not run: ${s.skipped}`);
  for (const c of results.app.checks) out.push(`${c.target}: ${c.verdict} (peak ${num(results.app.peakRssMb)} MB)`);
  const { restarts } = results.app;
  if (restarts.app > 0) {
    out.push(
      `restarts between measurements, to drop requests a run had left unanswered: the app ${restarts.app}, ` +
        `the database ${restarts.engine}`,
    );
  }
  if (results.growth) {
    for (const [i, c] of results.growth.checks.entries()) {
      const row = results.growth.scenarios[i]!;
      const ratio = row.ratio === null ? '–' : `${row.ratio.toFixed(2)}×`;
      out.push(`${c.target}: ${c.verdict} (${num(row.p50Ms)} / ${num(row.baseP50Ms)} ms = ${ratio})`);
    }
    out.push(`  (1,000-vacancy figures: ${results.growth.source})`);
  }
  const { met, missed, notMeasured } = results.summary;
  out.push(`targets: ${met} met, ${missed} missed${notMeasured ? `, ${notMeasured} not measured` : ''}`);
  return out.join('\n');
}
