import crypto from 'node:crypto';

/** A URL-safe secret of 256 bits for links sent by email. */
export function newSecret(): string {
  return crypto.randomBytes(32).toString('base64url');
}

/** Tokens are stored by hash only: a database leak does not leak working links. */
export function hashSecret(secret: string): string {
  return crypto.createHash('sha256').update(secret).digest('hex');
}
