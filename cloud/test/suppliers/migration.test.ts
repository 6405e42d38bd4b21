import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, openDb, readMigrations, type Db } from '../../src/db/index.js';

/** Migration 130 turns items.supplier (free text) into supplier rows linked to the items. */
describe('migration 130: suppliers from items.supplier', () => {
  let db: Db;
  const all = readMigrations();
  const m130 = all.find((m) => m.name.startsWith('130_'))!;
  const orgs: string[] = [];
  beforeAll(async () => {
    db = await openDb({ dataDir: 'memory://' });
    await migrate(
      db,
      all.filter((m) => m.name < '130'),
    );
    for (const name of ['A', 'B']) {
      const { rows } = await db.query<{ id: string }>('INSERT INTO organisations (name) VALUES ($1) RETURNING id', [name]);
      orgs.push(rows[0]!.id);
    }
    const items: [number, string, string | null, number | null][] = [
      [0, 'TITOS', "Southern Glazer's", 19.5],
      [0, 'GOOSE', " southern glazer's ", 29],
      [0, 'JAMESON', 'Republic National', null],
      [0, 'HOUSE', null, 5],
      [0, 'BLANK', '  ', 5],
      [1, 'TITOS', "Southern Glazer's", 18],
    ];
    for (const [org, sku, supplier, cost] of items)
      await db.query('INSERT INTO items (org_id, sku, name, supplier, unit_cost) VALUES ($1, $2, $2, $3, $4)', [
        orgs[org]!,
        sku,
        supplier,
        cost,
      ]);
    await migrate(db, all);
  });
  afterAll(() => db?.close());

  const state = async () =>
    (
      await db.query<{ org: string; supplier: string; sku: string; caseSize: number; casePrice: number | null; prices: number }>(
        `SELECT s.org_id AS org, s.name AS supplier, i.sku, si.case_size AS "caseSize", si.case_price AS "casePrice",
                (SELECT count(*) FROM supplier_prices p WHERE p.supplier_id = s.id AND p.item_id = i.id)::int AS prices
         FROM suppliers s LEFT JOIN supplier_items si ON si.supplier_id = s.id LEFT JOIN items i ON i.id = si.item_id
         ORDER BY s.org_id = $1 DESC, s.name, i.sku`,
        [orgs[0]!],
      )
    ).rows.map((r) => [r.org === orgs[0] ? 'A' : 'B', r.supplier, r.sku, r.caseSize, r.casePrice, r.prices]);

  it('makes one supplier per distinct name per organisation, whatever its spacing and case, and links each item at its cost', async () => {
    expect(await state()).toEqual([
      ['A', 'Republic National', 'JAMESON', 1, null, 0],
      ['A', "Southern Glazer's", 'GOOSE', 1, 29, 1],
      ['A', "Southern Glazer's", 'TITOS', 1, 19.5, 1],
      ['B', "Southern Glazer's", 'TITOS', 1, 18, 1],
    ]);
  });

  it('runs again without duplicating anything', async () => {
    const before = await state();
    await db.exec(m130.sql);
    expect(await state()).toEqual(before);
  });
});
