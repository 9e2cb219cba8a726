// The privacy notice and consent to it (PIPL): the notice is versioned, registration records consent to the
// current version, a new version is accepted again at the next visit, and sensitive personal information (the ID
// number; medical results are only recorded as pass or fail by the school) needs its own explicit consent.
import { User } from '../../models/User';
import type { Clock } from '../clock';
import type { Actor, Ctx } from './actor';
import type { Events } from './events';

/** The notice's version: change it (and the text under `privacy.*`) and everyone is asked again. */
export const PRIVACY_VERSION = '2026-11-29';

export type ConsentKind = 'privacy' | 'sensitive';

export function consentRecord(kind: ConsentKind, at: Date) {
  return { kind, version: PRIVACY_VERSION, at };
}

export function hasConsent(
  consents: { kind?: string | null; version?: string | null }[] | undefined,
  kind: ConsentKind,
) {
  return (consents ?? []).some((c) => c.kind === kind && c.version === PRIVACY_VERSION);
}

export class Privacy {
  constructor(private readonly d: { clock: Clock; events: Events }) {}

  /** Records the user's consent to the current notice (or to processing sensitive information), once. */
  async consent(ctx: Ctx & { actor: Actor }, kind: ConsentKind): Promise<void> {
    const user = await User.findById(ctx.actor.id).select({ consents: 1 }).lean();
    if (!user || hasConsent(user.consents, kind)) return;
    await User.updateOne(
      { _id: user._id },
      { $set: { consents: [...(user.consents ?? []), consentRecord(kind, this.d.clock.now())] } },
    );
    await this.d.events.record(
      ctx,
      `privacy.consented_${kind}`,
      { type: 'User', id: ctx.actor.id },
      { version: PRIVACY_VERSION },
    );
  }

  async has(actor: Actor, kind: ConsentKind): Promise<boolean> {
    const user = await User.findById(actor.id).select({ consents: 1 }).lean();
    return hasConsent(user?.consents, kind);
  }
}
