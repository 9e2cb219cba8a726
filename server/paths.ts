// Absolute paths to the project's folders, the same whether running from TypeScript sources or from dist/.
import fs from 'node:fs';
import path from 'node:path';

function findRoot(start: string): string {
  let dir = start;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`package.json not found above ${start}`);
    dir = parent;
  }
  return dir;
}

export const rootDir = findRoot(__dirname);
export const viewsDir = path.join(rootDir, 'views');
export const publicDir = path.join(rootDir, 'public');
export const localesDir = path.join(rootDir, 'server', 'i18n', 'locales');
export const referenceDir = path.join(rootDir, 'server', 'reference');
export const cacheDir = path.join(rootDir, '.cache');
export const ferretToolDir = path.join(rootDir, 'tools', 'ferretdb');
