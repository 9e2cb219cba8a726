// Sessions in the database, read and written by `_id` alone. On the embedded engine a filter with anything besides
// `_id` scans the whole collection (a session store that filters on `expires` as well pays a scan on every signed-in
// request); here expiry is checked after the lookup instead, and expired sessions are purged by the scheduler
// (server/jobs.ts: neither engine's TTL index is used, FerretDB has none). Documents keep connect-mongo's shape
// ({ _id, session: JSON, expires, lastModified }), so existing sessions stay valid.
//
// Every request with a session cookie loads its session here first, so a database that has stopped answering would
// hang them all: each operation is given up as soon as the database is seen not to answer (server/db/health.ts), and
// the request gets the 503 page (or, for a session that could not be stored after the page, the page as it was).
import session, { type SessionData } from 'express-session';
import type { Collection } from 'mongodb';
import type { DatabaseHealth } from './db/health';

interface SessionDoc {
  _id: string;
  session: string;
  expires: Date;
  lastModified: Date;
}

const DEFAULT_TTL_MS = 14 * 24 * 3600 * 1000;

/**
 * A session could not be stored. express-session stores the session while the page's last byte is held back, so
 * this error can arrive after the page was sent: server/app.ts then lets the page finish (the visitor's next
 * request finds the session as it was) instead of cutting the connection.
 */
export class SessionNotSavedError extends Error {
  constructor(cause: unknown) {
    super('the session could not be stored', { cause });
    this.name = 'SessionNotSavedError';
  }
}

export class SessionStore extends session.Store {
  /**
   * @param collection the sessions collection (a function: the connection may be opened after the app is built)
   * @param touchAfterMs a session's expiry is pushed back at most this often when nothing else in it changed
   */
  constructor(
    private readonly collection: () => Collection<SessionDoc>,
    private readonly touchAfterMs: number,
    private readonly health?: DatabaseHealth,
  ) {
    super();
  }

  private static expiresOf(data: SessionData): Date {
    const expires = data.cookie?.expires;
    return expires ? new Date(expires) : new Date(Date.now() + DEFAULT_TTL_MS);
  }

  /** The operation, given up (DatabaseStalledError) when the database stops answering before it completes. */
  private run<T>(operation: () => Promise<T>): Promise<T> {
    return this.health ? this.health.bound(operation) : operation();
  }

  override get(sid: string, callback: (err: unknown, session?: SessionData | null) => void): void {
    this.run(() => this.collection().findOne({ _id: sid }))
      .then((doc) => {
        if (!doc || doc.expires.getTime() <= Date.now()) return callback(null, null);
        const data = JSON.parse(doc.session) as SessionData & { lastModified?: number };
        // For touch(): when the stored expiry was last pushed back (dropped again before the session is stored).
        data.lastModified = doc.lastModified.getTime();
        callback(null, data);
      })
      .catch(callback);
  }

  override set(sid: string, data: SessionData, callback?: (err?: unknown) => void): void {
    const { lastModified: _, ...stored } = data as SessionData & { lastModified?: number };
    this.run(() =>
      this.collection().updateOne(
        { _id: sid },
        { $set: { session: JSON.stringify(stored), expires: SessionStore.expiresOf(data), lastModified: new Date() } },
        { upsert: true },
      ),
    )
      .then(() => callback?.())
      .catch((err: unknown) => callback?.(new SessionNotSavedError(err)));
  }

  override touch(sid: string, data: SessionData, callback?: (err?: unknown) => void): void {
    const last = (data as { lastModified?: number }).lastModified ?? 0;
    if (Date.now() - last < this.touchAfterMs) return callback?.();
    this.run(() =>
      this.collection().updateOne(
        { _id: sid },
        { $set: { expires: SessionStore.expiresOf(data), lastModified: new Date() } },
      ),
    )
      .then(() => callback?.())
      .catch((err: unknown) => callback?.(new SessionNotSavedError(err)));
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    this.run(() => this.collection().deleteOne({ _id: sid }))
      .then(() => callback?.())
      .catch((err: unknown) => callback?.(err));
  }
}
