// Times the coordinator's dashboard on a running instance: signs in as a coordinator, rebuilds the report snapshot
// once, then loads the dashboard (whole region, and one city) several times and prints each chart's median render
// time from the Server-Timing header. `npm run report-timing -- --url http://127.0.0.1:3000 --runs 10`.
/* eslint-disable no-console -- a command-line tool reports on the console */
import { parseArgs } from 'node:util';
import { median } from '../server/services/reports/figures';
import { Client } from './client';
import { DEMO_PASSWORD } from './seed';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:3000' },
    email: { type: 'string', default: 'coordinator@demo.teachbridge.cn' },
    password: { type: 'string', default: DEMO_PASSWORD },
    runs: { type: 'string', default: '10' },
  },
});
const base = values.url.replace(/\/$/, '');
const client = new Client(base);

async function main() {
  await client.signIn(values.email, values.password);
  let started = performance.now();
  await client.post('/coordinator/reports/refresh', '/coordinator/reports', {});
  console.log(`snapshot rebuild (refresh request): ${(performance.now() - started).toFixed(0)} ms`);
  for (const path of ['/coordinator/reports', '/coordinator/reports?unit=1307']) {
    const timings = new Map<string, number[]>();
    const totals: number[] = [];
    for (let i = 0; i < Number(values.runs); i += 1) {
      started = performance.now();
      const res = await client.request(path);
      await res.text();
      totals.push(performance.now() - started);
      for (const part of (res.headers.get('server-timing') ?? '').split(',')) {
        const [name, dur] = part.trim().split(';dur=');
        if (name && dur) timings.set(name, [...(timings.get(name) ?? []), Number(dur)]);
      }
    }
    console.log(`\n${path}  (median of ${values.runs} loads)`);
    for (const [name, xs] of timings)
      console.log(
        `  ${name.padEnd(22)} ${median([...xs].sort((x, y) => x - y))!
          .toFixed(1)
          .padStart(7)} ms`,
      );
    console.log(
      `  ${'whole response'.padEnd(22)} ${median([...totals].sort((x, y) => x - y))!
        .toFixed(1)
        .padStart(7)} ms`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
