/**
 * The item list's pages are kept as JSON (inventory/item-pages.ts): every write that changes a
 * page must make the next read fresh on the same instance at once, with no wait. Each check first
 * shows the page is kept (a change made behind the repository's back stays unseen), so a write
 * path that forgot to announce its change would answer the page from before it and fail here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type TestCloud } from '../support/cloud.js';

interface Page {
  items: { id: string; sku: string; name: string; locations: { locationId: string; parLevel: number }[] }[];
}

describe('item list pages kept until the catalogue changes', () => {
  let t: TestCloud;
  const list = async (query = 'limit=500') => (await t.api<Page>('GET', `/api/v1/inventory/items?${query}`, { token: t.ownerToken })).body;
  const item = async (sku: string) => (await list()).items.find((i) => i.sku === sku);
  /** a rename straight in the table: no announcement, so a kept page does not show it */
  const renameBehindTheCache = (sku: string, name: string) =>
    t.cloud.db.query('UPDATE items SET name = $3 WHERE org_id = $1 AND sku = $2', [t.demo.orgId, sku, name]);
  beforeAll(async () => {
    t = await build();
  });
  afterAll(() => t?.close());

  it('keeps a page: a change no write path announced is not seen (what makes the checks below able to fail)', async () => {
    const before = (await item('TITOS-750'))!.name;
    await renameBehindTheCache('TITOS-750', 'Unannounced name');
    expect((await item('TITOS-750'))!.name).toBe(before);
    // the next announced change of the organisation forgets the page
    const id = (await item('TITOS-750'))!.id;
    expect((await t.api('PATCH', `/api/v1/inventory/items/${id}`, { token: t.ownerToken, body: { unit: 'bottle' } })).status).toBe(200);
    expect((await item('TITOS-750'))!.name).toBe('Unannounced name');
  });

  it('an edit, a new item, stock settings, an archive and a deletion are read back at once', async () => {
    const id = (await item('JAMESON-750'))!.id;
    const patch = (body: unknown) => t.api('PATCH', `/api/v1/inventory/items/${id}`, { token: t.ownerToken, body });
    await list();
    expect((await patch({ name: 'Jameson Irish Whiskey (renamed)' })).status).toBe(200);
    expect((await item('JAMESON-750'))!.name).toBe('Jameson Irish Whiskey (renamed)');

    const created = await t.api('POST', '/api/v1/inventory/items', { token: t.ownerToken, body: { sku: 'KEPT-1', name: 'Kept page gin' } });
    expect(created.status).toBe(201);
    expect(await item('KEPT-1')).toBeDefined();

    const loc = t.demo.locations.mainBar;
    expect((await patch({ locations: [{ locationId: loc, parLevel: 77, reorderPoint: 3 }] })).status).toBe(200);
    expect((await item('JAMESON-750'))!.locations.find((l) => l.locationId === loc)!.parLevel).toBe(77);

    expect((await t.api('DELETE', `/api/v1/inventory/items/${created.body.id}`, { token: t.ownerToken })).status).toBe(204);
    expect(await item('KEPT-1')).toBeUndefined();
  });

  it("a location's deletion takes its stock settings off the kept page", async () => {
    const made = await t.api('POST', `/api/v1/venues/${t.demo.venueId}/locations`, {
      token: t.ownerToken,
      body: { name: 'Pop-up bar', type: 'bar' },
    });
    expect(made.status).toBe(201);
    const id = (await item('TITOS-750'))!.id;
    await t.api('PATCH', `/api/v1/inventory/items/${id}`, {
      token: t.ownerToken,
      body: { locations: [{ locationId: made.body.id, parLevel: 5, reorderPoint: 1 }] },
    });
    expect((await item('TITOS-750'))!.locations.some((l) => l.locationId === made.body.id)).toBe(true);
    expect((await t.api('DELETE', `/api/v1/inventory/locations/${made.body.id}`, { token: t.ownerToken })).status).toBe(204);
    expect((await item('TITOS-750'))!.locations.some((l) => l.locationId === made.body.id)).toBe(false);
  });

  it('answers 304 to its ETag until the page changes, and pages are per organisation', async () => {
    const url = `${t.cloud.url}/api/v1/inventory/items?limit=5`;
    const auth = { authorization: `Bearer ${t.ownerToken}` };
    const first = await fetch(url, { headers: auth });
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^".+"$/);
    expect(first.headers.get('cache-control')).toBe('private, no-cache');
    expect((await fetch(url, { headers: { ...auth, 'if-none-match': etag } })).status).toBe(304);
    const top = ((await first.json()) as Page).items[0]!;
    await t.api('PATCH', `/api/v1/inventory/items/${top.id}`, { token: t.ownerToken, body: { name: `${top.name} (new label)` } });
    const after = await fetch(url, { headers: { ...auth, 'if-none-match': etag } });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(etag);

    const other = await t.otherOrg();
    const theirs = await t.api<Page>('GET', '/api/v1/inventory/items?limit=5', { token: other.token });
    const ours = await t.api<Page>('GET', '/api/v1/inventory/items?limit=5', { token: t.ownerToken });
    expect(theirs.body.items.map((i) => i.id)).not.toEqual(ours.body.items.map((i) => i.id));
  });
});
