/**
 * The blob store's one suite on S3, through moto (python3 -m moto.server): in the integration
 * suite, since a machine with only Node has no moto.
 */
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { blobsConfigSchema, S3BlobStore } from '../../src/blobs/index.js';
import { startMoto, type Moto } from '../../../e2e/src/moto.js';
import { describeBlobStore } from './blob-store.suite.js';

let moto: Moto | undefined;
const s3 = (endpoint: string, bucket: string) =>
  blobsConfigSchema.parse({
    backend: 's3',
    s3: {
      endpoint,
      bucket,
      region: 'us-east-1',
      forcePathStyle: true,
      accessKeyId: 'testing',
      secretAccessKey: 'testing',
      connectTimeoutMs: 500,
    },
  }).s3;

describeBlobStore({
  name: 'S3 (moto)',
  open: async () => {
    moto = await startMoto();
    const bucket = `blobs-${randomBytes(4).toString('hex')}`;
    const admin = new S3Client({
      region: 'us-east-1',
      endpoint: moto.url,
      forcePathStyle: true,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    await admin.send(new CreateBucketCommand({ Bucket: bucket }));
    admin.destroy();
    const store = new S3BlobStore(s3(moto.url, bucket));
    await store.check();
    return store;
  },
  // a port nothing listens on
  down: () => new S3BlobStore(s3('http://127.0.0.1:9', 'blobs-down')),
  dispose: async () => {
    await moto?.stop();
  },
});
