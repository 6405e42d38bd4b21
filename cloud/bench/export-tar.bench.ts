/**
 * The organisation export's tar streams its files from the blob store one at a time: this prints
 * how far the process's memory rises while a large export (default 400 files of 1 MB on the
 * filesystem store) is written to a sink that only counts bytes. `tsx cloud/bench/export-tar.bench.ts [files] [mb]`
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { blobKey, FilesystemBlobStore } from '../src/blobs/index.js';
import { tarStream, type TarEntry } from '../src/orgs/tar.js';

const files = Number(process.argv[2] ?? 400);
const mb = Number(process.argv[3] ?? 1);
const dir = mkdtempSync(join(tmpdir(), 'export-bench-'));
const store = new FilesystemBlobStore(dir);
const org = randomUUID();
const chunk = randomBytes(mb * 1024 * 1024);
const keys: string[] = [];
for (let i = 0; i < files; i++) {
  const key = blobKey(org, 'snapshot', ['edge-1', 'cam-1'], 'jpg');
  await store.put(key, chunk, 'image/jpeg');
  keys.push(key);
}
global.gc?.();
const before = process.memoryUsage().rss;
let peak = before;
const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
async function* entries(): AsyncGenerator<TarEntry> {
  for (const key of keys) {
    const got = (await store.get(key))!;
    yield { path: `files/${key}`, size: got.info.size, body: got.body };
  }
}
let bytes = 0;
const started = performance.now();
await pipeline(
  Readable.from(tarStream(entries())),
  new Writable({
    write(c: Buffer, _e, done) {
      bytes += c.length;
      done();
    },
  }),
);
clearInterval(timer);
peak = Math.max(peak, process.memoryUsage().rss);
const seconds = (performance.now() - started) / 1000;
console.log(`export tar: ${files} files × ${mb} MB = ${(bytes / 1024 ** 2).toFixed(0)} MB archive in ${seconds.toFixed(2)} s`);
console.log(
  `memory: rss ${(before / 1024 ** 2).toFixed(0)} MB before, peak ${(peak / 1024 ** 2).toFixed(0)} MB (+${((peak - before) / 1024 ** 2).toFixed(0)} MB)`,
);
rmSync(dir, { recursive: true, force: true });
