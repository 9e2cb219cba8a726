// Times the coordinator's dashboard on a running instance: signs in as a coordinator, rebuilds the report snapshot
// once, then loads the dashboard (whole region, and one city) several times and prints each chart's median render
// time from the Server-Timing header. `npm run report-timing -- --url http://127.0.0.1:3000 --runs 10`.
/* eslint-disable no-console -- a command-line tool reports on the console */
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:3000' },
    email: { type: 'string', default: 'coordinator@demo.teachbridge.cn' },
    password: { type: 'string', default: 'teachbridge-demo' },
    runs: { type: 'string', default: '10' },
  },
});
const base = values.url.replace(/\/$/, '');
let cookie = '';

async function request(path: string, init: RequestInit = {}) {
  const res = await fetch(`${base}${path}`, {
    ...init,
    redirect: 'manual',
    headers: { ...(init.headers as Record<string, string>), cookie },
  });
  const set = res.headers.getSetCookie().map((c) => c.split(';')[0]!);
  if (set.length > 0) cookie = set.join('; ');
  return res;
}

async function post(path: string, page: string, fields: Record<string, string>) {
  const token = /name="_csrf" value="([^"]+)"/.exec(await (await request(page)).text())?.[1] ?? '';
  return request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...fields, _csrf: token }).toString(),
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function main() {
  const login = await post('/login', '/login', { email: values.email, password: values.password });
  if (login.status !== 303) throw new Error(`Sign-in failed (${login.status})`);
  let started = performance.now();
  await post('/coordinator/reports/refresh', '/coordinator/reports', {});
  console.log(`snapshot rebuild (refresh request): ${(performance.now() - started).toFixed(0)} ms`);
  for (const path of ['/coordinator/reports', '/coordinator/reports?unit=1307']) {
    const timings = new Map<string, number[]>();
    const totals: number[] = [];
    for (let i = 0; i < Number(values.runs); i += 1) {
      started = performance.now();
      const res = await request(path);
      await res.text();
      totals.push(performance.now() - started);
      for (const part of (res.headers.get('server-timing') ?? '').split(',')) {
        const [name, dur] = part.trim().split(';dur=');
        if (name && dur) timings.set(name, [...(timings.get(name) ?? []), Number(dur)]);
      }
    }
    console.log(`\n${path}  (median of ${values.runs} loads)`);
    for (const [name, xs] of timings) console.log(`  ${name.padEnd(22)} ${median(xs).toFixed(1).padStart(7)} ms`);
    console.log(`  ${'whole response'.padEnd(22)} ${median(totals).toFixed(1).padStart(7)} ms`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
