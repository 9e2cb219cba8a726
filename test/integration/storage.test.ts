import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FsStore, GridFsStore, sniff, cleanName, type FileStore } from '../../server/storage';
import { useDatabase } from '../helpers/app';

useDatabase();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'teachbridge-store-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe.each<[string, () => FileStore]>([
  ['the file-system store', () => new FsStore(dir)],
  ['GridFS (for several instances on one MongoDB)', () => new GridFsStore()],
])('%s', (_name, make) => {
  it('stores under a random name, gives back the same bytes, and forgets on removal', async () => {
    const store = make();
    const data = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(300_000, 7)]);
    const id = await store.put(data);
    expect(id).toMatch(/^[a-f0-9]{32}$/);
    expect((await store.get(id))?.equals(data)).toBe(true);
    expect(await store.get('../../etc/passwd')).toBeNull();
    await store.remove(id);
    expect(await store.get(id)).toBeNull();
  });
});

describe('file checks', () => {
  it.each([
    [Buffer.from('%PDF-1.4 rest'), 'application/pdf'],
    [Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]), 'image/jpeg'],
    [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]), 'image/png'],
    [Buffer.from('<!doctype html><script>'), null],
    [Buffer.from('GIF89a'), null],
    [Buffer.alloc(0), null],
  ])('sniffs %#', (data, type) => {
    expect(sniff(data)).toBe(type);
  });

  it('keeps only a harmless display name', () => {
    expect(cleanName('../../etc/passwd')).toBe('passwd');
    expect(cleanName('C:\\\\Users\\\\me\\\\简历.pdf')).toBe('简历.pdf');
    expect(cleanName('a\u0000b\r\n.pdf')).toBe('ab.pdf');
    expect(cleanName('')).toBe('file');
  });
});
