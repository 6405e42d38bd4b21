import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { BlobStoreUnavailable, type BlobInfo, type BlobStore } from './store.js';
import { parseKey } from './keys.js';

const code = (e: unknown) => (e as NodeJS.ErrnoException).code;

/**
 * Blobs as files under root (DATA_DIR/blobs when embedded). A put writes a temporary file in
 * root/.tmp, flushes it and renames it into place, so a reader or a crash never leaves half a blob
 * under its key; the rename is atomic because both sit on one filesystem.
 */
export class FilesystemBlobStore implements BlobStore {
  readonly backend = 'filesystem' as const;
  private readonly tmp: string;

  constructor(private readonly root: string) {
    this.tmp = join(root, '.tmp');
  }

  private path(key: string): string {
    // keys are checked by pattern before they touch a path: no '..', no leading dot, no backslash
    if (!parseKey(key)) throw new Error(`not a blob key: ${key}`);
    return join(this.root, ...key.split('/'));
  }

  /** The content type follows from the key's extension, so none is stored beside the file. */
  async put(key: string, body: Buffer, _contentType?: string): Promise<BlobInfo> {
    const path = this.path(key);
    const tmp = join(this.tmp, randomUUID());
    try {
      await mkdir(this.tmp, { recursive: true });
      await mkdir(dirname(path), { recursive: true });
      const f = await open(tmp, 'wx', 0o600);
      try {
        await f.writeFile(body);
        await f.sync();
      } finally {
        await f.close();
      }
      await rename(tmp, path);
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw new BlobStoreUnavailable(`filesystem ${this.root}: ${(e as Error).message}`);
    }
    return { key, size: body.length, lastModified: new Date() };
  }

  async get(key: string) {
    const path = this.path(key);
    let stats;
    try {
      stats = await stat(path);
    } catch (err) {
      if (code(err) === 'ENOENT') return undefined;
      throw new BlobStoreUnavailable(`filesystem ${this.root}: ${(err as Error).message}`, 'read');
    }
    return { info: { key, size: stats.size, lastModified: stats.mtime }, body: createReadStream(path) };
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  async *list(prefix: string): AsyncIterable<BlobInfo> {
    // the deepest folder the prefix names whole; the rest of it filters names below
    const cut = prefix.lastIndexOf('/');
    const start = join(
      this.root,
      ...prefix
        .slice(0, cut + 1)
        .split('/')
        .filter(Boolean),
    );
    for await (const path of walk(start)) {
      const key = relative(this.root, path).split(sep).join('/');
      if (!key.startsWith(prefix) || !parseKey(key)) continue;
      const stats = await stat(path).catch(() => undefined);
      if (stats) yield { key, size: stats.size, lastModified: stats.mtime };
    }
  }

  async orgs(): Promise<string[]> {
    return (await readdir(join(this.root, 'org')).catch(() => [] as string[])).filter((dir) => /^[0-9a-f-]{36}$/.test(dir));
  }

  signedUrl(): Promise<undefined> {
    return Promise.resolve(undefined);
  }

  async check(): Promise<void> {
    await mkdir(this.tmp, { recursive: true });
  }

  /** Temporary files a crash left behind (older than an hour: a put in flight is never taken). */
  async sweepTemporary(now = Date.now()): Promise<number> {
    let n = 0;
    for (const name of await readdir(this.tmp).catch(() => [] as string[])) {
      const stats = await stat(join(this.tmp, name)).catch(() => undefined);
      if (
        stats &&
        now - stats.mtimeMs > 3_600_000 &&
        (await unlink(join(this.tmp, name)).then(
          () => true,
          () => false,
        ))
      )
        n++;
    }
    return n;
  }

  close(): void {}
}

async function* walk(dir: string): AsyncIterable<string> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((e: unknown) => {
    if (code(e) === 'ENOENT' || code(e) === 'ENOTDIR') return [];
    throw e;
  });
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) yield* walk(path);
    else if (e.isFile()) yield path;
  }
}
