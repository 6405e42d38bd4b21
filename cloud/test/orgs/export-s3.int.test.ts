/**
 * The organisation export's tar on S3, through moto (python3 -m moto.server): the files stream from
 * the bucket. In the integration suite, since a machine with only Node has no moto.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { blobKey } from '../../src/blobs/index.js';
import { startMoto, type Moto } from '../../../e2e/src/moto.js';
import { build, type TestCloud } from '../support/cloud.js';

describe('the organisation export with its files on S3 (moto)', () => {
  let moto: Moto;
  let t: TestCloud;

  beforeAll(async () => {
    moto = await startMoto();
    const bucket = `export-${randomBytes(4).toString('hex')}`;
    const s3 = new S3Client({ region: 'us-east-1', endpoint: moto.url, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    s3.destroy();
    t = await build({
      blobs: {
        backend: 's3',
        s3: { endpoint: moto.url, bucket, region: 'us-east-1', forcePathStyle: true, accessKeyId: 'testing', secretAccessKey: 'testing' },
      },
    });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await moto?.stop();
  });

  it('streams every file of the organisation from the bucket into the tar, byte for byte', { timeout: 60_000 }, async () => {
    const org = t.demo.orgId;
    const files = [
      { key: blobKey(org, 'snapshot', ['edge-1', 'cam-1'], 'jpg'), body: randomBytes(300_001) },
      { key: blobKey(org, 'invoice', [], 'pdf'), body: Buffer.from('%PDF-1.4 an invoice') },
    ];
    for (const f of files) await t.cloud.blobs.put(f.key, f.body, 'application/octet-stream');
    const started = await t.api('POST', '/api/v1/organisation/exports', { token: t.ownerToken });
    let status = started.body;
    while (status.status !== 'done' && status.status !== 'failed') {
      await new Promise((r) => setTimeout(r, 100));
      status = (await t.api('GET', `/api/v1/organisation/exports/${started.body.id}`, { token: t.ownerToken })).body;
    }
    expect(status).toMatchObject({ status: 'done', files: 2, fileBytes: 300_001 + files[1]!.body.length });
    const res = await fetch(`${t.cloud.url}/api/v1/organisation/exports/${started.body.id}/download?format=tar`, {
      headers: { authorization: `Bearer ${t.ownerToken}` },
    });
    expect(res.status).toBe(200);
    const dir = mkdtempSync(join(tmpdir(), 'export-s3-'));
    writeFileSync(join(dir, 'export.tar'), Buffer.from(await res.arrayBuffer()));
    execFileSync('tar', ['-xf', 'export.tar'], { cwd: dir });
    for (const f of files) expect(readFileSync(join(dir, `files/${f.key.slice(`org/${org}/`.length)}`)).equals(f.body)).toBe(true);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { files: { key: string }[] };
    expect(manifest.files.map((f) => f.key).sort()).toEqual(files.map((f) => f.key).sort());
  });
});
