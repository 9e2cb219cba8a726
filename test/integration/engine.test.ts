// The embedded engine itself: the launcher's guarantees, and the FerretDB 1.24 behaviours the code relies on
// or works around (see DESIGN.md §5). Each assertion here is one the app's design depends on.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose, { Schema } from 'mongoose';
import { SessionStore } from '../../server/sessionStore';
import { startEmbeddedDatabase, EmbeddedDatabaseError } from '../../server/db/embedded';
import { useDatabase } from '../helpers/app';

useDatabase();

describe('the launcher', () => {
  it('when a data directory is already in use, then a second engine refuses to start on it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'teachbridge-lock-'));
    const first = await startEmbeddedDatabase({ dataDir: dir, preferFerret: true });
    try {
      await expect(startEmbeddedDatabase({ dataDir: dir, preferFerret: true })).rejects.toThrow(EmbeddedDatabaseError);
      await expect(startEmbeddedDatabase({ dataDir: dir, preferFerret: true })).rejects.toThrow(/already in use/);
    } finally {
      await first.stop();
    }
    // Once stopped, the directory is free again and keeps its data.
    const again = await startEmbeddedDatabase({ dataDir: dir, preferFerret: true });
    await again.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when a lock was left by a process that no longer exists, then the engine starts anyway', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'teachbridge-stale-'));
    fs.writeFileSync(path.join(dir, 'engine.lock'), '2147483646');
    const db = await startEmbeddedDatabase({ dataDir: dir, preferFerret: true });
    expect(fs.readFileSync(path.join(dir, 'engine.lock'), 'utf8')).toBe(String(process.pid));
    await db.stop();
    expect(fs.existsSync(path.join(dir, 'engine.lock'))).toBe(false);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('FerretDB 1.24 on SQLite, as the app uses it', () => {
  const Thing = mongoose.model(
    'EngineThing',
    new Schema({ key: { type: String, unique: true }, items: [{ name: String }], secret: { type: String } }),
  );
  const Hidden = mongoose.model('EngineHidden', new Schema({ key: String, secret: { type: String, select: false } }));

  beforeAll(() => Promise.all([Thing.init(), Hidden.init()]));

  it('enforces unique indexes on insert with code 11000, but accepts several documents that lack the field', async () => {
    await Thing.create({ key: 'a' });
    await expect(Thing.create({ key: 'a' })).rejects.toMatchObject({ code: 11000 });
    await Thing.collection.insertOne({ items: [] });
    await Thing.collection.insertOne({ items: [] });
    expect(await Thing.countDocuments({ key: null })).toBe(2);
  });

  it('silently keeps a subdocument removed with pull(): the code assigns filtered arrays instead', async () => {
    const doc = await Thing.create({ key: 'pull', items: [{ name: 'x' }, { name: 'y' }] });
    doc.items.pull(doc.items[0]!._id);
    await doc.save();
    expect((await Thing.findById(doc._id).lean())?.items).toHaveLength(2);
    const fresh = (await Thing.findById(doc._id))!;
    fresh.items = fresh.items.filter((i) => i.name !== 'x') as typeof fresh.items;
    await fresh.save();
    expect((await Thing.findById(doc._id).lean())?.items.map((i) => i.name)).toEqual(['y']);
  });

  it('refuses findOneAndUpdate on a model with select:false paths (why secrets are hidden by mappers)', async () => {
    await Hidden.create({ key: 'h', secret: 's' });
    await expect(Hidden.findOneAndUpdate({ key: 'h' }, { $set: { key: 'h2' } })).rejects.toThrow(/fields/);
  });

  it('rejects TTL indexes, so sessions expire by their own check and the purge job', async () => {
    await expect(
      mongoose.connection.collection('ttl_probe').createIndex({ at: 1 }, { expireAfterSeconds: 60 }),
    ).rejects.toThrow(/expireAfterSeconds/);
    const store = new SessionStore(() => mongoose.connection.collection('probe_sessions'), 3600_000);
    const put = (sid: string, expires: Date) =>
      new Promise<void>((resolve, reject) =>
        store.set(sid, { cookie: { originalMaxAge: 1000, expires } } as never, (e) => (e ? reject(e) : resolve())),
      );
    const get = (sid: string) =>
      new Promise((resolve, reject) => store.get(sid, (e, s) => (e ? reject(e) : resolve(s))));
    await put('sid-1', new Date(Date.now() + 60_000));
    await put('sid-old', new Date(Date.now() - 1000));
    expect(await get('sid-1')).toMatchObject({ cookie: { originalMaxAge: 1000 } });
    expect(await get('sid-old')).toBeNull(); // expired: gone for the app even before the purge
    // Looked up by _id alone, which the embedded engine answers from its index instead of a scan.
    const plan = (await mongoose.connection.db!.command({
      explain: { find: 'probe_sessions', filter: { _id: 'sid-1' } },
    })) as { filterPushdown?: boolean };
    expect(plan.filterPushdown).toBe(true);
    await new Promise<void>((resolve) => store.destroy('sid-1', () => resolve()));
    expect(await mongoose.connection.collection('probe_sessions').countDocuments({ _id: 'sid-1' } as never)).toBe(0);
  });

  it('has no transactions', async () => {
    const session = await mongoose.startSession();
    session.startTransaction();
    await expect(Thing.create([{ key: 'tx' }], { session })).rejects.toThrow();
    await session.abortTransaction().catch(() => {});
    await session.endSession();
  });
});
