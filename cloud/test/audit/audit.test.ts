import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type TestCloud } from '../support/cloud.js';

interface Entry {
  id: string;
  at: string;
  actor: { id: string; email: string | null; name: string | null } | null;
  action: string;
  entity: string;
  entityId: string | null;
  entityName: string | null;
}

/** The audit trail read back: owner only, filtered, a page at a time. */
describe('GET /api/v1/audit', () => {
  let t: TestCloud;
  let ownerId: string;
  let managerId: string;
  let manager: string;
  const suppliers: string[] = [];
  const read = async (q = '', token = t.ownerToken) =>
    t.api<{ entries: Entry[]; nextCursor: string | null; error?: { field?: string } }>('GET', `/api/v1/audit${q}`, { token });

  beforeAll(async () => {
    t = await build();
    ownerId = (await t.api('GET', '/api/v1/auth/me', { token: t.ownerToken })).body.id;
    manager = await t.userWithRole('manager');
    managerId = (await t.api('GET', '/api/v1/auth/me', { token: manager })).body.id;
    // the owner makes two suppliers and renames one; the manager makes one
    for (const name of ['Owner Wines', 'Owner Spirits'])
      suppliers.push((await t.api('POST', '/api/v1/suppliers', { token: t.ownerToken, body: { name } })).body.id);
    await t.api('PATCH', `/api/v1/suppliers/${suppliers[0]}`, { token: t.ownerToken, body: { name: 'Owner Wines Ltd' } });
    suppliers.push((await t.api('POST', '/api/v1/suppliers', { token: manager, body: { name: 'Manager Beers' } })).body.id);
  });
  afterAll(() => t?.close());

  it('lists newest first with who did it', async () => {
    const r = await read('?entity=supplier');
    expect(r.status).toBe(200);
    expect(r.body.entries.map((e) => [e.action, e.entityId, e.actor?.id])).toEqual([
      ['create', suppliers[2], managerId],
      ['update', suppliers[0], ownerId],
      ['create', suppliers[1], ownerId],
      ['create', suppliers[0], ownerId],
    ]);
    expect(r.body.entries[1]!.actor).toMatchObject({ email: 'owner@anchor.test' });
  });

  it('filters by actor, action, entity and time, and pages with a cursor', async () => {
    const mine = await read(`?entity=supplier&actor=${ownerId}&action=create`);
    expect(mine.body.entries.map((e) => e.entityId)).toEqual([suppliers[1], suppliers[0]]);
    const all = (await read('?entity=supplier')).body.entries;
    const last = all[0]!.at;
    // to is exclusive, from inclusive
    expect((await read(`?entity=supplier&from=${encodeURIComponent(last)}`)).body.entries.map((e) => e.entityId)).toEqual([suppliers[2]]);
    expect((await read(`?entity=supplier&to=${encodeURIComponent(last)}`)).body.entries).toHaveLength(3);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r: { body: { entries: Entry[]; nextCursor: string | null } } = await read(
        `?entity=supplier&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...r.body.entries.map((e) => e.id));
      cursor = r.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(2);
    expect(seen).toEqual(all.map((e) => e.id));
  });

  it('names what was changed as it is called now, and nothing once it is gone', async () => {
    const supplierNames = (await read('?entity=supplier')).body.entries.map((e) => e.entityName);
    // the rename shows on the older rows too: the owner recognises the supplier by today's name
    expect(supplierNames).toEqual(['Manager Beers', 'Owner Wines Ltd', 'Owner Spirits', 'Owner Wines Ltd']);
    const venue = (await t.api('POST', '/api/v1/venues', { token: t.ownerToken, body: { name: 'Harbour Terrace' } })).body.id as string;
    const named = (await read('?entity=venue')).body.entries;
    expect(named.map((e) => [e.action, e.entityId, e.entityName])).toEqual([['create', venue, 'Harbour Terrace']]);
    expect((await t.api('DELETE', `/api/v1/venues/${venue}`, { token: t.ownerToken })).status).toBe(204);
    const gone = (await read('?entity=venue')).body.entries;
    expect(gone.map((e) => [e.action, e.entityId, e.entityName])).toEqual([
      ['delete', venue, null],
      ['create', venue, null],
    ]);
    // a sign-in names the person; the sign-up names the organisation
    const logins = (await read(`?entity=user&action=login&actor=${managerId}`)).body.entries;
    expect(logins[0]!.entityName).toBe('manager');
  });

  it('records a password change: who, whose and when, never the password or its hash', async () => {
    const bartender = await t.userWithRole('bartender');
    const bartenderId = (await t.api('GET', '/api/v1/auth/me', { token: bartender })).body.id as string;
    const password = 'the bartender chose this one';
    const before = new Date(Date.now() - 1000); // the database's clock and this one, a second apart at most
    expect((await t.api('POST', '/api/v1/auth/password', { token: bartender, body: { password } })).status).toBe(204);
    const [change, ...more] = (await read(`?action=change_password&actor=${bartenderId}&from=${before.toISOString()}`)).body.entries;
    expect(more).toEqual([]);
    expect(change).toMatchObject({ entity: 'user', entityId: bartenderId, entityName: 'bartender', actor: { id: bartenderId } });
    const { rows } = await t.cloud.db.query<{ row: string }>(`SELECT a::text AS row FROM audit_log a WHERE action = 'change_password'`);
    const hash = (await t.cloud.db.query<{ h: string }>('SELECT password_hash AS h FROM users WHERE id = $1', [bartenderId])).rows[0]!.h;
    expect(rows).toHaveLength(1);
    expect(rows[0]!.row).not.toContain(password);
    expect(rows[0]!.row).not.toContain(hash);
  });

  it('is for the owner only', async () => {
    expect((await read('', manager)).status).toBe(403);
    expect((await read('', await t.userWithRole('technician'))).status).toBe(403);
    expect((await t.api('GET', '/api/v1/audit')).status).toBe(401);
  });

  it('answers bad filters with 400 naming the field', async () => {
    for (const [q, field] of [
      ['?actor=me', 'querystring.actor'],
      ['?action=DROP%20TABLE', 'querystring.action'],
      ['?from=yesterday', 'querystring.from'],
      ['?limit=0', 'querystring.limit'],
      ['?cursor=abc', 'cursor'],
      ['?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z', 'from'],
    ]) {
      const r = await read(q);
      expect(r.status, q).toBe(400);
      expect(r.body.error?.field, q).toBe(field);
    }
  });
});
