import type { Readable } from 'node:stream';
import { AppError } from '../errors.js';

export interface BlobInfo {
  key: string;
  size: number;
  lastModified: Date;
}

/**
 * One object store for the cloud's files (snapshots, shelf photos, correction crops, invoices,
 * purchase-order PDFs): the filesystem under DATA_DIR when embedded, S3 (or MinIO…) in production.
 * Keys come from blobKey() and carry the organisation; callers check it before reading.
 */
export interface BlobStore {
  readonly backend: 'filesystem' | 's3';
  /** Whole or nothing: a reader never sees part of a blob, and a failed put leaves none. Throws BlobStoreUnavailable. */
  put(key: string, body: Buffer, contentType: string): Promise<BlobInfo>;
  /** undefined: no such blob. The stream is the caller's to consume or destroy. */
  get(key: string): Promise<{ info: BlobInfo; body: Readable } | undefined>;
  /** Absent already is fine. */
  delete(key: string): Promise<void>;
  /** Every blob whose key starts with prefix, in no promised order. */
  list(prefix: string): AsyncIterable<BlobInfo>;
  /** The organisations that have any blob (for retention). */
  orgs(): Promise<string[]>;
  /** A short-lived URL a browser can fetch the blob from directly; undefined where the backend has none (the API streams). */
  signedUrl(key: string, seconds: number): Promise<string | undefined>;
  /** Whether the store answers (start-up logs it; never fatal). */
  check(): Promise<void>;
  close(): void;
}

/** The store cannot be reached or refused: a write stored nothing. The API answers 503; detail goes to the log only. */
export class BlobStoreUnavailable extends AppError {
  constructor(
    readonly detail: string,
    op: 'write' | 'read' = 'write',
  ) {
    super(
      503,
      'blob_store_unavailable',
      op === 'write'
        ? 'object storage is unavailable: nothing was stored; try again shortly'
        : 'object storage is unavailable; try again shortly',
    );
  }
}

/** get() collected into one Buffer, for what is small (a crop, a photo). */
export async function readBlob(store: BlobStore, key: string): Promise<Buffer | undefined> {
  const got = await store.get(key);
  if (!got) return undefined;
  const chunks: Buffer[] = [];
  for await (const c of got.body) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}
