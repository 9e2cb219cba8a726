// Delivers the outbox: claims each attempt by a unique insert (`<id>#<attempt>`), so two app instances can never
// both own one attempt, even on FerretDB where findOneAndUpdate is read-then-write. Retries with exponential
// backoff and jitter; 5xx answers and poison messages go to `dead`. The Message-ID is stable per message, so a
// resend after a crash in the SMTP "250" window is recognisable downstream.
import { trusted } from 'mongoose';
import crypto from 'node:crypto';
import mongoose from 'mongoose';
import type { Clock } from '../clock';
import { databaseHealth } from '../db/health';
import { isDuplicateKey } from '../errors';
import type { Logger } from '../logger';
import { OutboxClaim, OutboxMessage, type OutboxDoc } from '../../models/OutboxMessage';
import { renderEmail } from './render';
import { isPermanentMailError, type MailTransport, type OutgoingMail } from './transport';

export interface MailWorkerOptions {
  transport: MailTransport;
  clock: Clock;
  logger: Logger;
  from: string;
  /** Domain for Message-IDs, e.g. the host of BASE_URL. */
  messageIdDomain: string;
  pollMs?: number;
  leaseMs?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** How long a message may wait for its guarded change to become visible before it is voided. */
  guardGraceMs?: number;
  batchSize?: number;
  instanceId?: string;
}

export class MailWorker {
  readonly instanceId: string;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private halting = false;
  private again = false;
  private readonly o: Required<Omit<MailWorkerOptions, 'instanceId'>>;

  constructor(options: MailWorkerOptions) {
    this.instanceId = options.instanceId ?? `${process.pid}-${crypto.randomBytes(3).toString('hex')}`;
    this.o = {
      pollMs: 2000,
      leaseMs: 60_000,
      maxAttempts: 8,
      baseDelayMs: 5000,
      maxDelayMs: 60 * 60 * 1000,
      guardGraceMs: 5 * 60 * 1000,
      batchSize: 20,
      ...options,
    };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.halting = false;
    this.schedule(0);
  }

  /** Run a pass now (a request just enqueued something). */
  nudge(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.schedule(0);
  }

  /** Stops claiming; resolves when the pass in flight has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.halting = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // A database that is not answering would only leave the pass hanging until the driver gives up: look again later.
      if (!databaseHealth.answering) return this.schedule(this.o.pollMs);
      this.running = this.runOnce()
        .then(() => undefined)
        .catch((err: unknown) => this.o.logger.warn({ err }, 'mail worker pass failed'))
        .finally(() => {
          this.running = undefined;
          const now = this.again;
          this.again = false;
          this.schedule(now ? 0 : this.o.pollMs);
        });
    }, delay);
    this.timer.unref?.();
  }

  /** One pass over the due messages; returns how many were sent. */
  async runOnce(): Promise<number> {
    const now = this.o.clock.now();
    const due = await OutboxMessage.find({
      status: trusted({ $in: ['pending', 'sending'] }),
      nextAttemptAt: trusted({ $lte: now }),
    })
      .sort({ nextAttemptAt: 1 })
      .limit(this.o.batchSize)
      .lean<OutboxDoc[]>();
    let sent = 0;
    for (const message of due) {
      if (this.halting) break; // shutting down: leave the rest to the next instance or start
      if (await this.process(message)) sent += 1;
    }
    return sent;
  }

  private backoff(attempt: number): number {
    const ceiling = Math.min(this.o.maxDelayMs, this.o.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + Math.random() * (ceiling / 2)); // "equal jitter": spread, never zero
  }

