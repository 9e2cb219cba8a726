import fs from 'node:fs';
import type { EmbeddedDatabase } from '../../server/db/embedded';

export default async function globalTeardown(): Promise<void> {
  const handle = (globalThis as Record<string, unknown>).__TB_DB__ as
    { db: EmbeddedDatabase; dataDir: string } | undefined;
  if (!handle) return;
  await handle.db.stop();
  fs.rmSync(handle.dataDir, { recursive: true, force: true });
}
