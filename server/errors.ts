// One error family: each carries a status and a catalogue key, so the final handler can render a safe,
// translated message without leaking internals.
export type FieldErrors = Record<string, string>;

export class AppError extends Error {
  constructor(
    readonly status: number,
    /** i18n key of the message shown to the user. */
    readonly messageKey: string,
    readonly params: Record<string, unknown> = {},
  ) {
    super(messageKey);
    this.name = new.target.name;
  }
}

export class NotFoundError extends AppError {
  constructor(messageKey = 'errors.notFound.body') {
    super(404, messageKey);
  }
}

export class ForbiddenError extends AppError {
  constructor(messageKey = 'errors.forbidden.body') {
    super(403, messageKey);
  }
}

export class ConflictError extends AppError {
  constructor(messageKey: string, params: Record<string, unknown> = {}) {
    super(409, messageKey, params);
  }
}

export class BadRequestError extends AppError {
  constructor(messageKey = 'errors.badRequest.body') {
    super(400, messageKey);
  }
}

/** An emailed link that cannot be used (unknown, expired or already used): shown as its own page. */
export class LinkError extends AppError {
  constructor(messageKey: 'tokens.invalid' | 'tokens.expired' | 'tokens.used' | 'tokens.revoked' | 'tokens.ended') {
    super(400, messageKey);
  }
}

/** Invalid input: field-keyed i18n keys, so the form can be re-rendered with its errors. */
export class ValidationError extends AppError {
  constructor(readonly fields: FieldErrors) {
    super(422, 'errors.validation.summary');
  }
}

/** True for the driver's duplicate-key error; only `code` is reliable (FerretDB sends no keyValue). */
export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}

/** True when the database cannot be reached: the request should fail with 503, not hang or 500. */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  if ((err as { cause?: unknown }).cause !== undefined && isDatabaseUnavailable((err as { cause: unknown }).cause)) {
    return true;
  }
  // The engine dying under a write can surface as the socket's own error rather than the driver's.
  const code = (err as { code?: unknown }).code;
  if (code === 'EPIPE' || code === 'ECONNRESET') return true;
  const name = (err as { name?: string }).name ?? '';
  const message = (err as { message?: string }).message ?? '';
  // PoolClearedOnNetworkError: an operation cut off because the driver's heartbeat found the database silent;
  // DatabaseStalledError: given up by our own watch on the heartbeats (server/db/health.ts).
  return (
    /MongoServerSelectionError|MongoNetworkError|MongoNotConnectedError|MongoTopologyClosedError|MongoNetworkTimeoutError|MongoPoolClearedError|PoolClearedOnNetworkError|MongoPoolClosedError|MongoWaitQueueTimeoutError|MongoOperationTimeoutError|DatabaseStalledError/.test(
      name,
    ) || /buffering timed out|Client must be connected|connection .* closed|ECONNREFUSED/.test(message)
  );
}
