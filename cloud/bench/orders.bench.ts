/**
 * Order suggestions for one venue of 300 items (3 locations, counted stock,
 * par levels) sold by 5 suppliers (half the items by two, cases of 1, 6 and 12,
 * minimum orders, orders already out) on PGlite: p50/p99 of
 * SuggestionService.suggest, printed and added to bench-results/cloud.json;
 * then the same on PostgreSQL (a private database on BENCH_DATABASE_URL's
 * server, created and dropped here) when one answers.
 * Asserts nothing: speed is read from the figures.
 */
import pg from 'pg';
import { migrate, openDb, type Db } from '../src/db/index.js';
import { InventoryService } from '../src/inventory/index.js';
import { SuggestionService } from '../src/orders/index.js';
import { pct } from './load.js';
import { writeFigures } from './results.js';

const COMMAND = 'npm run bench -w cloud';
const ITEMS = Number(process.env.BENCH_ORDER_ITEMS ?? 300);
const RUNS = Number(process.env.BENCH_ORDER_RUNS ?? 30);
const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `ss_bench_orders_${process.pid}`;

interface Row {
  figure: string;
  value: number;
  unit: string;
  target: string;
}

async function measure(label: string, db: Db): Promise<Row[]> {
  await migrate(db);
  const one = async (sql: string, params: unknown[] = []) => (await db.query<{ id: string }>(sql, params as never)).rows[0]!.id;
  const orgId = await one(`INSERT INTO organisations (name) VALUES ('Bench Bars') RETURNING id`);
  const venueId = await one(`INSERT INTO venues (org_id, name) VALUES ($1, 'Bench Venue') RETURNING id`, [orgId]);
  for (const [name, type] of [
    ['Main Bar', 'bar'],
    ['Rooftop', 'bar'],
    ['Storage', 'storage'],
  ] as const)
    await db.query(`INSERT INTO locations (org_id, venue_id, name, type) VALUES ($1, $2, $3, $4)`, [orgId, venueId, name, type]);
  await db.query(`INSERT INTO items (org_id, sku, name) SELECT $1, 'SKU-' || g, 'Item ' || g FROM generate_series(1, $2::int) g`, [
    orgId,
    ITEMS,
  ]);
  await db.query(
    `INSERT INTO item_locations (org_id, item_id, location_id, par_level, reorder_point)
   SELECT $1, i.id, l.id, 2 + (abs(hashtext(i.sku || l.name)) % 10), 1 FROM items i, locations l WHERE i.org_id = $1 AND l.org_id = $1`,
    [orgId],
  );
  await db.query(
    `INSERT INTO transactions (org_id, item_id, location_id, type, quantity)
   SELECT $1, i.id, l.id, 'COUNT', abs(hashtext(l.name || i.sku)) % 8 FROM items i, locations l WHERE i.org_id = $1 AND l.org_id = $1`,
    [orgId],
  );
  await db.query(
    `INSERT INTO suppliers (org_id, name, lead_time_days, min_order_value, ordering_days)
   SELECT $1, 'Supplier ' || g, 1 + g % 3, 100 * g, ARRAY[1, 4]::smallint[] FROM generate_series(1, 5) g`,
    [orgId],
  );
  await db.query(
    `WITH s AS (SELECT id, row_number() OVER (ORDER BY name) - 1 AS n FROM suppliers WHERE org_id = $1),
        i AS (SELECT id, row_number() OVER (ORDER BY sku) AS n FROM items WHERE org_id = $1)
   INSERT INTO supplier_items (org_id, supplier_id, item_id, case_size, case_price, preferred)
   SELECT $1, s.id, i.id, (ARRAY[1, 6, 12])[1 + (i.n + s.n) % 3], 10 + (i.n * 7 + s.n * 3) % 50, false
   FROM i JOIN s ON s.n = i.n % 5 OR (i.n % 2 = 0 AND s.n = (i.n + 1) % 5)`,
    [orgId],
  );
  // an order already out to each supplier for a tenth of the items
  await db.query(
    `INSERT INTO purchase_orders (org_id, venue_id, supplier_id, status) SELECT $1, $2, id, 'sent' FROM suppliers WHERE org_id = $1`,
    [orgId, venueId],
  );
  await db.query(
    `INSERT INTO purchase_order_lines (org_id, order_id, item_id, cases, case_size, case_price)
   SELECT $1, o.id, si.item_id, 1, si.case_size, si.case_price
   FROM purchase_orders o JOIN supplier_items si ON si.supplier_id = o.supplier_id
   WHERE o.org_id = $1 AND abs(hashtext(si.item_id::text)) % 10 = 0`,
    [orgId],
  );

  const service = new SuggestionService({ db, inventory: new InventoryService(db) });
  let lines = 0;
  for (let i = 0; i < 3; i++) await service.suggest(orgId, venueId); // warm-up: plans and caches
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const s = await service.suggest(orgId, venueId);
    ms.push(performance.now() - t0);
    lines = s.suppliers.reduce((n, x) => n + x.lines.length, 0);
  }
  await db.close();
  const rows = [50, 99].map((p) => ({
    figure: `orders: suggestions p${p}, ${ITEMS} items × 5 suppliers (${label})`,
    value: Math.round(pct(ms, p) * 10) / 10,
    unit: 'ms',
    target: '≤ 300 ms',
  }));
  for (const r of rows) process.stdout.write(`${r.figure}: ${r.value} ${r.unit} (${lines} lines suggested)\n`);
  return rows;
}

const rows: Row[] = await measure('PGlite', await openDb({ dataDir: 'memory://' }));
const admin = new pg.Pool({ connectionString: serverUrl, max: 1 });
try {
  await admin.query(`CREATE DATABASE ${dbName}`);
  const u = new URL(serverUrl);
  u.pathname = `/${dbName}`;
  rows.push(...(await measure('PostgreSQL', await openDb({ url: u.toString() }))));
} catch (e) {
  process.stdout.write(`orders bench: no PostgreSQL at ${new URL(serverUrl).host} (${(e as Error).message}); PGlite only\n`);
} finally {
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
  await admin.end();
}
writeFigures(
  'orders: ',
  rows.map((r) => ({ ...r, command: COMMAND })),
);
