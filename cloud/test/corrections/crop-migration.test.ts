/**
 * Migration 160 on a database that already holds correction crops in PostgreSQL (PGlite): the
 * rows stay readable as they were, the mover copies each crop to object storage and lets go of
 * the bytes, and a store that is down moves nothing and loses nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@smartstock/runtime';
import { migrate, openDb, readMigrations, type Db } from '../../src/db/index.js';
import { FilesystemBlobStore, readBlob } from '../../src/blobs/index.js';
import { CorrectionService, CropMover } from '../../src/corrections/index.js';

const log = createLogger('test', { level: 'silent' });
const jpeg = (n: number) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(300 + n, n)]);

describe('correction crops move out of PostgreSQL (migration 160 and the mover)', () => {
  let db: Db;
  let root: string;
  let org: string;
  const ids: string[] = [];
  const service = (store: FilesystemBlobStore) => new CorrectionService(db, {} as never, {} as never, log, 1000, store);
  const row = async (id: string) =>
    (
      await db.query<{ inDb: boolean; key: string | null; bytes: number | null }>(
        'SELECT crop_jpeg IS NOT NULL AS "inDb", crop_key AS key, crop_bytes AS bytes FROM slot_corrections WHERE id = $1',
        [id],
      )
    ).rows[0]!;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'crop-migration-'));
    db = await openDb({ dataDir: 'memory://' });
    // the database as it was before object storage, with three corrections: two crops and one without
    await migrate(
      db,
      readMigrations().filter((m) => m.name < '160'),
    );
    org = (await db.query<{ id: string }>(`INSERT INTO organisations (name) VALUES ('Old Bars') RETURNING id`)).rows[0]!.id;
    const venue = (await db.query<{ id: string }>(`INSERT INTO venues (org_id, name) VALUES ($1, 'Old') RETURNING id`, [org])).rows[0]!.id;
    for (const [i, crop] of [jpeg(1), jpeg(2), null].entries()) {
      const { rows } = await db.query<{ id: string }>(
        `INSERT INTO slot_corrections (org_id, venue_id, location_id, device_id, camera_id, slot_id, polygon, true_count,
           crop_jpeg, crop_width, crop_height, crop_missing, created_at)
         VALUES ($1, $2, gen_random_uuid(), 'edge-1', 'cam-1', 's', '[[0,0],[1,0],[1,1]]', 2, $3, 40, 80, $4, now() - make_interval(mins => $5))
         RETURNING id`,
        [org, venue, crop, crop ? null : 'the device is offline', 10 - i],
      );
      ids.push(rows[0]!.id);
    }
    expect(await migrate(db)).toContain('160_blob_keys.sql');
  });
  afterAll(async () => {
    await db?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('leaves the old rows readable as they were, before anything moved', async () => {
    const s = service(new FilesystemBlobStore(root));
    expect(await s.crop(org, ids[0]!)).toEqual(jpeg(1));
    const listed = (await s.list(org, { limit: 10 })).corrections;
    expect(listed.map((c) => c.crop)).toEqual([
      null,
      { width: 40, height: 80, bytes: jpeg(2).length },
      { width: 40, height: 80, bytes: jpeg(1).length },
    ]);
    await expect(s.crop(org, ids[2]!)).rejects.toMatchObject({ status: 404, code: 'no_crop' });
  });

  it('a store that is down moves nothing: every crop stays in its row, readable', async () => {
    const file = join(root, 'not-a-folder');
    writeFileSync(file, 'x');
    const down = new FilesystemBlobStore(file);
    await expect(new CropMover(db, down, log).moveAll()).rejects.toMatchObject({ status: 503 });
    expect(await row(ids[0]!)).toEqual({ inDb: true, key: null, bytes: null });
    expect(await service(down).crop(org, ids[0]!)).toEqual(jpeg(1));
  });

  it('moves each crop to object storage under its org, then the row names the key and lets go of the bytes', async () => {
    const store = new FilesystemBlobStore(root);
    expect(await new CropMover(db, store, log).moveAll()).toBe(2);
    for (const [i, id] of ids.slice(0, 2).entries()) {
      const key = `org/${org}/crop/${id}.jpg`;
      expect(await row(id)).toEqual({ inDb: false, key, bytes: jpeg(i + 1).length });
      expect(await readBlob(store, key)).toEqual(jpeg(i + 1));
      expect(await service(store).crop(org, id)).toEqual(jpeg(i + 1));
    }
    expect(await row(ids[2]!)).toEqual({ inDb: false, key: null, bytes: null });
    expect(await new CropMover(db, store, log).moveAll()).toBe(0);
    // the labelled set reads them from the store now, sizes unchanged
    const exported = [];
    for await (const c of service(store).export(org, {})) exported.push(c);
    expect(exported.map((c) => c.cropJpeg)).toEqual([null, jpeg(2), jpeg(1)]);
    expect(exported.map((c) => c.crop?.bytes ?? null)).toEqual([null, jpeg(2).length, jpeg(1).length]);
  });

  it('a crop in both places, or neither with no reason, is refused by the database', async () => {
    const bad = db.query(`UPDATE slot_corrections SET crop_jpeg = '\\xffd8'::bytea WHERE id = $1`, [ids[0]!]);
    await expect(bad).rejects.toThrow(/slot_corrections_crop/);
    await expect(db.query('UPDATE slot_corrections SET crop_key = NULL WHERE id = $1', [ids[0]!])).rejects.toThrow(/slot_corrections_crop/);
  });

  it('a crop lost from the store is said so, not served as something else', async () => {
    const store = new FilesystemBlobStore(root);
    await store.delete(`org/${org}/crop/${ids[1]}.jpg`);
    await expect(service(store).crop(org, ids[1]!)).rejects.toMatchObject({
      status: 404,
      code: 'no_crop',
      message: /no longer in object storage/,
    });
    const exported = [];
    for await (const c of service(store).export(org, {})) exported.push(c);
    expect(exported[1]).toMatchObject({ cropJpeg: null, cropMissing: 'the crop is no longer in object storage' });
  });
});
