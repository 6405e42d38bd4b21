import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, OWNER, type TestCloud } from '../support/cloud.js';

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
});
