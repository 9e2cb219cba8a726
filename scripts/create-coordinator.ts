// npm run create-coordinator -- --email a@b.cn --name "王协调" [--scope 1310]
// The password is read from stdin (piped) or prompted without echo; never a flag, so it stays out of shell history.
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import mongoose from 'mongoose';
import { z } from 'zod';
import { Passwords } from '../server/auth/passwords';
import { loadConfig } from '../server/config';
import { connectDatabase, ensureIndexes } from '../server/db/connect';
import { startEmbeddedDatabase } from '../server/db/embedded';
import { isDuplicateKey } from '../server/errors';
import { isHebeiUnit } from '../server/services/regions';
import { User } from '../models/User';

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  }
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  process.stdout.write('Password (not shown): ');
  const rlAny = rl as unknown as { _writeToOutput: (s: string) => void };
  rlAny._writeToOutput = () => {};
  const answer = await new Promise<string>((resolve) => rl.question('', resolve));
  rl.close();
  process.stdout.write('\n');
  return answer;
}

async function main() {
  const { values } = parseArgs({
    options: { email: { type: 'string' }, name: { type: 'string' }, scope: { type: 'string' } },
  });
  const input = z
    .object({
      email: z.email(),
      name: z.string().trim().min(1),
      scope: z
        .string()
        .optional()
        .refine((s) => s === undefined || isHebeiUnit(s), 'unknown Hebei unit code'),
    })
    .safeParse(values);
  if (!input.success) {
    process.stderr.write(
      `Usage: npm run create-coordinator -- --email <email> --name <name> [--scope <Hebei unit code>]\n${input.error.message}\n`,
    );
    process.exit(2);
  }
  const password = await readPassword();
  if (password.length < 10) {
    process.stderr.write('The password must have at least 10 characters.\n');
    process.exit(2);
  }
  const config = loadConfig();
  const embedded = config.mongodbUri
    ? undefined
    : await startEmbeddedDatabase({ dataDir: path.join(config.dataDir, 'db') });
  try {
    await connectDatabase(config.mongodbUri ?? embedded!.uri, config.mongodbUri ? undefined : 'teachbridge');
    await ensureIndexes();
    await User.create({
      email: input.data.email.toLowerCase(),
      name: input.data.name,
      role: 'coordinator',
      passwordHash: await new Passwords(config.argon2).hash(password),
      emailVerifiedAt: new Date(),
      scopeUnit: input.data.scope ?? null,
    });
    process.stdout.write(
      `Coordinator ${input.data.email} created${input.data.scope ? ` for unit ${input.data.scope}` : ' for the whole region'}.\n`,
    );
  } catch (err) {
    if (isDuplicateKey(err)) {
      process.stderr.write(`An account with ${input.data.email} already exists.\n`);
      process.exitCode = 1;
    } else throw err;
  } finally {
    await mongoose.disconnect();
    await embedded?.stop();
  }
}

void main();
