// Rate limits for sign-in, sign-up and password reset, counted in the database so that every app instance
// shares them. A small store of our own: rate-limit-mongo relies on a TTL index, which FerretDB lacks.
import rateLimit, { ipKeyGenerator, type Store, type IncrementResponse, type Options } from 'express-rate-limit';
import type { Request, RequestHandler } from 'express';
import type { Clock } from '../clock';
import { isDuplicateKey } from '../errors';
import { RateLimitHit } from '../../models/RateLimitHit';

/** Fixed windows keyed `<prefix>:<key>:<window index>`. Under FerretDB's read-then-write updates a burst of
 *  parallel requests may undercount by a few; the limit still bites within the window. */
export class MongoRateLimitStore implements Store {
  windowMs = 60_000;
  readonly localKeys = false;
  constructor(
    readonly prefix: string,
    private readonly clock: Clock,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  private window(key: string) {
    const now = this.clock.now().getTime();
    const index = Math.floor(now / this.windowMs);
    return { id: `${this.prefix}:${key}:${index}`, resetTime: new Date((index + 1) * this.windowMs) };
  }

  async get(key: string): Promise<IncrementResponse | undefined> {
    const { id, resetTime } = this.window(key);
    const hit = await RateLimitHit.findById(id).lean();
    return hit ? { totalHits: hit.hits, resetTime } : undefined;
  }

  async increment(key: string): Promise<IncrementResponse> {
    const { id, resetTime } = this.window(key);
    // The first hit of a window is an insert: a duplicate key (code 11000 on both engines) means it exists.
    try {
      await RateLimitHit.create({ _id: id, hits: 1, expiresAt: resetTime });
      return { totalHits: 1, resetTime };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    const hit = await RateLimitHit.findOneAndUpdate(
      { _id: id },
      { $inc: { hits: 1 } },
      { returnDocument: 'after' },
    ).lean();
    return { totalHits: hit?.hits ?? 1, resetTime };
  }

  async decrement(key: string): Promise<void> {
    await RateLimitHit.updateOne({ _id: this.window(key).id }, { $inc: { hits: -1 } });
  }

  async resetKey(key: string): Promise<void> {
    await RateLimitHit.deleteOne({ _id: this.window(key).id });
  }
}

/** The client's address, with IPv6 grouped by /56 as express-rate-limit advises. */
export const byAddress = (req: Request) => ipKeyGenerator(req.ip ?? 'unknown');

const emailOf = (req: Request) => {
  const email = (req.body as Record<string, unknown> | undefined)?.email;
  return typeof email === 'string' ? email.trim().toLowerCase().slice(0, 254) : '';
};

/**
 * The account being tried, from wherever: guessing one account's password from many addresses is still limited.
 * A body without an address falls back to the client's address, so such requests do not share one counter.
 */
export const byAccount = (req: Request) => {
  const email = emailOf(req);
  return email ? `account|${email}` : `address|${byAddress(req)}`;
};

/**
 * A limiter counts POSTs per key in fixed windows. Each form has its own name, so a key by address is per address
 * and form (a campus drive's hall signing up does not use up the sign-in or organisation forms of its network).
 * `onlyFailures`: answers below 400 (a successful sign-in redirects with 303) are given back, so they never count.
 */
export function limiter(
  name: string,
  limit: number,
  windowMs: number,
  clock: Clock,
  keyGenerator: (req: Request) => string = byAddress,
  options: { onlyFailures?: boolean } = {},
): RequestHandler {
  return rateLimit({
    keyGenerator,
    windowMs,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    skipSuccessfulRequests: options.onlyFailures ?? false,
    // Only attempts count; reading the form does not.
    skip: (req) => req.method !== 'POST',
    store: new MongoRateLimitStore(name, clock),
    handler: (req, res) => {
      res.status(429).render('errors/429', { title: res.locals.t('errors.tooMany.title') });
    },
  });
}
