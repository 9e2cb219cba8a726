// Periodic housekeeping. Each job runs at most once per period across all app instances: the run is claimed by
// inserting a lease `<job>:<period index>` (a unique insert, atomic on MongoDB and FerretDB alike).
import { trusted } from 'mongoose';
import crypto from 'node:crypto';
import mongoose from 'mongoose';
import type { Clock } from './clock';
import { databaseHealth } from './db/health';
import { isDuplicateKey } from './errors';
import type { Logger } from './logger';
import { Lease } from '../models/Lease';
import { OutboxMessage } from '../models/OutboxMessage';
import { RateLimitHit } from '../models/RateLimitHit';
import { Token, TokenUse } from '../models/Token';

export interface Job {
  name: string;
  periodMs: number;
  run(now: Date): Promise<unknown>;
}

export const SESSION_COLLECTION = 'sessions';

export const housekeepingJobs: Job[] = [
  {
    // No TTL index (FerretDB has none): expired sessions go here (the store also ignores them when read).
    name: 'purge-sessions',
    periodMs: 10 * 60 * 1000,
    run: (now) => mongoose.connection.collection(SESSION_COLLECTION).deleteMany({ expires: { $lt: now } }),
  },
  {
    name: 'purge-tokens',
    periodMs: 60 * 60 * 1000,
    async run(now) {
      const expired = await Token.find({ expiresAt: trusted({ $lt: new Date(now.getTime() - 24 * 3600 * 1000) }) })
        .select({ _id: 1 })
        .lean();
      const ids = expired.map((t) => t._id);
      await Token.deleteMany({ _id: trusted({ $in: ids }) });
      await TokenUse.deleteMany({ _id: trusted({ $in: ids }) });
    },
  },
  {
    name: 'purge-rate-limits',
    periodMs: 15 * 60 * 1000,
    run: (now) => RateLimitHit.deleteMany({ expiresAt: trusted({ $lt: now }) }),
  },
  {
    // Sent, dead and voided mail keeps names and links in its payload: gone after 90 days (the audit trail stays).
    name: 'purge-outbox',
    periodMs: 24 * 60 * 60 * 1000,
    run: (now) =>
      OutboxMessage.deleteMany({
        status: trusted({ $in: ['sent', 'dead', 'void'] }),
        updatedAt: trusted({ $lt: new Date(now.getTime() - 90 * 24 * 3600 * 1000) }),
      }),
  },
  {
    name: 'purge-leases',
    periodMs: 24 * 60 * 60 * 1000,
    run: (now) => Lease.deleteMany({ at: trusted({ $lt: new Date(now.getTime() - 7 * 24 * 3600 * 1000) }) }),
  },
];

export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private readonly instanceId = `${process.pid}-${crypto.randomBytes(3).toString('hex')}`;

  constructor(
    private readonly jobs: Job[],
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Runs every job whose current period has not been claimed yet; returns the names it ran. */
  async tick(): Promise<string[]> {
    const now = this.clock.now();
    const ran: string[] = [];
    for (const job of this.jobs) {
      const period = Math.floor(now.getTime() / job.periodMs);
      try {
        await Lease.create({ _id: `${job.name}:${period}`, by: this.instanceId, at: now });
      } catch (err) {
        if (isDuplicateKey(err)) continue; // another instance (or an earlier tick) has this period
        this.logger.warn({ err, job: job.name }, 'job lease failed');
        continue;
      }
      try {
        await job.run(now);
        ran.push(job.name);
      } catch (err) {
        this.logger.warn({ err, job: job.name }, 'job failed');
      }
    }
    return ran;
  }

  start(intervalMs = 60_000): void {
    // One tick at a time; while the database is not answering, ticks are skipped (they would only wait for it), and
    // the first one after it answers again runs the jobs of the period it is in.
    const run = () => (databaseHealth.answering ? this.tick() : Promise.resolve([]));
    const loop = () => {
      this.timer = setTimeout(() => void run().finally(loop), intervalMs);
      this.timer.unref();
    };
    void run().finally(loop);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
