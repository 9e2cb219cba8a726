// Candidates' documents (CV, certificate scans, ID photo): typed by their bytes, stored under random names, read by
// their owner and by the staff handling an application that includes them (each staff read is an audit event).
import { Types } from 'mongoose';
import type { Clock } from '../clock';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors';
import type { FileStore } from '../storage';
import { cleanName, sniff } from '../storage';
import { Application } from '../../models/Application';
import { CandidateProfile, type DOCUMENT_KINDS } from '../../models/CandidateProfile';
import type { Actor, Ctx } from './actor';
import type { Events } from './events';
import { posterOrganisation } from './postings';

export type DocumentKind = (typeof DOCUMENT_KINDS)[number];
const MAX_DOCUMENTS = 12;

export class Documents {
  constructor(
    private readonly store: FileStore,
    private readonly clock: Clock,
    private readonly events: Events,
  ) {}

  async add(ctx: Ctx & { actor: Actor }, kind: DocumentKind, file: { buffer: Buffer; originalname: string }) {
    if (ctx.actor.role !== 'candidate') throw new ForbiddenError();
    const mime = sniff(file.buffer);
    if (!mime) throw new ValidationError({ file: 'documents.errors.type' });
    if (kind === 'photo' && mime === 'application/pdf') throw new ValidationError({ file: 'documents.errors.photo' });
    const profile = await CandidateProfile.findOne({ user: ctx.actor.id }).lean();
    if (!profile) throw new ValidationError({ file: 'documents.errors.profileFirst' });
    if (profile.documents.length >= MAX_DOCUMENTS) throw new ValidationError({ file: 'documents.errors.tooMany' });
    const id = await this.store.put(file.buffer);
    const entry = {
      id,
      kind,
      name: cleanName(file.originalname),
      mime,
      size: file.buffer.length,
      uploadedAt: this.clock.now(),
    };
    // The whole array is written (no $push/$pull by condition: see DESIGN.md §5).
    await CandidateProfile.updateOne({ _id: profile._id }, { $set: { documents: [...profile.documents, entry] } });
    await this.events.record(
      ctx,
      'document.uploaded',
      { type: 'CandidateProfile', id: ctx.actor.id },
      { kind, mime, size: entry.size },
    );
    return entry;
  }

  async remove(ctx: Ctx & { actor: Actor }, id: string) {
    const profile = await CandidateProfile.findOne({ user: ctx.actor.id }).lean();
    if (!profile || !profile.documents.some((d) => d.id === id)) throw new NotFoundError();
    await CandidateProfile.updateOne(
      { _id: profile._id },
      { $set: { documents: profile.documents.filter((d) => d.id !== id) } },
    );
    // Kept in the store while an application still includes it; the file goes when nothing refers to it.
    if (!(await Application.exists({ documents: id }))) await this.store.remove(id);
  }

  /** The owner's own document. */
  async forOwner(actor: Actor, id: string) {
    const profile = await CandidateProfile.findOne({ user: actor.id }).lean();
    const meta = profile?.documents.find((d) => d.id === id);
    if (!meta) throw new NotFoundError();
    return this.load(meta);
  }

  /** A document of an application the staff member's organisation handles; every such read is recorded. */
  async forStaff(ctx: Ctx & { actor: Actor }, applicationId: string, id: string) {
    const org = await posterOrganisation(ctx.actor);
    const app = Types.ObjectId.isValid(applicationId) ? await Application.findById(applicationId).lean() : null;
    if (!app || String(app.postedBy) !== String(org._id) || !(app.documents ?? []).includes(id))
      throw new NotFoundError();
    const meta = (app.documentMeta ?? []).find((d) => d.id === id);
    if (!meta?.id) throw new NotFoundError();
    const file = await this.load({ id: meta.id, name: meta.name, mime: meta.mime });
    await this.events.record(
      ctx,
      'document.read',
      { type: 'Application', id: applicationId },
      { document: id, kind: meta.kind },
    );
    return file;
  }

  private async load(meta: { id: string; name?: string | null; mime?: string | null }) {
    const data = await this.store.get(meta.id);
    if (!data) throw new NotFoundError();
    return { data, name: meta.name ?? 'file', mime: meta.mime ?? 'application/octet-stream' };
  }
}
