// A bounded soak: starts the app as `npm start` would (local mode, its own embedded database and demo data), then
// drives mixed traffic at it from this second process on loopback for a while, and reports requests, errors,
// latency and the app's memory over time. Fails (exit 1) on any error or on memory growth beyond the bound.
// `npm run soak -- --seconds 300 --concurrency 8` (CI runs a short one).
//
// Memory is judged after a warm-up: the same traffic runs for `--warmup` seconds first (errors count, memory does
// not), because a freshly started app grows while it compiles templates, transpiles modules on first use (`tsx`)
// and fills its caches, and V8 only settles its heap after the first full collections. Growth is then the rise of
// the floor: the lowest RSS in the last third of the measured run minus the lowest in its first third. Under load
// RSS saws up and down by up to 80 MB between collections (about once a minute here); a leak raises the level it
// falls back to, which the floor measures whatever the phase of the saw, where means of short windows would not.
// The means of the first and last fifths are reported beside it.
/* eslint-disable no-console -- a command-line tool reports on the console */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from '../server/db/embedded';
import { rootDir } from '../server/paths';
import { Client } from './client';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '300' },
    concurrency: { type: 'string', default: '8' },
    /** Allowed rise of the app's resident memory floor from the first to the last third of the measured run. */
    'max-growth-mb': { type: 'string', default: '60' },
    /** Seconds of the same traffic before memory is measured (errors still count). */
    warmup: { type: 'string', default: '45' },
    out: { type: 'string' },
  },
});
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);
const maxGrowth = Number(values['max-growth-mb']);
const warmup = Number(values.warmup);

function rssOf(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

const percentile = (sorted: number[], p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? 0;

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'teachbridge-soak-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(rootDir, 'server/index.ts')], {
    cwd: rootDir,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const started = Date.now();
  while (!output.includes('TeachBridge is running')) {
    if (child.exitCode !== null || Date.now() - started > 300_000) throw new Error(`the app did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  console.log(
    `app up on ${base} (pid ${child.pid}); soaking for ${warmup} s of warm-up and ${seconds} s measured, with ${concurrency} clients`,
  );

  const anonymous = new Client(base);
  const ids = (
    (await (await anonymous.request('/api/v1/vacancies?perPage=50')).json()) as { data: { id: string }[] }
  ).data.map((v) => v.id);
  const candidate = new Client(base);
  await candidate.signIn('candidate@demo.teachbridge.cn');
  const staff = new Client(base);
  await staff.signIn('hr.zhangbei@demo.teachbridge.cn');
  const coordinator = new Client(base);
  await coordinator.signIn('coordinator@demo.teachbridge.cn');
  const pick = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)]!;

  // The mix: mostly the public board (what rural candidates on phones do), then signed-in work.
  const scenarios: [number, string, () => Promise<Response>][] = [
    [20, 'home', () => anonymous.request('/')],
    [25, 'job board', () => anonymous.request(`/jobs?page=${1 + Math.floor(Math.random() * 3)}`)],
    [
      15,
      'search',
      () => anonymous.request(`/jobs?q=${encodeURIComponent(pick(['英语', '数学', '音乐', '张北']))}&shortage=1`),
    ],
    [15, 'vacancy', () => anonymous.request(`/jobs/${pick(ids)}`)],
    [5, 'feed', () => anonymous.request('/jobs/feed.xml')],
    [5, 'api', () => anonymous.request('/api/v1/vacancies?unit=1307')],
    [6, 'my applications', () => candidate.request('/me/applications')],
    [5, 'pipeline', () => staff.request('/manage/vacancies')],
    [2, 'reports', () => coordinator.request('/coordinator/reports?unit=1307')],
    [2, 'bad id', () => anonymous.request('/jobs/not-an-id')],
  ];
  const weights = scenarios.reduce((s, [w]) => s + w, 0);
  const choose = () => {
    let r = Math.random() * weights;
    for (const s of scenarios) if ((r -= s[0]) < 0) return s;
    return scenarios[0]!;
  };

  const latencies: number[] = [];
  let warmupRequests = 0;
  const errors: string[] = [];
  const byScenario = new Map<string, number>();
  const memory: { t: number; rss: number }[] = [];
  const warmUntil = Date.now() + warmup * 1000;
  const until = warmUntil + seconds * 1000;
  const warmupMemory: { t: number; rss: number }[] = [];
  const sampler = setInterval(() => {
    const sample = { t: Math.round((Date.now() - started) / 1000), rss: rssOf(child.pid!) };
    (Date.now() < warmUntil ? warmupMemory : memory).push(sample);
  }, 2000);
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < until) {
        const [, name, run] = choose();
        const t0 = performance.now();
        try {
          const res = await run();
          await res.arrayBuffer();
          // 2xx, redirects and the expected 404 of a bad id are fine; 5xx (or anything else) is an error.
          if (res.status >= 500 || (name !== 'bad id' && res.status >= 400)) errors.push(`${name}: ${res.status}`);
        } catch (err) {
          errors.push(`${name}: ${(err as Error).message}`);
        }
        if (t0 + performance.timeOrigin >= warmUntil) {
          latencies.push(performance.now() - t0);
          byScenario.set(name, (byScenario.get(name) ?? 0) + 1);
        } else warmupRequests += 1;
      }
    }),
  );
  clearInterval(sampler);
  memory.push({ t: Math.round((Date.now() - started) / 1000), rss: rssOf(child.pid!) });

  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill('SIGTERM');
  const exitCode = await exited;
  fs.rmSync(dataDir, { recursive: true, force: true });

  latencies.sort((a, b) => a - b);
  const fifth = Math.max(1, Math.floor(memory.length / 5));
  const third = Math.max(1, Math.floor(memory.length / 3));
  const floor = (xs: { rss: number }[]) => Math.min(...xs.map((x) => x.rss));
  const growth = floor(memory.slice(-third)) - floor(memory.slice(0, third));
  const mean = (xs: { rss: number }[]) => xs.reduce((s, x) => s + x.rss, 0) / xs.length;
  const early = mean(memory.slice(0, fifth));
  const late = mean(memory.slice(-fifth));
  const result = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    warmupSeconds: warmup,
    seconds,
    concurrency,
    warmupRequests,
    requests: latencies.length,
    perSecond: Math.round(latencies.length / seconds),
    errors: errors.length,
    errorRate: errors.length / Math.max(1, latencies.length + warmupRequests),
    p50ms: Math.round(percentile(latencies, 0.5)),
    p99ms: Math.round(percentile(latencies, 0.99)),
    rssMb: {
      floorFirstThird: Math.round(floor(memory.slice(0, third))),
      floorLastThird: Math.round(floor(memory.slice(-third))),
      meanFirstFifth: Math.round(early),
      meanLastFifth: Math.round(late),
      max: Math.round(Math.max(...memory.map((m) => m.rss))),
    },
    growthMb: Math.round(growth),
    growthBoundMb: maxGrowth,
    exitCode,
    mix: Object.fromEntries(byScenario),
    rssWarmup: warmupMemory.map((m) => `${m.t}s ${Math.round(m.rss)}`).join(', '),
    rssMeasured: memory.map((m) => `${m.t}s ${Math.round(m.rss)}`).join(', '),
  };
  console.log(JSON.stringify(result, null, 2));
  if (errors.length) console.error(`errors (first 10): ${errors.slice(0, 10).join('; ')}`);
  if (values.out) fs.writeFileSync(values.out, `${JSON.stringify(result, null, 2)}\n`);
  if (errors.length > 0 || growth > maxGrowth || exitCode !== 0) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
