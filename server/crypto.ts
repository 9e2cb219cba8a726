// Protection of sensitive personal information at rest (PIPL): AES-256-GCM encryption with a key from config, and
// a keyed hash (HMAC-SHA-256) so equal values can be found without decrypting.
import crypto from 'node:crypto';

export class FieldCipher {
  private readonly key: Buffer;
  private readonly hashKey: Buffer;

  constructor(secret: string) {
    // Two independent keys derived from one configured secret.
    this.key = crypto.createHash('sha256').update(`enc:${secret}`).digest();
    this.hashKey = crypto.createHash('sha256').update(`mac:${secret}`).digest();
  }

  /** `v1.<iv>.<tag>.<ciphertext>`, base64url. */
  encrypt(plain: string): string {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), data]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  decrypt(sealed: string): string {
    const [version, iv, tag, data] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || data === undefined) throw new Error('Unknown ciphertext format');
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  }

  hash(value: string): string {
    return crypto.createHmac('sha256', this.hashKey).update(value).digest('hex');
  }
}

/**
 * Links that work without signing in (unsubscribe, check-ins, mentors, campus drives) carry an HMAC of
 * `<purpose>:<id>`; `length` shortens it for links printed on posters or typed by hand.
 */
export function linkSignature(secret: string, purpose: string, id: string, length?: number): string {
  const full = crypto.createHmac('sha256', secret).update(`${purpose}:${id}`).digest('base64url');
  return length ? full.slice(0, length) : full;
}

/** Whether `signature` is the link signature of `<purpose>:<id>`, compared in constant time. */
export function isLinkSignature(secret: string, purpose: string, id: string, signature: string, length?: number) {
  const expected = Buffer.from(linkSignature(secret, purpose, id, length));
  const given = Buffer.from(signature);
  return expected.length === given.length && crypto.timingSafeEqual(expected, given);
}
