// The audit trail: append-only records of who changed what.
import type { Clock } from '../clock';
import { Event } from '../../models/Event';
import type { Ctx } from './actor';

export class Events {
  constructor(private readonly clock: Clock) {}

  async record(
    ctx: Ctx,
    action: string,
    subject: { type: string; id: string },
    summary: Record<string, unknown> = {},
  ): Promise<void> {
    await Event.create({
      actor: ctx.actor?.id ?? null,
      action,
      subjectType: subject.type,
      subjectId: subject.id,
      summary,
      requestId: ctx.requestId ?? null,
      at: this.clock.now(),
    });
  }
}