  private async process(message: OutboxDoc): Promise<boolean> {
    const now = this.o.clock.now();
    const id = String(message._id);
    const attempt = message.attempts + 1;
    const leaseUntil = new Date(now.getTime() + this.o.leaseMs);
    try {
      await OutboxClaim.create({ _id: `${id}#${attempt}`, by: this.instanceId, leaseUntil, at: now });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      // Another instance owns this attempt. If it died before recording it, move on to the next attempt number.
      const claim = await OutboxClaim.findById(`${id}#${attempt}`).lean();
      if (claim?.leaseUntil && claim.leaseUntil < now) {
        await OutboxMessage.updateOne(
          { _id: message._id, attempts: message.attempts },
          { $set: { attempts: attempt } },
        );
      }
      return false;
    }
    await OutboxMessage.updateOne(
      { _id: message._id },
      { $set: { status: 'sending', attempts: attempt, leaseUntil, nextAttemptAt: leaseUntil } },
    );

    if (await OutboxClaim.exists({ _id: `${id}#sent` })) {
      await this.markSent(message, 'already sent');
      return false;
    }

    if (message.subjectModel && message.subjectId) {
      const filter: Record<string, unknown> = { _id: message.subjectId };
      if (message.guardPath) {
        filter[message.guardPath] = message.guardAtLeast ? trusted({ $gte: message.guardValue }) : message.guardValue;
      }
      const visible = await mongoose.model(message.subjectModel).exists(filter);
      if (!visible) {
        const age = now.getTime() - new Date(message.enqueuedAt).getTime();
        const expired = age > this.o.guardGraceMs;
        await OutboxMessage.updateOne(
          { _id: message._id, attempts: attempt },
          expired
            ? { $set: { status: 'void', lastError: 'the change this email announces never happened' } }
            : // Not a delivery attempt: give the number back and look again shortly.
              {
                $set: { status: 'pending', attempts: message.attempts, nextAttemptAt: new Date(now.getTime() + 1000) },
              },
        );
        if (!expired) await OutboxClaim.deleteOne({ _id: `${id}#${attempt}` });
        return false;
      }
    }

    let rendered;
    try {
      rendered = renderEmail(message.template, message.locale, message.data as Record<string, unknown>);
    } catch (err) {
      this.o.logger.error({ err, outboxId: id }, 'email could not be rendered');
      await this.fail(message, attempt, err, true);
      return false;
    }

    try {
      const info = await this.o.transport.send({
        from: this.o.from,
        to: message.to,
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        messageId: `<outbox-${id}@${this.o.messageIdDomain}>`,
        headers: (message.headers ?? {}) as Record<string, string>,
        attachments: (message.attachments ?? []) as OutgoingMail['attachments'],
      });
      try {
        await OutboxClaim.create({ _id: `${id}#sent`, by: this.instanceId, at: this.o.clock.now() });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      await this.markSent(message, info.response);
      this.o.logger.info({ outboxId: id, template: message.template }, 'email sent');
      return true;
    } catch (err) {
      await this.fail(message, attempt, err, isPermanentMailError(err));
      return false;
    }
  }

  private async markSent(message: OutboxDoc, response: string): Promise<void> {
    // The payload may hold one-time links: once sent, keep only the envelope.
    await OutboxMessage.updateOne(
      { _id: message._id },
      {
        $set: {
          status: 'sent',
          sentAt: this.o.clock.now(),
          smtpResponse: response,
          lastError: '',
          data: {},
          attachments: [],
        },
      },
    );
  }

  private async fail(message: OutboxDoc, attempt: number, err: unknown, permanent: boolean): Promise<void> {
    const dead = permanent || attempt >= this.o.maxAttempts;
    const lastError = String((err as Error)?.message ?? err).slice(0, 500);
    this.o.logger.warn({ outboxId: String(message._id), attempt, dead, lastError }, 'email not sent');
    await OutboxMessage.updateOne(
      { _id: message._id, attempts: attempt },
      {
        $set: dead
          ? { status: 'dead', lastError, leaseUntil: null }
          : {
              status: 'pending',
              lastError,
              leaseUntil: null,
              nextAttemptAt: new Date(this.o.clock.now().getTime() + this.backoff(attempt)),
            },
      },
    );
  }
}
