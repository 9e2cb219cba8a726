// Where rendered email goes: SMTP (production, tests) or, in local mode, JSON files under DATA_DIR/mail that
// /dev/mailbox shows.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  headers?: Record<string, string>;
  attachments?: { filename: string; content: string; contentType: string }[];
}

export interface MailTransport {
  readonly kind: 'smtp' | 'mailbox';
  send(mail: OutgoingMail): Promise<{ response: string }>;
  close(): void;
}

/** A failure the SMTP server says is final (5xx): retrying will not help. */
export function isPermanentMailError(err: unknown): boolean {
  const code = (err as { responseCode?: unknown })?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

export function createSmtpTransport(url: string): MailTransport {
  const transporter = nodemailer.createTransport(url, {
    // Shorter than the worker's lease, so a hung server cannot outlive the claim.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return {
    kind: 'smtp',
    async send(mail) {
      const info = await transporter.sendMail(mail);
      return { response: String(info.response ?? '') };
    },
    close: () => transporter.close(),
  };
}

export interface StoredMail extends OutgoingMail {
  id: string;
  date: string;
}

export function createMailboxTransport(dir: string): MailTransport {
  return {
    kind: 'mailbox',
    async send(mail) {
      await fs.promises.mkdir(dir, { recursive: true });
      const id = `${Date.now()}-${crypto.randomBytes(4).toString('hex')}`;
      const stored: StoredMail = { ...mail, id, date: new Date().toISOString() };
      await fs.promises.writeFile(path.join(dir, `${id}.json`), JSON.stringify(stored, null, 2));
      return { response: `stored ${id}` };
    },
    close: () => {},
  };
}

export async function listMailbox(dir: string): Promise<StoredMail[]> {
  let files: string[];
  try {
    files = await fs.promises.readdir(dir);
  } catch {
    return [];
  }
  const mails = await Promise.all(
    files
      .filter((f) => /^[\w-]+\.json$/.test(f))
      .map(async (f) => JSON.parse(await fs.promises.readFile(path.join(dir, f), 'utf8')) as StoredMail),
  );
  return mails.sort((a, b) => b.id.localeCompare(a.id));
}

export async function readMailbox(dir: string, id: string): Promise<StoredMail | undefined> {
  if (!/^[\w-]+$/.test(id)) return undefined; // the id becomes a file name: no path characters
  try {
    return JSON.parse(await fs.promises.readFile(path.join(dir, `${id}.json`), 'utf8')) as StoredMail;
  } catch {
    return undefined;
  }
}
