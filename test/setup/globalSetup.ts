// Starts the real embedded database once for the whole run (the same launcher as `npm start`, always FerretDB so
// that tests see the engine CI sees), unless TEST_MONGODB_URI names a server; each test file then uses a database of
// its own on it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedDatabase } from '../../server/db/embedded';

export default async function globalSetup(): Promise<void> {
  // A MongoDB of the tester's own (e.g. to check index plans): each test file still gets a database of its own.
  if (process.env.TEST_MONGODB_URI) {
    process.stdout.write(
      `Testing against TEST_MONGODB_URI (${process.env.TEST_MONGODB_URI.replace(/\/\/[^@]*@/, '//')})\n`,
    );
    return;
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'teachbridge-test-'));
  const db = await startEmbeddedDatabase({
    dataDir,
    preferFerret: true,
    log: (m) => process.stdout.write(`${m}\n`),
  });
  process.env.TEST_MONGODB_URI = db.uri;
  (globalThis as Record<string, unknown>).__TB_DB__ = { db, dataDir };
}
