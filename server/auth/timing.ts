// Keeps "this address has an account" out of response times. Both branches of a workflow already do the same
// expensive work (a password hash); what is left (a database write or two) is hidden by holding every answer until
// a floor: half as long again as the workflow's recent median run, so that most answers leave at the floor.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

const RECENT = 15;
const MAX_FLOOR_MS = 2000;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2;
}

export class EvenTiming {
  private readonly recent = new Map<string, number[]>();

  /**
   * Runs `work` and answers no sooner than the floor of `key`. `hold(result)` false answers at once (a successful
   * sign-in: only its owner, who knows the password, ever sees it) and does not count towards the floor.
   */
  async run<T>(key: string, work: () => Promise<T>, hold: (result: T) => boolean = () => true): Promise<T> {
    const started = performance.now();
    const result = await work();
    if (!hold(result)) return result;
    const elapsed = performance.now() - started;
    const seen = this.recent.get(key) ?? [];
    this.recent.set(key, seen);
    const floor = seen.length > 0 ? Math.min(MAX_FLOOR_MS, 1.5 * median(seen)) : 0;
    seen.push(elapsed);
    if (seen.length > RECENT) seen.shift();
    if (floor > elapsed) await sleep(floor - elapsed);
    return result;
  }
}
