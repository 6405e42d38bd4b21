import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobKey } from '../../src/blobs/index.js';
import { build, OWNER, type TestCloud } from '../support/cloud.js';

/** Every file under dir, '/'-separated, relative to it. */
const filesUnder = (dir: string, root = dir): string[] =>
  readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p, root) : [relative(root, p).split('\\').join('/')];
  });

describe("an organisation's export of all its data", () => {
  let t: TestCloud;
  beforeAll(async () => {
    t = await build();
  });
  afterAll(() => t?.close());

  const done = async (id: string, token = t.ownerToken) => {
    for (let i = 0; i < 200; i++) {
      const r = await t.api('GET', `/api/v1/organisation/exports/${id}`, { token });
      if (r.body.status === 'done' || r.body.status === 'failed') return r.body;
      await new Promise((res) => setTimeout(res, 100));
    }
    throw new Error('the export did not finish');
  };
  const download = (id: string, format: string) =>
    fetch(`${t.cloud.url}/api/v1/organisation/exports/${id}/download?format=${format}`, {
      headers: { authorization: `Bearer ${t.ownerToken}` },
    });

  it('runs as a job and gives JSON and CSV with every table of the organisation, and nothing of another or secret', async () => {
    const b = await t.otherOrg();
    await t.api('PATCH', `/api/v1/inventory/items/${b.demo.items['TITOS-750']}`, { token: b.token, body: { name: 'B only vodka' } });
    const started = await t.api('POST', '/api/v1/organisation/exports', { token: t.ownerToken });
    expect(started.status).toBe(202);
    expect(['queued', 'running', 'done']).toContain(started.body.status);
    const early = await download(started.body.id, 'json');
    if (started.body.status !== 'done' && early.status !== 200) expect(((await early.json()) as any).error.code).toBe('export-not-ready');
    const finished = await done(started.body.id);
    expect(finished.status).toBe('done');
    expect(finished.tables).toBeGreaterThan(10);

    const json = await download(started.body.id, 'json');
    expect(json.headers.get('content-disposition')).toMatch(/attachment; filename="smartstock-export-.*\.json"/);
    const text = await json.text();
    const doc = JSON.parse(text) as { organisation: { id: string }; tables: Record<string, Record<string, unknown>[]> };
    expect(doc.organisation.id).toBe(t.demo.orgId);
    expect(doc.tables.people!.map((p) => p.email)).toContain(OWNER.email);
    expect(doc.tables.items!.map((i) => i.sku)).toContain('TITOS-750');
    expect(doc.tables.venues!.map((v) => v.name)).toEqual(['The Anchor']);
    expect(doc.tables.audit_log!.length).toBeGreaterThan(0);
    expect(
      Object.values(doc.tables)
        .flat()
        .every((r) => !('org_id' in r) || r.org_id === t.demo.orgId),
    ).toBe(true);
    expect(text).not.toContain('B only vodka');
    expect(text).not.toMatch(/argon2|password_hash|token_hash/);
    expect(doc.tables.refresh_tokens).toBeUndefined();
    expect(finished.rows).toBe(Object.values(doc.tables).flat().length);

    const csv = await (await download(started.body.id, 'csv')).text();
    expect(csv.split('\r\n')[0]).toBe('table,row,column,value');
    expect(csv).toMatch(/\r\nitems,\d+,sku,TITOS-750\r\n/);
    expect(csv).not.toContain('B only vodka');
  });

  it('is the owner’s alone, and another organisation’s export is not found', async () => {
    expect((await t.api('POST', '/api/v1/organisation/exports', { token: await t.userWithRole('manager') })).status).toBe(403);
    const b = await t.otherOrg();
    const theirs = await t.api('POST', '/api/v1/organisation/exports', { token: b.token });
    expect((await t.api('GET', `/api/v1/organisation/exports/${theirs.body.id}`, { token: t.ownerToken })).status).toBe(404);
    expect((await download(theirs.body.id, 'json')).status).toBe(404);
    const bad = await download(theirs.body.id, 'xml');
    expect(bad.status).toBe(400);
  });
  it('gives one tar with both documents, the manifest mapping rows to files, and every file of the organisation from the store', async () => {
    const store = t.cloud.blobs;
    const org = t.demo.orgId;
    // a snapshot no row names (odd size: the tar pads it), an order's PDF named by its row, a path too long for ustar's name field
    const snapshot = { key: blobKey(org, 'snapshot', ['edge-1', 'cam-1'], 'jpg'), body: randomBytes(1537) };
    const pdf = { key: blobKey(org, 'purchase-order', [], 'pdf'), body: Buffer.from('%PDF-1.4 the order') };
    const long = {
      key: blobKey(org, 'photo', ['a-rather-long-folder-name-for-a-photo', 'and-another-one'], 'jpg'),
      body: randomBytes(512),
    };
    const gone = { key: blobKey(org, 'snapshot', ['edge-1', 'cam-2'], 'jpg'), body: randomBytes(10) };
    expect(long.key.length).toBeGreaterThan(100);
    for (const f of [snapshot, pdf, long, gone]) await store.put(f.key, f.body, 'application/octet-stream');
    const b = await t.otherOrg();
    await store.put(blobKey(b.demo.orgId, 'snapshot', ['b-edge'], 'jpg'), Buffer.from('B only'), 'image/jpeg');
    const supplier = (await t.api('POST', '/api/v1/suppliers', { token: t.ownerToken, body: { name: 'Tar Wines' } })).body.id as string;
    const order = await t.api('POST', '/api/v1/orders/create', {
      token: t.ownerToken,
      body: { venueId: t.demo.venueId, supplierId: supplier, lines: [{ itemId: t.demo.items['TITOS-750'], cases: 1 }] },
    });
    expect(order.status).toBe(201);
    await t.cloud.db.query('UPDATE purchase_orders SET pdf_key = $1 WHERE org_id = $2 AND id = $3', [pdf.key, org, order.body.id]);
    // a row whose file retention already deleted
    const lost = blobKey(org, 'purchase-order', [], 'pdf');
    const order2 = await t.api('POST', '/api/v1/orders/create', {
      token: t.ownerToken,
      body: { venueId: t.demo.venueId, supplierId: supplier, lines: [{ itemId: t.demo.items['TITOS-750'], cases: 2 }] },
    });
    await t.cloud.db.query('UPDATE purchase_orders SET pdf_key = $1 WHERE org_id = $2 AND id = $3', [lost, org, order2.body.id]);

    const started = await t.api('POST', '/api/v1/organisation/exports', { token: t.ownerToken });
    const finished = await done(started.body.id);
    expect(finished).toMatchObject({ status: 'done', files: 4, fileBytes: 1537 + pdf.body.length + 512 + 10 });
    // deleted between the job and the download: named in missing.json, the rest still whole
    await store.delete(gone.key);

    const res = await download(started.body.id, 'tar');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-tar');
    expect(res.headers.get('content-disposition')).toMatch(/filename="smartstock-export-.*\.tar"/);
    const dir = mkdtempSync(join(tmpdir(), 'export-tar-'));
    writeFileSync(join(dir, 'export.tar'), Buffer.from(await res.arrayBuffer()));
    execFileSync('tar', ['-xf', 'export.tar'], { cwd: dir });
    const inside = (f: string) => `files/${f.slice(`org/${org}/`.length)}`;
    expect(
      filesUnder(dir)
        .filter((f) => f !== 'export.tar')
        .sort(),
    ).toEqual(
      ['export.json', 'export.csv', 'manifest.json', 'missing.json', inside(snapshot.key), inside(pdf.key), inside(long.key)].sort(),
    );
    for (const f of [snapshot, pdf, long]) expect(readFileSync(join(dir, inside(f.key))).equals(f.body), f.key).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'export.json'), 'utf8')).organisation.id).toBe(org);
    expect(JSON.parse(readFileSync(join(dir, 'missing.json'), 'utf8'))).toEqual({ deletedSinceTheExport: [gone.key] });

    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
      files: { key: string; path: string; size: number; rows: { table: string; id: string; column: string; row: number }[] }[];
      rowsWithoutFile: { key: string; table: string; id: string }[];
    };
    expect(manifest.files.map((f) => f.key).sort()).toEqual([snapshot.key, pdf.key, long.key, gone.key].sort());
    const pdfEntry = manifest.files.find((f) => f.key === pdf.key)!;
    expect(pdfEntry).toMatchObject({ path: inside(pdf.key), size: pdf.body.length });
    expect(pdfEntry.rows).toEqual([{ table: 'purchase_orders', row: expect.any(Number), id: order.body.id, column: 'pdf_key' }]);
    expect(manifest.files.find((f) => f.key === snapshot.key)!.rows).toEqual([]);
    expect(manifest.rowsWithoutFile).toEqual([expect.objectContaining({ key: lost, table: 'purchase_orders', id: order2.body.id })]);
    // the row number is the CSV's
    const csv = readFileSync(join(dir, 'export.csv'), 'utf8');
    expect(csv).toContain(`purchase_orders,${pdfEntry.rows[0]!.row},pdf_key,${pdf.key}`);
    expect(readFileSync(join(dir, 'export.tar')).includes(Buffer.from('B only'))).toBe(false);
  });

  it('answers 404 for another organisation’s tar and 409 before the export is done', async () => {
    const b = await t.otherOrg();
    const theirs = await t.api('POST', '/api/v1/organisation/exports', { token: b.token });
    expect((await download(theirs.body.id, 'tar')).status).toBe(404);
    const mine = await t.api('POST', '/api/v1/organisation/exports', { token: t.ownerToken });
    await done(mine.body.id);
    await t.cloud.db.query('UPDATE org_exports SET json = NULL, finished_at = NULL WHERE id = $1', [mine.body.id]);
    const early = await download(mine.body.id, 'tar');
    expect(early.status).toBe(409);
    expect(early.headers.get('content-disposition')).toBeNull();
    expect(((await early.json()) as { error: { code: string } }).error.code).toBe('export-not-ready');
  });
});
