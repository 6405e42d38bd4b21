import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { BlobsConfig } from './config.js';
import { FilesystemBlobStore } from './fs-store.js';
import { S3BlobStore } from './s3-store.js';
import type { BlobStore } from './store.js';
import blobRoutes, { type BlobsModuleOptions } from './routes.js';

export { blobsConfigSchema, BLOBS_ENV, type BlobsConfig, type S3Config } from './config.js';
export { BLOB_KINDS, blobKey, kindPrefix, parseKey, type BlobExt, type BlobKind, type ParsedKey } from './keys.js';
export { BlobStoreUnavailable, readBlob, type BlobInfo, type BlobStore } from './store.js';
export { FilesystemBlobStore } from './fs-store.js';
export { S3BlobStore } from './s3-store.js';
export { BlobRetention, BLOB_RETENTION } from './retention.js';
export type { BlobsModuleOptions } from './routes.js';

/** The configured store: S3 when blobs.backend is s3, else files under dataDir/blobs. */
export function createBlobStore(c: BlobsConfig, dataDir: string): BlobStore {
  return c.backend === 's3' ? new S3BlobStore(c.s3) : new FilesystemBlobStore(join(dataDir, 'blobs'));
}

/**
 * Puts the blob, then runs write (the database rows that name it). When write fails the blob is
 * deleted again, so no row ever names a missing blob and a failed request leaves nothing behind.
 */
export async function withBlob<T>(store: BlobStore, key: string, body: Buffer, contentType: string, write: () => Promise<T>): Promise<T> {
  await store.put(key, body, contentType);
  try {
    return await write();
  } catch (e) {
    await store.delete(key).catch(() => undefined);
    throw e;
  }
}

/** Every blob of an organisation (its deletion). */
export async function deleteOrgBlobs(store: BlobStore, orgId: string): Promise<number> {
  let n = 0;
  for await (const b of store.list(`org/${orgId}/`)) {
    await store.delete(b.key);
    n++;
  }
  return n;
}

/** /blobs: a stored file of the caller's organisation. */
export async function blobsModule(app: FastifyInstance, options: BlobsModuleOptions): Promise<void> {
  await app.register(blobRoutes, options);
}
