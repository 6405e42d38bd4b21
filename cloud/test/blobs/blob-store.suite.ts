import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@smartstock/runtime';
import {
  BlobRetention,
  BlobStoreUnavailable,
  blobKey,
  blobsConfigSchema,
  kindPrefix,
  readBlob,
  withBlob,
  type BlobStore,
} from '../../src/blobs/index.js';
import type { JobQueue } from '../../src/jobs/index.js';

export interface BlobStoreFactory {
  name: string;
  /** a fresh, empty store */
  open(): Promise<BlobStore>;
  /** the same backend pointed at a store that cannot be reached */
  down(): BlobStore;
  dispose(): Promise<void>;
}

const DAY = 86_400_000;
const keysOf = async (store: BlobStore, prefix: string) => {
  const out: string[] = [];
  for await (const b of store.list(prefix)) out.push(b.key);
  return out.sort();
};

/** The contract every BlobStore keeps; run on the filesystem (npm test) and on S3 through moto (test:integration). */
export function describeBlobStore(f: BlobStoreFactory) {
  describe(`BlobStore on ${f.name}`, () => {
    let store: BlobStore;
    const orgA = randomUUID();
    const orgB = randomUUID();
    beforeAll(async () => {
      store = await f.open();
    });
    afterAll(async () => {
      store?.close();
      await f.dispose();
    });

    it('puts and gets back the same bytes, size and time; a missing key is undefined', async () => {
      const key = blobKey(orgA, 'snapshot', ['edge-1', 'cam-1'], 'jpg');
      const body = Buffer.from([0xff, 0xd8, 1, 2, 3, 0, 255]);
      const before = Date.now() - 2000;
      expect(await store.put(key, body, 'image/jpeg')).toMatchObject({ key, size: body.length });
      const got = await store.get(key);
      expect(got?.info.size).toBe(body.length);
      expect(got?.info.lastModified.getTime()).toBeGreaterThanOrEqual(before - 1000);
      got?.body.destroy();
      expect(await readBlob(store, key)).toEqual(body);
      expect(await store.get(blobKey(orgA, 'snapshot', ['edge-1'], 'jpg'))).toBeUndefined();
    });

    it('a second put replaces the blob whole; a 3 MB one streams back intact', async () => {
      const key = blobKey(orgA, 'photo', [], 'png', 'same');
      await store.put(key, Buffer.alloc(5000, 1), 'image/png');
      const big = Buffer.alloc(3 * 1024 * 1024);
      for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
      await store.put(key, big, 'image/png');
      expect((await readBlob(store, key))?.equals(big)).toBe(true);
    });

    it("lists by prefix: one organisation's kind never shows another's", async () => {
      const a = blobKey(orgA, 'crop', [], 'jpg', 'a1');
      const b = blobKey(orgB, 'crop', [], 'jpg', 'b1');
      const pdf = blobKey(orgA, 'purchase-order', ['po-1'], 'pdf', 'PO-1');
      for (const k of [a, b, pdf]) await store.put(k, Buffer.from(k), 'application/octet-stream');
      expect(await keysOf(store, kindPrefix(orgA, 'crop'))).toEqual([a]);
      expect(await keysOf(store, kindPrefix(orgB, 'crop'))).toEqual([b]);
      expect(await keysOf(store, `org/${orgA}/purchase-order/po-1/`)).toEqual([pdf]);
      expect((await store.orgs()).sort()).toEqual([orgA, orgB].sort());
    });

    it('deletes; deleting what is gone is fine', async () => {
      const key = blobKey(orgB, 'invoice', [], 'pdf');
      await store.put(key, Buffer.from('%PDF-1.4'), 'application/pdf');
      await store.delete(key);
      expect(await store.get(key)).toBeUndefined();
      await expect(store.delete(key)).resolves.toBeUndefined();
    });

    it('retention deletes only what is past its kind’s period, in that organisation', async () => {
      const org = randomUUID();
      const other = randomUUID();
      const snap = blobKey(org, 'snapshot', ['edge-1', 'cam-1'], 'jpg');
      const photo = blobKey(org, 'photo', [], 'jpg');
      const crop = blobKey(org, 'crop', [], 'jpg');
      const otherSnap = blobKey(other, 'snapshot', ['edge-9', 'cam-1'], 'jpg');
      for (const k of [snap, photo, crop, otherSnap]) await store.put(k, Buffer.from('x'), 'image/jpeg');
      const config = blobsConfigSchema.parse({});
      expect(config.retentionDays).toMatchObject({ snapshot: 30, photo: 7, crop: null });
      const retention = new BlobRetention(store, {} as JobQueue, config, createLogger('test', { level: 'silent' }));
      // ten days on: the photo (7 days) is past its time, the snapshot (30) is not
      expect(await retention.prune(org, Date.now() + 10 * DAY)).toEqual({ snapshot: 0, photo: 1 });
      expect(await store.get(photo)).toBeUndefined();
      expect(await retention.prune(org, Date.now() + 31 * DAY)).toEqual({ snapshot: 1, photo: 0 });
      expect(await keysOf(store, `org/${org}/`)).toEqual([crop]);
      expect(await keysOf(store, `org/${other}/`)).toEqual([otherSnap]);
    });

    it('a store that is down: put is a 503 saying nothing was stored, and nothing is', async () => {
      const down = f.down();
      const key = blobKey(orgA, 'photo', [], 'jpg');
      const err = await down.put(key, Buffer.from('photo'), 'image/jpeg').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BlobStoreUnavailable);
      expect(err).toMatchObject({ status: 503, code: 'blob_store_unavailable', message: expect.stringMatching(/nothing was stored/) });
      expect(await store.get(key)).toBeUndefined();
      await expect(down.get(key)).rejects.toMatchObject({ status: 503 });
      down.close();
    });

    it('withBlob deletes the blob again when the rows naming it fail to write', async () => {
      const key = blobKey(orgA, 'crop', [], 'jpg');
      await expect(
        withBlob(store, key, Buffer.from('crop'), 'image/jpeg', () => Promise.reject(new Error('insert failed'))),
      ).rejects.toThrow('insert failed');
      expect(await store.get(key)).toBeUndefined();
      expect(await withBlob(store, key, Buffer.from('crop'), 'image/jpeg', () => Promise.resolve('row'))).toBe('row');
      expect(await readBlob(store, key)).toEqual(Buffer.from('crop'));
    });

    it('signs a short-lived URL where the backend can (S3), else answers none (the API streams)', async () => {
      const key = blobKey(orgA, 'snapshot', ['edge-2', 'cam-1'], 'jpg');
      await store.put(key, Buffer.from('signed'), 'image/jpeg');
      const url = await store.signedUrl(key, 60);
      if (store.backend === 'filesystem') return expect(url).toBeUndefined();
      expect(url).toMatch(/X-Amz-Expires=60/);
      const res = await fetch(url!);
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).toString()).toBe('signed');
    });
  });
}
