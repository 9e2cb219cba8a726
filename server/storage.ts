// Where uploaded documents live: a directory (default, DATA_DIR/uploads) or GridFS (several app instances on one
// MongoDB). Stored names are random; the name a person gave a file is only ever metadata.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';

export interface FileStore {
  readonly kind: 'fs' | 'gridfs';
  put(data: Buffer): Promise<string>;
  get(id: string): Promise<Buffer | null>;
  remove(id: string): Promise<void>;
}

const ID = /^[a-f0-9]{32}$/;
const newId = () => crypto.randomBytes(16).toString('hex');

export class FsStore implements FileStore {
  readonly kind = 'fs' as const;
  constructor(private readonly dir: string) {}

  async put(data: Buffer): Promise<string> {
    await fs.promises.mkdir(this.dir, { recursive: true });
    const id = newId();
    await fs.promises.writeFile(path.join(this.dir, id), data, { mode: 0o600, flag: 'wx' });
    return id;
  }

  async get(id: string): Promise<Buffer | null> {
    if (!ID.test(id)) return null;
    try {
      return await fs.promises.readFile(path.join(this.dir, id));
    } catch {
      return null;
    }
  }

  async remove(id: string): Promise<void> {
    if (ID.test(id)) await fs.promises.rm(path.join(this.dir, id), { force: true });
  }
}

export class GridFsStore implements FileStore {
  readonly kind = 'gridfs' as const;
  private bucket() {
    return new mongoose.mongo.GridFSBucket(mongoose.connection.db!, { bucketName: 'uploads' });
  }

  async put(data: Buffer): Promise<string> {
    const id = newId();
    await new Promise<void>((resolve, reject) => {
      const stream = this.bucket().openUploadStream(id);
      stream.once('finish', () => resolve());
      stream.once('error', reject);
      stream.end(data);
    });
    return id;
  }

  async get(id: string): Promise<Buffer | null> {
    if (!ID.test(id)) return null;
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of this.bucket().openDownloadStreamByName(id)) chunks.push(chunk as Buffer);
    } catch {
      return null;
    }
    return Buffer.concat(chunks);
  }

  async remove(id: string): Promise<void> {
    const files = await this.bucket().find({ filename: id }).toArray();
    for (const f of files) await this.bucket().delete(f._id);
  }
}

export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;

/** The type a file really is, from its first bytes: PDF, JPEG or PNG; anything else is refused. */
export function sniff(data: Buffer): 'application/pdf' | 'image/jpeg' | 'image/png' | null {
  if (data.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  if (data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  return null;
}

/** A display name: no directories, no control characters, bounded length. */
export function cleanName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const printable = [...base].filter((ch) => ch.charCodeAt(0) >= 0x20 && ch.charCodeAt(0) !== 0x7f).join('');
  return printable.trim().slice(0, 120) || 'file';
}
