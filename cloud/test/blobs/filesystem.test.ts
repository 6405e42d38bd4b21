import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FilesystemBlobStore } from '../../src/blobs/index.js';
import { describeBlobStore } from './blob-store.suite.js';

const dirs: string[] = [];
const fresh = () => {
  const d = mkdtempSync(join(tmpdir(), 'blobs-'));
  dirs.push(d);
  return d;
};

describeBlobStore({
  name: 'the filesystem',
  open: () => Promise.resolve(new FilesystemBlobStore(fresh())),
  // its root is a file: nothing can be made under it
  down: () => {
    const file = join(fresh(), 'not-a-folder');
    writeFileSync(file, 'x');
    return new FilesystemBlobStore(file);
  },
  dispose: async () => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  },
});

describe('the filesystem store writes atomically', () => {
  it('leaves no temporary file behind, and sweeps ones a crash left', async () => {
    const root = fresh();
    const store = new FilesystemBlobStore(root);
    await store.put(`org/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}/crop/a.jpg`, Buffer.from('x'), 'image/jpeg');
    expect(readdirSync(join(root, '.tmp'))).toEqual([]);
    writeFileSync(join(root, '.tmp', 'left-by-a-crash'), 'half');
    expect(await store.sweepTemporary(Date.now())).toBe(0); // too young: a put may be writing it
    expect(await store.sweepTemporary(Date.now() + 2 * 3_600_000)).toBe(1);
    expect(readdirSync(join(root, '.tmp'))).toEqual([]);
  });

  it('refuses a path that is not a blob key', async () => {
    const store = new FilesystemBlobStore(fresh());
    await expect(store.put('org/../../etc/passwd.jpg', Buffer.from('x'), 'image/jpeg')).rejects.toThrow(/not a blob key/);
  });
});
