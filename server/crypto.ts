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
