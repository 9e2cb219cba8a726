// Whether the database is answering, from the driver's own heartbeats (server/db/connect.ts polls every
// DB_HEARTBEAT_MS on a connection of its own): a database that has stopped answering (a stalled process, a frozen VM,
// a network that drops packets) keeps its TCP connections open, so nothing fails on its own until the driver gives up.
// The request guard (server/middleware/stallGuard.ts), the session store and the public catalogue ask this instead of
// waiting: no extra query, and a database that is merely slow (it still answers its heartbeats) is never taken for
// a stalled one.
import { AsyncLocalStorage } from 'node:async_hooks';
import { EventEmitter } from 'node:events';
import type { MongoClient } from 'mongodb';
import { isDatabaseUnavailable } from '../errors';

/** An operation given up because the database stopped answering: shown as the 503 page. */
export class DatabaseStalledError extends Error {
  constructor() {
    super('the database is not answering');
    this.name = 'DatabaseStalledError';
  }
}

/**
 * The request being answered (set by the stall guard): marked when it got a fallback from memory, so that the guard
 * leaves it to finish rather than answering it with the 503 page.
 */
export const requestScope = new AsyncLocalStorage<{ fromMemory: boolean }>();

interface Server {
  /** When the heartbeat now in flight was sent (null: none in flight). */
  since: number | null;
  /** The last heartbeat failed (and none has succeeded since). */
  failed: boolean;
  timer?: NodeJS.Timeout;
}

export class DatabaseHealth extends EventEmitter {
  private servers = new Map<string, Server>();
  private client: MongoClient | null = null;
  private state = true;

  /** @param graceMs how long a heartbeat may go unanswered before the database counts as not answering */
  constructor(private graceMs = 1000) {
    super();
    this.setMaxListeners(0); // one per waiting request or operation
  }

  /** Follows this client's heartbeats (a new client replaces the previous one). */
  watch(client: MongoClient, graceMs = this.graceMs): void {
    this.unwatch();
    this.graceMs = graceMs;
    this.client = client;
    client.on('serverHeartbeatStarted', this.onStarted);
    client.on('serverHeartbeatSucceeded', this.onSucceeded);
    client.on('serverHeartbeatFailed', this.onFailed);
    client.on('topologyClosed', this.onClosed);
  }

  unwatch(): void {
    if (!this.client) return;
    this.client.off('serverHeartbeatStarted', this.onStarted);
    this.client.off('serverHeartbeatSucceeded', this.onSucceeded);
    this.client.off('serverHeartbeatFailed', this.onFailed);
    this.client.off('topologyClosed', this.onClosed);
    this.client = null;
    this.onClosed();
  }

  /**
   * False while the database is not answering: every server's last heartbeat failed, or has gone unanswered for
   * longer than the grace period. True when nothing is known yet.
   */
  get answering(): boolean {
    return this.state;
  }

  /**
   * The state as of now. Only looked at from a heartbeat event, or after the grace period and a turn of the event
   * loop, so that an answer that has arrived is read before the database is judged silent: a busy event loop is not a
   * silent database.
   */
  private judge(): boolean {
    if (this.servers.size === 0) return true;
    const now = Date.now();
    for (const s of this.servers.values()) {
      if (!s.failed && (s.since === null || now - s.since <= this.graceMs)) return true;
    }
    return false;
  }

  /**
   * `work`'s outcome, unless the database stops answering first (or is not answering now): then a
   * DatabaseStalledError, and `work`'s own outcome, whenever it comes, is dropped.
   */
  bound<T>(work: () => Promise<T>): Promise<T> {
    return this.orElse(work, () => {
      throw new DatabaseStalledError();
    });
  }

  /**
   * `work`'s result; if the database is not answering, stops answering before `work` settles, or `work` fails because
   * it cannot be reached, `fallback`'s instead (when it gives one: otherwise `work`'s outcome is awaited as usual).
   */
  orElse<T>(work: () => Promise<T>, fallback: () => T | undefined): Promise<T> {
    const request = requestScope.getStore();
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        this.off('stalled', onStalled);
        fn();
      };
      const tryFallback = (otherwise: () => void) => {
        let value: T | undefined;
        try {
          value = fallback();
        } catch (err) {
          return finish(() => reject(err));
        }
        if (value === undefined) return otherwise();
        if (request) request.fromMemory = true;
        finish(() => resolve(value));
      };
      const onStalled = () => tryFallback(() => {});
      if (!this.answering) {
        tryFallback(() => {});
        if (settled) return;
      }
      this.on('stalled', onStalled);
      work().then(
        (value) => finish(() => resolve(value)),
        (err: unknown) =>
          isDatabaseUnavailable(err) ? tryFallback(() => finish(() => reject(err))) : finish(() => reject(err)),
      );
    });
  }

  private server(address: string): Server {
    let s = this.servers.get(address);
    if (!s) {
      s = { since: null, failed: false };
      this.servers.set(address, s);
    }
    return s;
  }

  private readonly onStarted = (e: { connectionId: string }) => {
    const s = this.server(e.connectionId);
    s.since ??= Date.now();
    clearTimeout(s.timer);
    // When the grace period is over, look again (after a turn of the event loop: see judge()).
    s.timer = setTimeout(() => setImmediate(() => this.update()), this.graceMs + 1);
    s.timer.unref();
  };

  private readonly onSucceeded = (e: { connectionId: string }) => {
    const s = this.server(e.connectionId);
    clearTimeout(s.timer);
    s.since = null;
    s.failed = false;
    this.update();
  };

  private readonly onFailed = (e: { connectionId: string }) => {
    const s = this.server(e.connectionId);
    clearTimeout(s.timer);
    s.since = null;
    s.failed = true;
    this.update();
  };

  private readonly onClosed = () => {
    for (const s of this.servers.values()) clearTimeout(s.timer);
    this.servers.clear();
    this.update();
  };

  private update(): void {
    const now = this.judge();
    if (now === this.state) return;
    this.state = now;
    this.emit(now ? 'answering' : 'stalled');
  }
}

/** The health of the app's Mongoose connection (watched from connectDatabase). */
export const databaseHealth = new DatabaseHealth();
