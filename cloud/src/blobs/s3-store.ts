import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { BlobStoreUnavailable, type BlobInfo, type BlobStore } from './store.js';
import type { S3Config } from './config.js';

const missing = (e: unknown) => e instanceof S3ServiceException && (e.name === 'NoSuchKey' || e.$metadata.httpStatusCode === 404);
const why = (e: unknown) =>
  e instanceof S3ServiceException ? `${e.name} (HTTP ${e.$metadata.httpStatusCode ?? '?'})` : (e as Error).message;

/**
 * Blobs in one S3 bucket (AWS, MinIO or any S3-compatible store). A PutObject is whole or
 * nothing on S3's side; a store that does not answer is given up on quickly (two tries, a short
 * connect timeout) so an upload answers 503 instead of hanging.
 */
export class S3BlobStore implements BlobStore {
  readonly backend = 's3' as const;
  private readonly s3: S3Client;
  private readonly bucket: string;
  private readonly where: string;

  constructor(c: S3Config) {
    this.bucket = c.bucket!;
    this.where = `s3 ${c.endpoint ?? 'aws'} bucket ${this.bucket}`;
    this.s3 = new S3Client({
      region: c.region,
      ...(c.endpoint ? { endpoint: c.endpoint } : {}),
      forcePathStyle: c.forcePathStyle,
      ...(c.accessKeyId && c.secretAccessKey ? { credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey } } : {}),
      maxAttempts: 2,
      requestHandler: { connectionTimeout: c.connectTimeoutMs, requestTimeout: c.requestTimeoutMs },
    });
  }

  async put(key: string, body: Buffer, contentType: string): Promise<BlobInfo> {
    try {
      await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }));
    } catch (e) {
      throw new BlobStoreUnavailable(`${this.where}: ${why(e)}`);
    }
    return { key, size: body.length, lastModified: new Date() };
  }

  async get(key: string) {
    try {
      const response = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        info: { key, size: response.ContentLength ?? 0, lastModified: response.LastModified ?? new Date(0) },
        body: response.Body as Readable,
      };
    } catch (e) {
      if (missing(e)) return undefined;
      throw new BlobStoreUnavailable(`${this.where}: ${why(e)}`, 'read');
    }
  }

  async delete(key: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async *list(prefix: string): AsyncIterable<BlobInfo> {
    let token: string | undefined;
    do {
      const page = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }));
      for (const entry of page.Contents ?? [])
        if (entry.Key) yield { key: entry.Key, size: entry.Size ?? 0, lastModified: entry.LastModified ?? new Date(0) };
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async orgs(): Promise<string[]> {
    const out: string[] = [];
    let token: string | undefined;
    do {
      const response = await this.s3.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: 'org/', Delimiter: '/', ContinuationToken: token }),
      );
      for (const commonPrefix of response.CommonPrefixes ?? []) {
        const id = commonPrefix.Prefix?.slice(4, -1);
        if (id && /^[0-9a-f-]{36}$/.test(id)) out.push(id);
      }
      token = response.IsTruncated ? response.NextContinuationToken : undefined;
    } while (token);
    return out;
  }

  signedUrl(key: string, seconds: number): Promise<string> {
    return getSignedUrl(this.s3, new GetObjectCommand({ Bucket: this.bucket, Key: key }), { expiresIn: seconds });
  }

  async check(): Promise<void> {
    try {
      await this.s3.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (e) {
      throw new Error(`${this.where}: ${why(e)}`);
    }
  }

  close(): void {
    this.s3.destroy();
  }
}
