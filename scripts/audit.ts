// CI's dependency gate: `npm audit --omit=dev`, failing on any high or critical advisory. When the registry's
// advisory service cannot be reached (some mirrors refuse it), that is reported loudly and the gate is skipped,
// since no verdict is possible; a reachable service with findings always fails the build.
/* eslint-disable no-console -- a CI step reports on the console */
import { spawnSync } from 'node:child_process';

interface Report {
  message?: string;
  error?: { summary?: string };
  metadata?: { vulnerabilities?: Record<string, number> };
}

const run = spawnSync('npm', ['audit', '--omit=dev', '--json'], { encoding: 'utf8', timeout: 120_000 });
function parse(text: string): Report {
  try {
    return JSON.parse(text || '{}') as Report;
  } catch {
    return {};
  }
}
const report = parse(run.stdout);
const counts = report.metadata?.vulnerabilities;
if (!counts) {
  const why = report.message ?? (report.error?.summary || run.stderr?.trim() || 'no report');
  console.warn(`npm audit: the advisory service gave no report (${why}); the dependency gate could not run.`);
  process.exit(0);
}
const serious = (counts.high ?? 0) + (counts.critical ?? 0);
console.log(`npm audit (production dependencies): ${JSON.stringify(counts)}`);
if (serious > 0) {
  console.error(`npm audit: ${serious} high or critical advisories in production dependencies.`);
  process.exit(1);
}
