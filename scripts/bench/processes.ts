// Child processes of the benchmark and their clean-up: whatever was started is stopped on the way out, also after
// Ctrl-C or an error, newest first.
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';

const cleanups: (() => Promise<unknown>)[] = [];
const children = new Set<ChildProcess>();

/** Registers a clean-up step; returns a function that runs it now (once) and unregisters it. */
export function onCleanup(step: () => Promise<unknown>): () => Promise<void> {
  let done = false;
  const once = async () => {
    if (done) return;
    done = true;
    const i = cleanups.indexOf(once);
    if (i >= 0) cleanups.splice(i, 1);
    await step();
  };
  cleanups.push(once);
  return once;
}

export async function cleanUp(): Promise<void> {
  while (cleanups.length > 0) {
    await cleanups[cleanups.length - 1]!().catch(() => {});
  }
}

/** Remembers a child so that it is killed even when the benchmark itself dies without cleaning up. */
export function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

process.on('uncaughtException', (err) => {
  process.stderr.write(`${err.stack ?? String(err)}\n`);
  void cleanUp().finally(() => process.exit(1));
});

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(130); // a second Ctrl-C: stop waiting
    interrupted = true;
    process.stderr.write(`\n${signal}: stopping the app, the ceilings and the database…\n`);
    void cleanUp().finally(() => process.exit(130));
  });
}

/** Sends SIGTERM and waits for the exit; SIGKILL after `graceMs` (at once when 0). Resolves with the exit code. */
export function stopChild(child: ChildProcess, graceMs = 10_000): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    if (graceMs > 0) child.kill('SIGTERM');
  });
}

/** Resident memory of a process in MB, from /proc (Linux); undefined elsewhere or once it has gone. */
export function rssMb(pid: number): number | undefined {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

/** Samples a process's RSS every `everyMs`: the peak of the whole run and of the current window. */
export class RssSampler {
  peakMb = 0;
  windowPeakMb = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private pid: number,
    everyMs = 250,
  ) {
    this.timer = setInterval(() => this.sample(), everyMs);
    this.sample();
  }

  private sample() {
    const mb = rssMb(this.pid);
    if (mb === undefined) return;
    this.peakMb = Math.max(this.peakMb, mb);
    this.windowPeakMb = Math.max(this.windowPeakMb, mb);
  }

  /** Samples another process from now on (the app, restarted); the peaks go on. */
  follow(pid: number): void {
    this.pid = pid;
  }

  /** Starts a new window (one scenario's run) and returns the peak of the one before. */
  window(): number {
    this.sample();
    const peak = this.windowPeakMb;
    this.windowPeakMb = 0;
    return peak;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat; undefined if unreadable. */
function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/**
 * Waits until the given processes are (nearly) idle: requests that a run left in flight are finished before the
 * next measurement starts. Gives up after `maxMs` (and returns false).
 */
export async function waitIdle(pids: number[], maxMs = 60_000): Promise<boolean> {
  const deadline = Date.now() + maxMs;
  const total = () => pids.reduce((s, pid) => s + (cpuSeconds(pid) ?? 0), 0);
  let before = total();
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 300));
    const now = total();
    if (now - before < 0.03) return true; // under 10 % of one core over 300 ms
    before = now;
  }
  return false;
}
