import { z } from 'zod';
import { BLOB_KINDS, type BlobKind } from './keys.js';

const days = (d: number | null) =>
  z
    .number()
    .int()
    .min(1)
    .max(36_500)
    .nullable()
    .default(d)
    .describe(d === null ? 'days a blob is kept; null: for ever' : `days a blob is kept (default ${d}); null: for ever`);

const s3Schema = z
  .object({
    /** absent: AWS itself; set for MinIO, Ceph, R2… (http(s)://host:port) */
    endpoint: z.url({ protocol: /^https?$/ }).optional(),
    region: z.string().min(1).default('us-east-1'),
    bucket: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'expected an S3 bucket name: 3-63 of a-z 0-9 . -')
      .optional(),
    /** MinIO and most self-hosted stores want path-style URLs (endpoint/bucket/key) */
    forcePathStyle: z.boolean().default(false),
    /** absent: the SDK's own chain (environment, instance role) */
    accessKeyId: z.string().min(1).optional(),
    secretAccessKey: z.string().min(1).optional(),
    connectTimeoutMs: z.number().int().min(100).max(60_000).default(3000),
    requestTimeoutMs: z.number().int().min(500).max(600_000).default(30_000),
    /** > 0: GET /blobs answers a redirect to a URL signed for this long; 0: the cloud streams the blob itself */
    signedUrlSeconds: z.number().int().min(0).max(3600).default(0),
  })
  .strict()
  .prefault({});

/** `blobs` in the cloud config: where files go and how long each kind is kept. */
export const blobsConfigSchema = z
  .object({
    backend: z.enum(['filesystem', 's3']).default('filesystem').describe('filesystem: under dataDir/blobs; s3: the bucket below'),
    s3: s3Schema,
    retentionDays: z
      .object({
        snapshot: days(30),
        // a shelf photo is dropped once counted; this only catches one whose job never ran
        photo: days(7),
        crop: days(null),
        invoice: days(null),
        'purchase-order': days(null),
      } satisfies Record<BlobKind, unknown>)
      .strict()
      .prefault({}),
    retentionCheckMinutes: z.number().int().min(1).max(10_080).default(360),
  })
  .strict()
  .prefault({})
  .superRefine((b, ctx) => {
    if (b.backend !== 's3') return;
    if (!b.s3.bucket) ctx.addIssue({ code: 'custom', path: ['s3', 'bucket'], message: 'required when blobs.backend is s3' });
    if (!!b.s3.accessKeyId !== !!b.s3.secretAccessKey)
      ctx.addIssue({
        code: 'custom',
        path: ['s3', b.s3.accessKeyId ? 'secretAccessKey' : 'accessKeyId'],
        message: 'give accessKeyId and secretAccessKey together, or neither (the SDK then finds credentials itself)',
      });
  });

export type BlobsConfig = z.infer<typeof blobsConfigSchema>;
export type S3Config = BlobsConfig['s3'];
export const retentionKinds = (c: BlobsConfig) =>
  BLOB_KINDS.flatMap((k) => (c.retentionDays[k] === null ? [] : [{ kind: k, days: c.retentionDays[k] }]));

/** Environment variables of object storage, merged into CLOUD_ENV. */
export const BLOBS_ENV = {
  BLOB_BACKEND: 'blobs.backend',
  S3_ENDPOINT: 'blobs.s3.endpoint',
  S3_REGION: 'blobs.s3.region',
  S3_BUCKET: 'blobs.s3.bucket',
  S3_FORCE_PATH_STYLE: 'blobs.s3.forcePathStyle',
  S3_ACCESS_KEY_ID: 'blobs.s3.accessKeyId',
  S3_SECRET_ACCESS_KEY: 'blobs.s3.secretAccessKey',
  S3_SIGNED_URL_SECONDS: 'blobs.s3.signedUrlSeconds',
  BLOB_SNAPSHOT_RETENTION_DAYS: 'blobs.retentionDays.snapshot',
  BLOB_PHOTO_RETENTION_DAYS: 'blobs.retentionDays.photo',
  BLOB_CROP_RETENTION_DAYS: 'blobs.retentionDays.crop',
  BLOB_INVOICE_RETENTION_DAYS: 'blobs.retentionDays.invoice',
  BLOB_PURCHASE_ORDER_RETENTION_DAYS: 'blobs.retentionDays.purchase-order',
} as const;
