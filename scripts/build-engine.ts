// Builds (once) the embedded FerretDB binary that local mode and the tests use; a no-op when it is cached.
import { ensureFerretBinary } from '../server/db/embedded';

ensureFerretBinary((message) => process.stdout.write(`${message}\n`))
  .then((binary) => process.stdout.write(`Embedded database engine ready: ${binary}\n`))
  .catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
