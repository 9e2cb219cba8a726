// Services announce email intent here. The row is written before the state change it announces, with a guard
// naming that change; the worker sends once the change is visible and voids the row if it never becomes so.
// This gives "no email lost, none for a change that did not happen" without transactions (FerretDB has none).
import type { Clock } from '../clock';
import { isDuplicateKey } from '../errors';
import { OutboxMessage } from '../../models/OutboxMessage';

export interface Guard {
  model: string;
  id: string;
  /** Dotted path that must equal `value`; omit to require only that the document exists. */
  path?: string;
  value?: string | number | boolean;
  /** For counters such as a version: the path must be at least `value` (later changes keep it sendable). */
  atLeast?: boolean;
}

export interface MailIntent {
  dedupeKey: string;
  template: string;
  locale: string;
  to: string;
  data: Record<string, unknown>;
  guard?: Guard;
  /** Extra headers, e.g. List-Unsubscribe. */
  headers?: Record<string, string>;
  attachments?: { filename: string; content: string; contentType: string }[];
}

export class Outbox {
  /** Set by the mail worker of this instance; other instances find the row by polling. */
  wake: () => void = () => {};

  constructor(private readonly clock: Clock) {}

  /** Enqueues one email; a second call with the same dedupe key is a no-op. Returns whether it was new. */
  async enqueue(intent: MailIntent): Promise<boolean> {
    try {
      await OutboxMessage.create({
        dedupeKey: intent.dedupeKey,
        template: intent.template,
        locale: intent.locale,
        to: intent.to,
        data: intent.data,
        headers: intent.headers ?? {},
        attachments: intent.attachments ?? [],
        subjectModel: intent.guard?.model ?? null,
        subjectId: intent.guard?.id ?? null,
        guardPath: intent.guard?.path ?? null,
        guardValue: intent.guard?.value ?? null,
        guardAtLeast: intent.guard?.atLeast ?? false,
        enqueuedAt: this.clock.now(),
        nextAttemptAt: this.clock.now(),
      });
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  /** Tells the worker there is something to send now (call after the guarded change is written). */
  nudge(): void {
    this.wake();
  }
}
