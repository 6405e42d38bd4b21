import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/index.js';
import type { Queryable, SqlParam } from '../../src/db/types.js';
import { AuditRepository } from '../../src/audit/audit.repository.js';
import { seedDemo, type DemoSeed } from '../../src/seed/index.js';
import type { DbFactory } from '../support/db.js';
import { repos } from '../support/repos.js';

/** A plan node as EXPLAIN (FORMAT JSON) writes it: the fields read here. */
interface PlanNode {
  'Node Type': string;
  'Subplan Name'?: string;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}
const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];

/**
 * The audit page's names (AuditRepository.page): each kind of entity named within its organisation, on
 * PGlite in `npm test` and on the real PostgreSQL in the integration run, where the uuid cast and the plan differ.
 */
export function describeAuditNames(f: DbFactory) {
  describe(`the audit page's entity names on ${f.name}`, () => {
    let db: Db;
    let seed: DemoSeed;
    let otherItem: string;
    let ownerId: string;
    beforeAll(async () => {
      db = await f.open();
      const r = repos(db);
      const org = await r.venues.createOrganisation('Audit Bars');
      seed = await seedDemo(db, org.id);
      const other = await r.venues.createOrganisation('Someone Else');
      otherItem = Object.values((await seedDemo(db, other.id)).items)[0]!;
      const owner = await r.users.createUser({ email: 'audit-owner@anchor.test', name: 'Ada Owner', passwordHash: 'x' });
      await r.users.addMembership(org.id, owner.id, 'owner');
      ownerId = owner.id;
      await r.devices.create(org.id, { id: 'anchor-edge-7', venueId: seed.venueId, name: 'Back bar shelf' });
    });
    afterAll(() => f.dispose(db));

    it('names each kind within the organisation, and nothing for an id that is not one of its own', async () => {
      const audit = new AuditRepository(db);
      const itemId = Object.values(seed.items)[0]!;
      const rows: [string, string | null][] = [
        ['item', itemId],
        ['venue', seed.venueId],
        ['user', ownerId],
        ['organisation', seed.orgId],
        ['device', 'anchor-edge-7'],
        ['slot', 'anchor-edge-7/cam-1/slot-2'],
        // not a uuid where one is expected: no name, and no "invalid input syntax for type uuid" either
        ['item', 'anchor-edge-7'],
        // another organisation's item keeps its name to itself
        ['item', otherItem],
        ['stock_take', null],
      ];
      for (const [entity, entityId] of rows) await audit.record(seed.orgId, { userId: ownerId, action: 'update', entity, entityId });
      const page = await audit.page(seed.orgId, { limit: rows.length });
      const item = await repos(db).items.get(seed.orgId, itemId);
      expect(page.reverse().map((e) => [e.entity, e.entityName])).toEqual([
        ['item', item!.name],
        ['venue', 'The Anchor'],
        ['user', 'Ada Owner'],
        ['organisation', 'Audit Bars'],
        ['device', 'Back bar shelf'],
        ['slot', 'Back bar shelf, camera cam-1, slot slot-2'],
        ['item', null],
        ['item', null],
        ['stock_take', null],
      ]);
      expect(page.every((e) => e.name === 'Ada Owner')).toBe(true);
    });

    it('reads a page of a big log in one query, looking names up for that page only', async () => {
      // a few thousand rows naming an item, a venue, a person or a device, and a catalogue of thousands
      await db.query(`INSERT INTO items (org_id, sku, name) SELECT $1, 'BULK-' || n, 'Bulk item ' || n FROM generate_series(1, 3000) n`, [
        seed.orgId,
      ]);
      await db.query(
        `INSERT INTO audit_log (org_id, user_id, action, entity, entity_id)
         SELECT $1, $2::uuid, 'update', (ARRAY['item', 'venue', 'user', 'device'])[n % 4 + 1],
           (ARRAY[$3::text, $4::text, $2::text, 'anchor-edge-7'])[n % 4 + 1] FROM generate_series(1, 4000) n`,
        [seed.orgId, ownerId, Object.values(seed.items)[0]!, seed.venueId],
      );
      await db.query('ANALYZE audit_log');
      await db.query('ANALYZE items');
      const sent: { text: string; params: readonly SqlParam[] }[] = [];
      const watched: Queryable = {
        query: (text, params, o) => (sent.push({ text, params: params ?? [] }), db.query(text, params, o)),
        exec: (text) => db.exec(text),
        notify: (c, p) => db.notify(c, p),
        announce: (c, p) => db.announce(c, p),
      };
      const page = await new AuditRepository(watched).page(seed.orgId, { limit: 50 });
      expect(page).toHaveLength(50);
      expect(page.every((e) => e.entityName !== null)).toBe(true);
      expect(sent).toHaveLength(1); // one round trip a page, not one a row
      const { rows } = await db.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
        `EXPLAIN (ANALYZE, FORMAT JSON) ${sent[0]!.text}`,
        sent[0]!.params,
      );
      const plan = rows[0]!['QUERY PLAN'][0].Plan;
      const lookups = nodes(plan).filter((n) => n['Subplan Name']?.startsWith('SubPlan'));
      // each name is a subquery run once per row of the page: the limit caps it, not the 4,000 rows of the log
      expect(lookups.length).toBeGreaterThan(0);
      for (const lookup of lookups) expect(lookup['Actual Loops'], lookup['Subplan Name']).toBeLessThanOrEqual(50);
      // and each finds its row by key: reading the organisation's catalogue to find one item would discard thousands
      const discarded = lookups.flatMap(nodes).reduce((sum, n) => sum + (n['Rows Removed by Filter'] ?? 0), 0);
      expect(discarded).toBeLessThanOrEqual(50);
      if (process.env.AUDIT_PLAN) console.log(JSON.stringify(plan, null, 1));
    });
  });
}
